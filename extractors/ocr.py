"""Reading a scanned page with Tesseract's Dutch model.

The binding is tesserocr: it drives libtesseract in the process, so each extraction
worker loads the Dutch model once and keeps the engine for every page it reads (no
process started and no model loaded per page, as pytesseract would), and
`Recognize(timeout)` bounds a page without killing anything. Its Linux and Windows
wheels carry libtesseract themselves; what a machine must add is the language data,
`nld.traineddata` (Debian: `apt-get install tesseract-ocr-nld`).

A page is rendered with pypdfium2 in grey at its scan's resolution, recognised, and kept
with its mean word confidence. A blank page or a photo is told by its grey levels and not
given to Tesseract. A page that reads as nonsense (low confidence: upside down, sideways)
is turned by Tesseract's orientation detection and read again; what stays below
`MIN_CONFIDENCE` is not taken as text. A numbered list whose numbers Tesseract splits off
as a column of their own is read again with them.
"""
from __future__ import annotations

import functools
import glob
import os
import platform
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

#: a page is rendered at its scan's own resolution within these bounds (dots per inch): more than
#: the scan holds adds no detail and costs time; Tesseract's own advice is 300, and below 200 a
#: 9 pt body falls under the x-height its Dutch model reads well
MIN_DPI, MAX_DPI = 200, 300
LANGUAGE = "nld"
#: mean word confidence (0-100) below which a page's OCR text is not used.
MIN_CONFIDENCE = 45.0
#: below this a page is tried again after orientation detection.
RETRY_CONFIDENCE = 70.0
#: grey levels (0-255) of a page reduced 4x: below INK_LEVEL is ink; a page with less ink than
#: BLANK_INK_SHARE is blank; one with more than PHOTO_MID_TONE_SHARE of its pixels in MID_TONES
#: is a photo (a text page, even with grey redaction blocks, stays under half)
INK_LEVEL = 128
BLANK_INK_SHARE = 0.0005
MID_TONES = (60, 190)
PHOTO_MID_TONE_SHARE = 0.6
#: the Dutch model writes ij as the ligature, often beside the letters it stands for ("verantwoordeliĳjkheid")
_IJ_LIGATURE = re.compile("[iI]?[\u0133\u0132][jJ]?")
#: the white between a list marker and its item may come out as "_" ("* _April", "1. _ Ondermijning")
_GAP_UNDERSCORE = re.compile(r"(?m)^([ \t]*(?:[*•·«»]|\w{1,3}[.)]))[ \t]*_+[ \t]*(?=\S)")
#: a bullet read as a quote mark or a dot: alone at the start of a line, it is the bullet
_MISREAD_BULLET = re.compile(r"(?m)^([ \t]*)[«»·](?=[ \t])")
#: Tesseract's PolyBlockType for vertical text (PT_VERTICAL_TEXT), which a column of list numbers becomes
VERTICAL_TEXT_BLOCK = 7
#: a column of list markers ("10.", "b)") is at most this many line heights wide
LIST_MARKER_MAX_WIDTH_EM = 2.5
#: defaults of IVP_OCR_MAX_PAGES, IVP_OCR_MAX_SECONDS (a document's OCR, within the default
#: --timeout of 300 s with room for the rest of the extraction) and IVP_OCR_PAGE_TIMEOUT
DEFAULT_MAX_PAGES = 40
DEFAULT_MAX_SECONDS = 200.0
DEFAULT_PAGE_TIMEOUT = 60.0
#: where packages put the language data when TESSDATA_PREFIX is not set
TESSDATA_GLOBS = (
    "/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata", "/usr/local/share/tesseract-ocr/*/tessdata",
    "C:/Program Files/Tesseract-OCR/tessdata",
)


@dataclass
class OcrResult:
    text: str  # empty when nothing readable was found
    confidence: float  # Tesseract's mean word confidence, 0-100
    seconds: float
    rotated: int = 0  # degrees the page was turned before it was read
    timed_out: bool = False
    rejected: bool = False  # text found but below MIN_CONFIDENCE, so not used


class OcrUnavailable(RuntimeError):
    """OCR cannot run here; the message says what to install."""


