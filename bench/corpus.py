#!/usr/bin/env python3
"""Build the benchmark corpus under bench/corpus/ (git-ignored) from the samples.

    python bench/corpus.py                  # >= 1,000 PDF pages, plus text files and long documents
    python bench/corpus.py --pages 2000 --force

Layout:
    pdf/   copies of every samples/pdf/*.pdf with a text layer and every
           samples/rendered/*.pdf, round-robin (copy 1 of each source, then copy
           2, ...) until the page budget is reached; so any prefix of the
           manifest order is a representative mix (the bench takes 250/500/1000
           page prefixes for its scaling runs);
    txt/   copies of samples/text/*.txt, as many rounds as pdf/;
    long/  one rendered document concatenated 1, 2, 4, 8 times (per-document
           linearity: a quadratic pass over a document shows up here);
    plain/ the seed texts rendered plainly, round-robin until --plain-pages: core
           font, lines cut at 110 characters, one header line per page (the kind of
           PDF where pdfplumber is fast: the issue-13 comparison's second corpus);
    bigtext/ one merged text file (all sample texts, repeated) of 5.5 MB and its
           1/8, 2/8, 4/8 prefixes: a big text must be cheap and linear in size;
    manifest.json  every file with kind, source, pages, bytes, sha256, in order.

Every copy has different bytes and a slightly different text, as real archives
hold near-duplicates, not identical files (identical bytes would also share a
doc_id and be skipped by the pipeline's manifest): a PDF copy gets a small
"archive stamp" text object on its last page and is re-saved by pdfium; a text
copy gets one line appended. Scans without a text layer are left out: they stop
at the reader (needs_ocr) and would only dilute pages/s.
"""
from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus"
MIN_CHARS_PER_PAGE = 40  # the reader's own threshold for "this is a scan"
LONG_FACTORS = (1, 2, 4, 8)
FORMAT_VERSION = 3


def pdf_pages_and_chars(path: Path) -> tuple[int, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        chars = 0
        for i in range(len(pdf)):
            tp = pdf[i].get_textpage()
            chars += sum(1 for c in tp.get_text_range() if not c.isspace())
        return len(pdf), chars
    finally:
        pdf.close()


def pdf_sources() -> list[Path]:
    found = sorted((ROOT / "samples" / "pdf").glob("*.pdf")) + sorted((ROOT / "samples" / "rendered").glob("*.pdf"))
    keep = []
    for path in found:
        pages, chars = pdf_pages_and_chars(path)
        if chars >= MIN_CHARS_PER_PAGE * pages:
            keep.append(path)
    return keep


def _stamp(pdf, text: str) -> None:
    """Add a small visible text line at the bottom-left of the last page."""
    import pypdfium2.raw as raw

    page = pdf[len(pdf) - 1]
    obj = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(6.0))
    if not obj:
        raise RuntimeError("pdfium could not create a text object")
    buf = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
    if not raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR))):
        raise RuntimeError("pdfium could not set the stamp text")
    left, bottom, _, _ = page.get_mediabox()
    raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, left + 12, bottom + 6)
    raw.FPDFPage_InsertObject(page.raw, obj)
    page.gen_content()


