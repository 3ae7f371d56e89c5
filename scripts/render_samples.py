#!/usr/bin/env python3
"""Render plain/markdown-ish text files as realistic PDFs, and make OCR-noisy copies.

    python scripts/render_samples.py                    # samples/text/*.txt -> samples/rendered/<stem>.pdf
    python scripts/render_samples.py --noisy            # also samples/rendered/<stem>.noisy.txt
    python scripts/render_samples.py a.txt --out DIR    # any text files

Why: the product is scored on PDF and noisy renderings of real documents, so the
reader, the cleaner (running headers/footers, page numbers, hyphenation) and the
extractors must be exercised on text that went through a PDF text layer and on
text with OCR errors, not only on the clean seeds.

The PDFs are A4 with a real text layer (fpdf2, DejaVu Sans from matplotlib's
bundled fonts so Dutch diacritics survive), a running header on every page but
the first, a footer "Pagina n van N", wrapped lines, bold headings, bullets
("•" for "-"/"*" items, numbers kept) and page breaks at form feeds. Output is
byte-for-byte reproducible: fixed creation date and file id.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUTS = ROOT / "samples" / "text"
DEFAULT_OUT = ROOT / "samples" / "rendered"

# Layout, in mm / pt. 10 pt DejaVu on a 170 mm measure keeps ~95-character
# hard-wrapped lines (text that came out of an earlier PDF) mostly on one line.
MARGIN_MM = 20
BODY_PT = 9.5
LINE_MM = 4.8
HEADING_PT = {1: 15, 2: 13, 3: 11.5, 4: 10.5, 5: 10, 6: 10}
BULLET_INDENT_MM = 6
FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET_RE = re.compile(r"^(\s*)([-*+•])\s+(.*)$")
NUMBERED_RE = re.compile(r"^(\s*)(\d{1,3}[.)]|[a-z][.)])\s+(.*)$")
RULE_RE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
TAG_RE = re.compile(r"</?(sup|sub|br|span|u|i|em|b|strong)\b[^>]*>", re.I)


def font_paths() -> tuple[Path, Path]:
    import matplotlib

    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular, bold = base / "DejaVuSans.ttf", base / "DejaVuSans-Bold.ttf"
    for p in (regular, bold):
        if not p.exists():
            raise SystemExit(f"font not found: {p} (matplotlib's bundled DejaVu fonts are needed)")
    return regular, bold


def inline_text(text: str) -> str:
    """Markdown inline syntax a printed page would not show; `**bold**` is kept for fpdf2."""
    text = LINK_RE.sub(r"\1", text)
    text = TAG_RE.sub("", text)
    text = text.replace("\\", "\\\\")
    # Only ** is meant as markup; other fpdf2 markers ("--" in "2019--2022", "__") are literal.
    for marker in ("__", "~~", "--"):
        text = text.replace(marker, "\\" + marker)
    if text.count("**") % 2:
        text = text.replace("**", "\\**")
    return text


def plain(text: str) -> str:
    """Inline text as it will appear in the text layer (no markers)."""
    return LINK_RE.sub(r"\1", TAG_RE.sub("", text)).replace("**", "").strip()


def document_title(lines: list[str]) -> str:
    for line in lines:
        m = HEADING_RE.match(line)
        if m and plain(m.group(2)):
            return plain(m.group(2))
    # Letters put their subject in bold; that is what a running header would repeat.
    for line in lines:
        m = re.search(r"\*\*([^*]{8,})\*\*", line)
        if m:
            return plain(m.group(1))
    for line in lines:
        if plain(line) and not RULE_RE.match(line) and len(plain(line)) > 3:
            return plain(line)
    return ""


def running_header(title: str, limit: int = 70) -> str:
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut + " …"


@dataclass
class RenderResult:
    path: Path
    pages: int
    header: str


def render_pdf(text: str, out: Path, header: str | None = None) -> RenderResult:
    """Write `text` as an A4 PDF at `out`; returns the page count and the header used."""
    from fpdf import FPDF

    regular, bold = font_paths()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
    head = running_header(header if header is not None else document_title(lines))

    class Rendered(FPDF):
        def header(self):
            if self.page_no() == 1 or not head:
                return
            self.set_font("DejaVu", "", 8)
            self.set_text_color(90)
            self.cell(0, 5, head, align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(160)
            self.line(self.l_margin, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
            self.ln(5)
            self.set_text_color(0)

        def footer(self):
            self.set_y(-14)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(90)
            self.cell(0, 5, f"Pagina {self.page_no()} van {{nb}}", align="C")
            self.set_text_color(0)

    pdf = Rendered(format="A4", unit="mm")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_producer("ivp scripts/render_samples.py (fpdf2)")
    pdf.set_title(head or out.stem)
    # A content hash as file id keeps the bytes reproducible run to run.
    digest = hashlib.md5(text.encode("utf-8")).hexdigest().upper()
    pdf.file_id = lambda: f"<{digest}><{digest}>"
    pdf.add_page()

    def body(t: str, indent: float = 0.0, style: str = "", size: float = BODY_PT) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, LINE_MM * size / BODY_PT, inline_text(t), markdown=True,
                       new_x="LMARGIN", new_y="NEXT")

    blank_run = 0
    for raw in lines:
        pages = raw.split("\f")
        for k, line in enumerate(pages):
            if k:
                pdf.add_page()
                blank_run = 0
            if not line.strip():
                # Paragraph spacing; several blank lines in a row add no more space.
                if blank_run == 0:
                    pdf.ln(LINE_MM * 0.6)
                blank_run += 1
                continue
            blank_run = 0
            if RULE_RE.match(line):
                y = pdf.get_y() + 1.5
                pdf.set_draw_color(180)
                pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
                pdf.ln(3)
                continue
            m = HEADING_RE.match(line)
            if m:
                level = len(m.group(1))
                size = HEADING_PT[level]
                # Keep a heading with at least two lines of what follows it.
                if pdf.get_y() + 3 * LINE_MM > pdf.page_break_trigger:
                    pdf.add_page()
                pdf.ln(LINE_MM * 0.4)
                body(m.group(2).replace("**", ""), style="B", size=size)
                pdf.ln(LINE_MM * 0.3)
                continue
            m = BULLET_RE.match(line)
            if m:
                depth = len(m.group(1).expandtabs(4)) // 2
                item(pdf, "•", m.group(3), depth, body)
                continue
            m = NUMBERED_RE.match(line)
            if m:
                depth = len(m.group(1).expandtabs(4)) // 2
                item(pdf, m.group(2), m.group(3), depth, body)
                continue
            body(line.strip())
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return RenderResult(out, pdf.pages_count, head)


def item(pdf, marker: str, text: str, depth: int, body) -> None:
    """A list item with a hanging indent: wrapped lines align with the text, not the marker."""
    left = depth * BULLET_INDENT_MM
    pdf.set_font("DejaVu", "", BODY_PT)
    width = max(BULLET_INDENT_MM, pdf.get_string_width(marker) + 2.5)
    y = pdf.get_y()
    if y + LINE_MM > pdf.page_break_trigger:
        pdf.add_page()
        y = pdf.get_y()
    pdf.set_x(pdf.l_margin + left)
    pdf.cell(width, LINE_MM, marker)
    pdf.set_xy(pdf.l_margin + left + width, y)
    pdf.set_left_margin(pdf.l_margin + left + width)
    try:
        pdf.multi_cell(0, LINE_MM, inline_text(text), markdown=True, new_x="LMARGIN", new_y="NEXT")
    finally:
        pdf.set_left_margin(MARGIN_MM)
    pdf.set_x(pdf.l_margin)


# --------------------------------------------------------------------------- noise

WORD_RE = re.compile(r"[A-Za-zÀ-ÿ]{4,}")


def _swap(word: str, rng: random.Random, pairs: list[tuple[str, str]]) -> str | None:
    options = [(a, b, m.start()) for a, b in pairs for m in re.finditer(re.escape(a), word)]
    if not options:
        return None
    a, b, i = rng.choice(options)
    return word[:i] + b + word[i + len(a):]


def _drop(word: str, rng: random.Random) -> str | None:
    # Never the first letter: OCR drops thin glyphs inside words far more than initials.
    i = rng.randrange(1, len(word))
    return word[:i] + word[i + 1:]


NOISE_KINDS = {
    "rn_m": lambda w, r: _swap(w, r, [("rn", "m"), ("m", "rn")]),
    "ij_y": lambda w, r: _swap(w, r, [("ij", "y"), ("IJ", "Y")]),
    "l_1": lambda w, r: _swap(w, r, [("l", "1"), ("I", "l"), ("i", "l")]),
    "drop": _drop,
}


def add_noise(text: str, seed: str, rate: float = 0.015, hyphen_rate: float = 0.3) -> tuple[str, list[dict]]:
    """OCR-like noise on about `rate` of the words (4+ letters); a log of every change.

    Kinds: rn<->m, ij->y, l/I/i->1/l, a dropped letter, and a word broken with a
    hyphen at a line end (the line breaks inside the word). Numbers and markup are
    left alone so the document's dates stay what the text says.
    """
    rng = random.Random(seed)
    lines = text.split("\n")
    words = [(i, m) for i, line in enumerate(lines) for m in WORD_RE.finditer(line)]
    # An exact share rather than a coin per word: a short document still gets its noise.
    chosen = sorted(rng.sample(range(len(words)), min(len(words), round(rate * len(words)))))
    by_line: dict[int, list] = {}
    for k in chosen:
        by_line.setdefault(words[k][0], []).append(words[k][1])
    changes: list[dict] = []
    out_lines: list[str] = []
    for i, line in enumerate(lines):
        pieces: list[str] = []
        last = 0
        for m in by_line.get(i, []):
            word = m.group(0)
            if len(word) >= 8 and rng.random() < hyphen_rate:
                cut = rng.randrange(3, len(word) - 3)
                kind, noisy = "hyphen", word[:cut] + "-\n" + word[cut:]
            else:
                kinds = list(NOISE_KINDS)
                rng.shuffle(kinds)
                # The first kind that applies to this word: not every word has "rn" or "ij".
                kind, noisy = next(((k, n) for k in kinds
                                    if (n := NOISE_KINDS[k](word, rng)) and n != word), (None, None))
            if not noisy:
                continue
            pieces.append(line[last:m.start()])
            pieces.append(noisy)
            last = m.end()
            changes.append({"line": i + 1, "col": m.start(), "kind": kind, "original": word, "noisy": noisy})
        pieces.append(line[last:])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines), changes


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="*", type=Path, help="text files (default: samples/text/*.txt)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--noisy", action="store_true", help="also write <stem>.noisy.txt (+ .noisy.json change log)")
    ap.add_argument("--no-pdf", action="store_true", help="only the noisy text")
    ap.add_argument("--seed", default="ivp", help="RNG seed for --noisy (combined with the file stem)")
    ap.add_argument("--rate", type=float, default=0.015, help="share of words that get noise (default 0.015)")
    args = ap.parse_args(argv)

    inputs = args.inputs or sorted(DEFAULT_INPUTS.glob("*.txt"))
    if not inputs:
        print("no input files", file=sys.stderr)
        return 2
    for src in inputs:
        text = src.read_text(encoding="utf-8")
        if not args.no_pdf:
            res = render_pdf(text, args.out / f"{src.stem}.pdf")
            print(f"{res.path.relative_to(ROOT) if res.path.is_relative_to(ROOT) else res.path}: "
                  f"{res.pages} pages, header {res.header!r}")
        if args.noisy:
            noisy, changes = add_noise(text, f"{args.seed}:{src.stem}", rate=args.rate)
            target = args.out / f"{src.stem}.noisy.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(noisy, encoding="utf-8")
            (args.out / f"{src.stem}.noisy.json").write_text(
                json.dumps(changes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            n_words = len(WORD_RE.findall(text))
            print(f"{target.name}: {len(changes)} changes in {n_words} words "
                  f"({100 * len(changes) / max(1, n_words):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