def install_hint(binding: bool = False) -> str:
    """What to install for OCR on this system, in one sentence."""
    data = {"Linux": "on Debian/Ubuntu run `apt-get install tesseract-ocr tesseract-ocr-nld` "
                     "(Fedora: `dnf install tesseract tesseract-langpack-nld`)",
            "Darwin": "run `brew install tesseract tesseract-lang`",
            "Windows": "run the Tesseract installer with the Dutch language data"}.get(
        platform.system(), "install Tesseract with its Dutch data")
    step = "`pip install tesserocr`, then " if binding else ""
    return (f"{step}{data}, or put nld.traineddata (Tesseract's tessdata_fast) in a folder and set "
            "TESSDATA_PREFIX to it")


def page_cap() -> int:
    """IVP_OCR_MAX_PAGES: scanned pages read per document; the rest are recorded as not read."""
    return max(0, _env_number("IVP_OCR_MAX_PAGES", DEFAULT_MAX_PAGES, int))


def time_budget() -> float:
    """IVP_OCR_MAX_SECONDS: after this long on one document's scanned pages, the rest is recorded as not read."""
    return max(1.0, _env_number("IVP_OCR_MAX_SECONDS", DEFAULT_MAX_SECONDS, float))


def page_timeout() -> float:
    """IVP_OCR_PAGE_TIMEOUT: seconds one page may take before it is given up."""
    return max(0.1, _env_number("IVP_OCR_PAGE_TIMEOUT", DEFAULT_PAGE_TIMEOUT, float))


def _env_number(name: str, default, kind):
    try:
        return kind(os.environ.get(name, default))
    except ValueError:
        return default


def find_tessdata() -> Optional[Path]:
    """The folder holding nld.traineddata: TESSDATA_PREFIX when set (and then only that), else the usual places."""
    configured = os.environ.get("TESSDATA_PREFIX")
    if configured:
        candidates = [Path(configured), Path(configured) / "tessdata"]
    else:
        candidates = [Path(p) for pattern in TESSDATA_GLOBS for p in sorted(glob.glob(pattern), reverse=True)]
    for folder in candidates:
        if (folder / f"{LANGUAGE}.traineddata").is_file():
            return folder
    return None


def availability() -> tuple[bool, str]:
    """(True, what is used) or (False, why not and what to install). Cheap: no model is loaded."""
    return _availability(os.environ.get("TESSDATA_PREFIX"))


@functools.lru_cache(maxsize=4)
def _availability(_tessdata_prefix: Optional[str]) -> tuple[bool, str]:
    try:
        import tesserocr
    except ImportError as exc:
        return False, f"the Tesseract binding tesserocr is not installed ({exc}); {install_hint(binding=True)}"
    folder = find_tessdata()
    if folder is None:
        where = (f"TESSDATA_PREFIX={os.environ['TESSDATA_PREFIX']}" if os.environ.get("TESSDATA_PREFIX")
                 else "the usual tessdata folders")
        return False, f"Tesseract's Dutch data ({LANGUAGE}.traineddata) is not in {where}; {install_hint()}"
    version = tesserocr.tesseract_version().split("\n", 1)[0]
    return True, f"{version} with {folder / (LANGUAGE + '.traineddata')}"


