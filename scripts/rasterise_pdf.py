#!/usr/bin/env python3
"""Turn PDF pages into scans: each page becomes one JPEG picture of itself, no text layer.

    python scripts/rasterise_pdf.py in.pdf out.pdf                # every page, 200 dpi
    python scripts/rasterise_pdf.py in.pdf out.pdf --pages 2,3    # only these pages; the rest keep their text
    python scripts/rasterise_pdf.py samples/rendered/*.pdf --out DIR   # several files, same names in DIR

Why: the OCR path must be measured and tested on scans whose gold is known. The seeds'
PDF renderings (scripts/render_samples.py) rasterised at 200 dpi in grey and stored as
JPEG, as an office scanner does, are such scans; tests make theirs on the fly, so no
scan is committed. Output is deterministic (pypdfium2 rendering, Pillow's JPEG encoder).
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Iterable, Optional

DPI = 200
JPEG_QUALITY = 75


def rasterise_pdf(source: bytes | Path, pages: Optional[Iterable[int]] = None, dpi: int = DPI) -> bytes:
    """The PDF with the given 1-based pages (all when None) replaced by pictures of themselves."""
    import pypdfium2 as pdfium

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    src = pdfium.PdfDocument(data)
    out = pdfium.PdfDocument.new()
    try:
        wanted = set(range(1, len(src) + 1)) if pages is None else set(pages)
        for index in range(len(src)):
            if index + 1 not in wanted:
                out.import_pages(src, [index])
                continue
            page = src[index]
            width, height = page.get_size()
            picture = page.render(scale=dpi / 72, grayscale=True).to_pil()
            page.close()
            add_picture_page(out, picture, width, height)
        return _saved(out)
    finally:
        out.close()
        src.close()


def add_picture_page(pdf, picture, width: float, height: float) -> None:
    """Append a page of width x height points showing only `picture` (PIL), stored as JPEG."""
    import pypdfium2 as pdfium

    buffer = io.BytesIO()
    picture.convert("L").save(buffer, "JPEG", quality=JPEG_QUALITY)
    buffer.seek(0)
    page = pdf.new_page(width, height)
    image = pdfium.PdfImage.new(pdf)
    image.load_jpeg(buffer, inline=True)
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    page.close()


def pictures_pdf(pictures: Iterable, width: float = 595, height: float = 842) -> bytes:
    """A PDF whose pages are only these pictures (PIL images): a scan with no text layer."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    try:
        for picture in pictures:
            add_picture_page(out, picture, width, height)
        return _saved(out)
    finally:
        out.close()


def _saved(pdf) -> bytes:
    written = io.BytesIO()
    pdf.save(written)
    return written.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="folder for the scans (several inputs)")
    parser.add_argument("--pages", help="comma-separated 1-based pages to rasterise (default: all)")
    parser.add_argument("--dpi", type=int, default=DPI)
    args = parser.parse_args(argv)
    pages = [int(p) for p in args.pages.split(",")] if args.pages else None
    if args.out is None:
        if len(args.inputs) != 2:
            parser.error("give IN.pdf OUT.pdf, or several inputs and --out DIR")
        targets = [(args.inputs[0], args.inputs[1])]
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        targets = [(p, args.out / p.name) for p in args.inputs]
    for source, target in targets:
        target.write_bytes(rasterise_pdf(source, pages, args.dpi))
        print(f"{source} -> {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