def varied_pdf(src: Path, dst: Path, copy: int) -> None:
    """A re-saved copy with one stamp line; falls back to a trailing comment if pdfium cannot edit it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    try:
        _stamp(pdf, f"Archiefexemplaar {copy:04d}")
        pdf.save(str(dst))
    except Exception as exc:  # some producers' pages pdfium will not regenerate
        print(f"  {src.name}: stamp failed ({exc}); copying with a trailing comment", file=sys.stderr)
        dst.write_bytes(src.read_bytes() + f"\n% ivp bench copy {copy}\n".encode())
    finally:
        pdf.close()


def concatenated_pdf(src: Path, dst: Path, times: int) -> None:
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    source = pdfium.PdfDocument(str(src))
    try:
        for _ in range(times):
            out.import_pages(source)
        _stamp(out, f"Samengevoegd exemplaar x{times}")
        out.save(str(dst))
    finally:
        source.close()
        out.close()


def varied_text(src: Path, dst: Path, copy: int) -> None:
    text = src.read_text(encoding="utf-8")
    dst.write_text(text.rstrip("\n") + f"\n\nArchiefexemplaar {copy:04d}.\n", encoding="utf-8")


#: the plain rendering: every line cut at this many characters, as a simple exporter prints text
PLAIN_LINE_CHARS = 110


def plain_pdf(src: Path, dst: Path, copy: int) -> None:
    """The seed text as a plain PDF: core font, lines cut at 110 characters, a header line on each page."""
    import textwrap

    from fpdf import FPDF

    header = f"{src.stem} - archiefexemplaar {copy:04d}"

    class Plain(FPDF):
        def header(self):
            self.set_font("Helvetica", "", 7)
            self.cell(0, 4, header, new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

    pdf = Plain(format="A4", unit="mm")
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    pdf.add_page()
    pdf.set_font("Helvetica", "", 8)
    for line in src.read_text(encoding="utf-8").replace("\f", "\n").expandtabs(4).split("\n"):
        for piece in textwrap.wrap(line, PLAIN_LINE_CHARS, break_long_words=True) or [""]:
            pdf.cell(0, 3.6, piece.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(dst))


#: the merged text file of issue 13 (council minutes, a compendium, an export) at 8x; 1x, 2x, 4x are its prefixes
BIGTEXT_BYTES = 5_500_000
BIGTEXT_FACTORS = (1, 2, 4, 8)


def bigtext_sources() -> list[Path]:
    return sorted((ROOT / "samples").glob("*/*.txt")) + sorted((ROOT / "samples").glob("*/text/*.txt"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def round_robin(out: Path, kind: str, sources: list[Path], budget: int, make, name: str) -> tuple[list[dict], int]:
    """PDF copies of `sources` made by `make(src, dst, copy)` into out/kind/, one of each per round,
    until `budget` pages: (manifest rows, rounds made)."""
    files: list[dict] = []
    pages = copy = 0
    while pages < budget:
        copy += 1
        for src in sources:
            if pages >= budget:
                break
            dst = out / kind / name.format(copy=copy, stem=src.stem)
            make(src, dst, copy)
            n = pdf_pages_and_chars(dst)[0]
            files.append({"path": str(dst.relative_to(out)), "kind": kind, "source": str(src.relative_to(ROOT)),
                          "copy": copy, "pages": n})
            pages += n
    return files, copy


def build(out: Path, target_pages: int, force: bool = False, plain_pages: int = 1000) -> dict:
    manifest_path = out / "manifest.json"
    params = {"format": FORMAT_VERSION, "target_pages": target_pages, "plain_pages": plain_pages}
    if manifest_path.exists() and not force:
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("params") == params and all((out / f["path"]).exists() for f in manifest["files"]):
            print(f"corpus up to date: {manifest_path} ({manifest['summary']})")
            return manifest
    if out.exists():
        shutil.rmtree(out)
    for sub in ("pdf", "txt", "long", "plain", "bigtext"):
        (out / sub).mkdir(parents=True)
    t0 = time.perf_counter()
    sources = pdf_sources()
    if not sources:
        raise SystemExit("no text-layer PDFs under samples/pdf or samples/rendered (run scripts/render_samples.py)")
    source_pages = {s: pdf_pages_and_chars(s)[0] for s in sources}
    files, copy = round_robin(out, "pdf", sources, target_pages, varied_pdf, "c{copy:03d}_{stem}.pdf")
    texts = sorted((ROOT / "samples" / "text").glob("*.txt"))
    for c in range(1, copy + 1):
        for src in texts:
            dst = out / "txt" / f"c{c:03d}_{src.name}"
            varied_text(src, dst, c)
            n = dst.read_text(encoding="utf-8").count("\f") + 1
            files.append({"path": str(dst.relative_to(out)), "kind": "txt", "source": str(src.relative_to(ROOT)),
                          "copy": c, "pages": n})
    rendered = sorted((ROOT / "samples" / "rendered").glob("*.pdf"), key=lambda p: -source_pages.get(p, 0))
    if rendered:
        longest = rendered[0]
        for k in LONG_FACTORS:
            dst = out / "long" / f"x{k}_{longest.stem}.pdf"
            concatenated_pdf(longest, dst, k)
            files.append({"path": str(dst.relative_to(out)), "kind": "long", "source": str(longest.relative_to(ROOT)),
                          "copy": k, "pages": pdf_pages_and_chars(dst)[0]})
    files += round_robin(out, "plain", texts, plain_pages, plain_pdf, "p{copy:03d}_{stem}.pdf")[0]
    unit = "\n\n".join(p.read_text(encoding="utf-8") for p in bigtext_sources())
    whole = "".join(f"\n\nBijlage {i + 1}\n\n{unit}" for i in range(-(-BIGTEXT_BYTES // len(unit.encode()))))
    whole = whole.encode()[:BIGTEXT_BYTES].decode("utf-8", errors="ignore")
    for k in BIGTEXT_FACTORS:
        dst = out / "bigtext" / f"x{k}_samengevoegd.txt"
        dst.write_text(whole[:len(whole) * k // max(BIGTEXT_FACTORS)], encoding="utf-8")
        files.append({"path": str(dst.relative_to(out)), "kind": "bigtext", "source": "samples/*/text",
                      "copy": k, "pages": 1})
    for f in files:
        p = out / f["path"]
        f["bytes"] = p.stat().st_size
        f["sha256"] = sha256(p)
    shas = [f["sha256"] for f in files]
    if len(set(shas)) != len(shas):
        raise SystemExit("two corpus files have identical bytes; the variation step failed")
    summary = {kind: {"docs": sum(1 for f in files if f["kind"] == kind),
                      "pages": sum(f["pages"] for f in files if f["kind"] == kind),
                      "mbytes": round(sum(f["bytes"] for f in files if f["kind"] == kind) / 1e6, 1)}
               for kind in ("pdf", "txt", "long", "plain", "bigtext")}
    manifest = {"params": params, "summary": summary, "files": files}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"built {manifest_path} in {time.perf_counter() - t0:.1f} s: {summary}")
    return manifest


def load(out: Path = CORPUS) -> dict:
    path = out / "manifest.json"
    if not path.exists():
        raise SystemExit(f"no corpus at {out}; run `python bench/corpus.py` first")
    return json.loads(path.read_text())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=CORPUS)
    ap.add_argument("--pages", type=int, default=1000, help="PDF page budget (default 1000)")
    ap.add_argument("--plain-pages", type=int, default=1000, help="page budget of plain/ (default 1000)")
    ap.add_argument("--force", action="store_true", help="rebuild even if the manifest matches")
    args = ap.parse_args(argv)
    build(args.out, args.pages, args.force, args.plain_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