class _Engines:
    """One Tesseract engine per process (and per tessdata folder), made on first use.

    A worker process reads its documents one at a time, but `ivp extract` or a test
    may call from threads: the lock keeps one page in the engine at a time.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.text: dict[str, object] = {}
        self.orientation: dict[str, object] = {}

    def reader(self, folder: Path):
        key = str(folder)
        if key not in self.text:
            # One thread per engine: the workers are the parallelism, and OpenMP threads
            # on a shared 2-core machine only fight each other.
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")
            from tesserocr import PSM, PyTessBaseAPI

            self.text[key] = PyTessBaseAPI(path=key + os.sep, lang=LANGUAGE, psm=PSM.AUTO)
        return self.text[key]

    def orienter(self, folder: Path):
        """An engine for orientation detection, or None without osd.traineddata."""
        key = str(folder)
        if key not in self.orientation:
            from tesserocr import PSM, PyTessBaseAPI

            has_osd = (folder / "osd.traineddata").is_file()
            self.orientation[key] = PyTessBaseAPI(path=key + os.sep, lang="osd", psm=PSM.OSD_ONLY) if has_osd else None
        return self.orientation[key]


_ENGINES = _Engines()


def recognise_image(image) -> OcrResult:
    """Text of one page image (PIL), Dutch model; raises OcrUnavailable when OCR cannot run."""
    import time

    ok, message = availability()
    if not ok:
        raise OcrUnavailable(message)
    folder = find_tessdata()
    start = time.perf_counter()
    kind = _picture_kind(image)
    if kind != "text":
        # Nothing to read (blank), or no page of text (a photo): Tesseract's layout analysis,
        # which its timeout does not bound, would spend a minute on a photo's texture.
        return OcrResult("", 0.0, time.perf_counter() - start, rejected=kind == "photo")
    timeout_ms = int(page_timeout() * 1000)
    with _ENGINES.lock:
        api = _ENGINES.reader(folder)
        result = _read(api, image, timeout_ms)
        if not result.timed_out and (not result.text or result.confidence < RETRY_CONFIDENCE):
            turned = _turned_upright(_ENGINES.orienter(folder), image)
            if turned is not None:
                again = _read(api, turned[1], timeout_ms)
                if again.confidence > result.confidence:
                    result, result.rotated = again, turned[0]
    result.seconds = time.perf_counter() - start
    if result.text and result.confidence < MIN_CONFIDENCE:
        result.text, result.rejected = "", True
    return result


def _picture_kind(image) -> str:
    """"blank", "photo" or "text", from the grey levels of a reduced copy.

    A page of text is paper with a few percent of ink: nearly all pixels are near white
    (scanners set the paper white). A photo (or a picture of anything but text) is mostly
    mid-tones.
    """
    histogram = image.convert("L").reduce(4).histogram()
    total = sum(histogram) or 1
    if sum(histogram[:INK_LEVEL]) / total < BLANK_INK_SHARE:
        return "blank"
    if sum(histogram[MID_TONES[0]:MID_TONES[1]]) / total > PHOTO_MID_TONE_SHARE:
        return "photo"
    return "text"


def _read(api, image, timeout_ms: int) -> OcrResult:
    api.SetImage(image)
    try:
        if not api.Recognize(timeout=timeout_ms):
            return OcrResult("", 0.0, 0.0, timed_out=True)
        blocks = _blocks(api)
        words = list(api.AllWordConfidences())
        if any(b.vertical or b.markers_only for b in blocks):
            blocks, words = _rejoin_list_markers(api, blocks, words, timeout_ms, image.size)
        text = _tidy("".join(b.text for b in blocks))
    finally:
        api.Clear()
    confidence = sum(words) / len(words) if words else 0.0
    return OcrResult(text if text.strip() else "", float(confidence), 0.0)


def _tidy(text: str) -> str:
    """Tesseract's habits with Dutch list pages, undone: the ij ligature, bullets, gaps read as "_"."""
    text = _IJ_LIGATURE.sub(lambda m: "IJ" if m.group().isupper() else "ij", text)
    text = _MISREAD_BULLET.sub(r"\1•", text)
    return _GAP_UNDERSCORE.sub(r"\1 ", text)


@dataclass
class _Block:
    box: tuple[int, int, int, int]  # left, top, right, bottom in pixels
    text: str
    vertical: bool  # Tesseract's block type says vertical text

    @property
    def markers_only(self) -> bool:
        """Every line a short token, as "1." or "b)" read on their own."""
        lines = self.lines
        return len(lines) >= 2 and all(len(line) <= 3 for line in lines)

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.split("\n") if line.strip()]


def _blocks(api) -> list[_Block]:
    from tesserocr import RIL, iterate_level

    iterator = api.GetIterator()
    if iterator is None:
        return []
    blocks = []
    for block in iterate_level(iterator, RIL.BLOCK):
        box = block.BoundingBox(RIL.BLOCK)
        text = block.GetUTF8Text(RIL.BLOCK) if box else ""
        if box and text:
            blocks.append(_Block(box, text, block.BlockType() == VERTICAL_TEXT_BLOCK))
    return blocks


