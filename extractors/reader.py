"""Files -> pages of raw text. PDF via pypdfium2, text in any common encoding, .docx.

Readers raise a `DocumentError` subclass whose message says what the user can do;
they never return half a document silently.
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from pathlib import Path
from typing import Iterator

from extractors.document import Document, Page
from extractors.errors import EmptyDocument, NeedsOCR, UnreadableDocument

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED = sorted(TEXT_SUFFIXES | {".pdf", ".docx"})
#: a PDF page with fewer visible characters than this has no usable text layer.
MIN_CHARS_PER_PAGE = 20
#: a PDF whose pages lack a text layer in at least this share is a scan as a whole.
SCANNED_PAGE_SHARE = 0.5
#: a page with fewer characters than this over a picture covering SCAN_IMAGE_SHARE of it is a scan
#: whose text layer holds a stamp or a page number only
STAMP_CHARS = 200
SCAN_IMAGE_SHARE = 0.6


def file_identity(path: Path) -> tuple[str, str]:
    """(sha256 of the bytes, doc_id). The doc_id is content-based so reruns replace rows."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        digest.update(str(path).encode())
    sha = digest.hexdigest()
    return sha, sha[:16]


def read_document(path: Path) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnreadableDocument(
            f"unsupported file type '{suffix or '(none)'}'; ivp reads {', '.join(SUPPORTED)}. "
            "Convert the file (e.g. .doc/.odt to .docx or PDF) or leave it out of the input.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"cannot open the file: {exc.strerror or exc}; check that it exists and is readable") from exc
    sha, doc_id = file_identity(path)
    if not data.strip():
        raise EmptyDocument("the file is empty; nothing to extract")
    if suffix == ".pdf":
        pages, fmt = read_pdf_pages(data), "pdf"
    elif suffix == ".docx":
        pages, fmt = read_docx_pages(path), "docx"
    else:
        pages, fmt = split_text_pages(decode_text(data)), suffix.lstrip(".")
    if not any(p.text.strip() for p in pages):
        raise EmptyDocument("the document holds no text")
    return Document(doc_id=doc_id, source_path=str(path), sha256=sha, source_format=fmt, pages=pages)


# --- text -------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """Detect the encoding: BOMs, UTF-16 without BOM, UTF-8, then charset detection (cp1252 etc.)."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _normalize_newlines(data.decode(encoding, errors="replace"))
    sample = data[:4096]
    if sample and sample.count(b"\x00") / len(sample) > 0.3:
        # UTF-16 without BOM: every other byte of Latin text is NUL.
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
        try:
            return _normalize_newlines(data.decode(encoding))
        except UnicodeDecodeError:
            pass
        raise UnreadableDocument("the file looks binary (many NUL bytes), not text; is it really a .txt?")
    _reject_binary(sample)
    try:
        return _normalize_newlines(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # Dutch text that is not UTF-8 is almost always Windows-1252; statistical detection
    # misreads short Dutch texts as Asian encodings, so it only gets what cp1252 cannot decode.
    try:
        return _normalize_newlines(data.decode("cp1252"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = best.encoding if best is not None else "latin-1"
    return _normalize_newlines(data.decode(encoding, errors="replace"))


def _reject_binary(sample: bytes) -> None:
    if b"\x00" in sample:
        raise UnreadableDocument("the file looks binary (NUL bytes), not text; check its real type (e.g. `file NAME`)")
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if sample and control / len(sample) > 0.05:
        raise UnreadableDocument("the file looks binary (control bytes), not text; check its real type (e.g. `file NAME`)")


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: a text page holds at most this many characters: a text file without form feeds (minutes,
#: a compendium, a merged export) becomes pages of bounded size, so provenance, memory and each
#: spaCy batch stay bounded however big the file is (nlp.MAX_BATCH_CHARS is the same size).
MAX_TEXT_PAGE_CHARS = 40_000
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def split_text_pages(text: str, max_chars: int = MAX_TEXT_PAGE_CHARS) -> list[Page]:
    """Pages at form feeds; a longer stretch is cut into blocks of at most `max_chars`."""
    chunks = [block for chunk in text.split("\f") for block in _blocks(chunk, max_chars)]
    return [Page(i + 1, chunk) for i, chunk in enumerate(chunks)]


def _blocks(text: str, max_chars: int) -> Iterator[str]:
    """`text` in consecutive pieces of at most `max_chars`, cut after the last paragraph break
    in the second half of each piece (else a line break, else a space, else anywhere)."""
    start = 0
    while len(text) - start > max_chars:
        end = start + max_chars
        low = start + max_chars // 2
        breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text, low, end)]
        cut = breaks[-1] if breaks else (text.rfind("\n", low, end) + 1 or text.rfind(" ", low, end) + 1 or end)
        yield text[start:cut]
        start = cut
    yield text[start:]


# --- PDF --------------------------------------------------------------------

def read_pdf_pages(data: bytes) -> list[Page]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise UnreadableDocument(
                "the PDF is encrypted (password required); ask the publisher for an open copy or "
                "decrypt it (e.g. `qpdf --decrypt in.pdf out.pdf`) and run again") from exc
        raise UnreadableDocument(
            f"the PDF is damaged and cannot be opened ({message}); re-download it or repair it "
            "(e.g. `qpdf in.pdf out.pdf`) and run again") from exc
    try:
        if len(pdf) == 0:
            raise EmptyDocument("the PDF has no pages")
        pages: list[Page] = []
        scanned: list[int] = []  # 0-based indexes of pages without a usable text layer
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = _normalize_newlines(textpage.get_text_range())
            textpage.close()
            if _is_scanned(page, text):
                scanned.append(index)
            page.close()
            pages.append(Page(index + 1, text))
        if scanned:
            _read_scanned_pages(pdf, pages, scanned)
    finally:
        pdf.close()
    return pages


def _is_scanned(page, text: str) -> bool:
    """No text layer to speak of: a few characters, or a little text on a page-sized picture."""
    # Whitespace-only text layers are common in scans: count visible characters.
    visible = sum(not c.isspace() for c in text)
    if visible < MIN_CHARS_PER_PAGE:
        return True
    from extractors.ocr import largest_picture

    return visible < STAMP_CHARS and largest_picture(page)[0] >= SCAN_IMAGE_SHARE


def _read_scanned_pages(pdf, pages: list[Page], scanned: list[int]) -> None:
    """OCR the pages without a text layer, in place; without OCR, a scan as a whole needs it first."""
    from extractors import ocr

    available, why = ocr.availability()
    if not available:
        if len(scanned) >= SCANNED_PAGE_SHARE * len(pages):
            raise NeedsOCR(
                f"{len(scanned)} of {len(pages)} pages have no text layer: the PDF is a scan, and ivp cannot OCR "
                f"it here: {why}. Or run OCR yourself (e.g. `ocrmypdf -l nld in.pdf out.pdf`) and give ivp the result.",
                retryable=True)
        return  # a blank page or a picture in a text PDF: the text layer is all there is
    cap, deadline = ocr.page_cap(), time.monotonic() + ocr.time_budget()
    rejected = 0
    for count, index in enumerate(scanned):
        page = pages[index]
        if count >= cap or time.monotonic() >= deadline:
            page.source = "not_read"
            continue
        pdf_page = pdf[index]
        try:
            image = ocr.render_page(pdf_page)
        finally:
            pdf_page.close()
        result = ocr.recognise_image(image)
        if result.timed_out:
            page.source = "not_read"
            continue
        page.text, page.source = _normalize_newlines(result.text), "ocr"
        page.ocr_confidence = result.confidence if result.text else None  # a blank page has none to grade
        rejected += result.rejected
    if any(p.text.strip() for p in pages):
        return
    unread = [p.number for p in pages if p.source == "not_read"]
    if unread:
        raise NeedsOCR(f"the PDF is a scan and OCR found no text on the pages it read; "
                       f"{ocr.unread_message(unread, len(pages))}")
    unreadable = f", {rejected} of them only as nonsense (a photo, a drawing, handwriting?)" if rejected else ""
    raise EmptyDocument(f"the PDF is a scan and OCR found no readable text on its {len(scanned)} page(s)"
                        f"{unreadable}; check it by eye")


# --- DOCX -------------------------------------------------------------------

def read_docx_pages(path: Path) -> list[Page]:
    import zipfile

    try:
        import docx
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise UnreadableDocument("python-docx is not installed; `pip install python-docx`") from exc
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(f"the .docx file is damaged ({exc}); open and re-save it in Word/LibreOffice") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return [Page(1, "\n".join(lines))]