def _rejoin_list_markers(api, blocks: list[_Block], words: list[int], timeout_ms: int, size: tuple[int, int]):
    """Read a list again with its numbers: Tesseract takes a narrow column of list markers
    ("1." "2." "3.") beside the items for a block of vertical text, reads it as nonsense and
    leaves the items without their numbers. The marker column and the items beside it are
    read again as one block of lines, which keeps "1. Woninginbraken" together. A vertical
    block with no list beside it (a stamp, a margin note) is left out."""
    from tesserocr import PSM

    items_of = {}  # index of an items block -> index of its marker column
    for i, block in enumerate(blocks):
        j = _items_beside(block, blocks) if block.vertical or block.markers_only else None
        if j is not None and j not in items_of:
            items_of[j] = i
    markers = set(items_of.values())
    kept, reread = [], []
    for j, block in enumerate(blocks):
        if block.vertical or j in markers:
            continue
        if j in items_of:
            column = blocks[items_of[j]].box
            # a margin of white around the lines (a line's height across, less than a line gap
            # down, so the neighbouring lines stay out): Tesseract misreads glyphs at a crop's edge
            pad = (block.box[3] - block.box[1]) // len(block.lines)
            left, top = max(0, min(column[0], block.box[0]) - pad), max(0, min(column[1], block.box[1]) - pad // 4)
            right = min(size[0], max(column[2], block.box[2]) + pad)
            bottom = min(size[1], max(column[3], block.box[3]) + pad // 4)
            api.SetPageSegMode(PSM.SINGLE_BLOCK)
            api.SetRectangle(left, top, right - left, bottom - top)
            if api.Recognize(timeout=timeout_ms):
                block = _Block((left, top, right, bottom), api.GetUTF8Text() + "\n", False)
                words = words + list(api.AllWordConfidences())
                reread.append(block)
            api.SetPageSegMode(PSM.AUTO)
        kept.append(block)
    # what the new reading holds (a line caught at its edge) is not kept twice
    return [b for b in kept if b in reread or not any(_centre_inside(b.box, r.box) for r in reread)], words


def _centre_inside(box: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


def _items_beside(markers: _Block, blocks: list[_Block]):
    """The index of the text block just right of a narrow marker column, on the same lines."""
    m_left, m_top, m_right, m_bottom = markers.box
    for j, other in enumerate(blocks):
        left, top, right, bottom = other.box
        if other is markers or other.vertical or other.markers_only or len(other.lines) < 2:
            continue
        line_height = (bottom - top) / len(other.lines)
        overlap = min(bottom, m_bottom) - max(top, m_top)
        if (m_right - m_left <= LIST_MARKER_MAX_WIDTH_EM * line_height
                and 0 <= left - m_right <= 2 * line_height and overlap >= 0.6 * (m_bottom - m_top)):
            return j
    return None


def _turned_upright(orienter, image):
    """(degrees, image turned upright) when Tesseract is sure the page is rotated, else None."""
    if orienter is None:
        return None
    orienter.SetImage(image)
    try:
        found = orienter.DetectOrientationScript()
    except RuntimeError:  # too little text to decide
        found = None
    finally:
        orienter.Clear()
    if not found or not found.get("orient_deg") or found.get("orient_conf", 0) < 2.0:
        return None
    degrees = int(found["orient_deg"])
    # orient_deg is the clockwise rotation seen in the image; PIL's rotate turns counter-clockwise.
    return degrees, image.rotate(degrees, expand=True)


def render_page(pdf_page):
    """A PDF page (pypdfium2) as a grey PIL image, at its scan's resolution within MIN_DPI..MAX_DPI."""
    dpi = min(MAX_DPI, max(MIN_DPI, largest_picture(pdf_page)[1] or MAX_DPI))
    return pdf_page.render(scale=dpi / 72, grayscale=True).to_pil()


def largest_picture(pdf_page) -> tuple[float, Optional[float]]:
    """(share of the page, dots per inch as placed) of the page's largest picture; (0, None) without one.

    A scan is one picture the size of the page.
    """
    import pypdfium2.raw as pdfium_c

    width, height = pdf_page.get_size()
    best, dpi = 0.0, None
    for obj in pdf_page.get_objects(max_depth=1):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        # pypdfium2 5 names it get_bounds, 4 get_pos
        left, bottom, right, top = (obj.get_bounds if hasattr(obj, "get_bounds") else obj.get_pos)()
        area = max(0.0, right - left) * max(0.0, top - bottom)
        if area > best:
            best, dpi = area, obj.get_px_size()[0] / ((right - left) / 72)
    return best / max(width * height, 1.0), dpi


def unread_message(unread: list[int], n_pages: int) -> str:
    """What a `partial` documents row says: which scanned pages were not read, and how to read them."""
    return (f"{len(unread)} of {n_pages} pages are scans that OCR did not read ({_page_ranges(unread)}): ivp reads "
            f"at most IVP_OCR_MAX_PAGES={page_cap()} scanned pages or IVP_OCR_MAX_SECONDS={time_budget():g} s of "
            f"OCR a document, and gives a page up after IVP_OCR_PAGE_TIMEOUT={page_timeout():g} s; raise them "
            "(and --timeout) to read the rest")


def _page_ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"p. {a}" if a == b else f"pp. {a}-{b}" for a, b in spans[:8])
    return text + (", ..." if len(spans) > 8 else "")
