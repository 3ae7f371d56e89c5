"""Municipality x priority tables: which municipality chose which priority.

Candidate pages are found cheaply in the cleaned text (many lines that start with a
municipality name and end in marks such as "1" or "x"). For a PDF, pdfplumber then
reads only those pages: a ruled table gives cells and column headers directly; without
ruling lines the marks' x positions are clustered into columns, trusted only when the
column sums agree with the TOTAAL row. When the layout is lost (a text rendering that
prints only the marks of each row), the number of marks per municipality is kept and
the warnings say what cannot be recovered. Every column (or, without columns, the
grand total) is checked against the TOTAAL row; mismatches are reported, not hidden.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from extractors import gazetteer
from extractors.document import Document
from extractors.records import MunicipalityPriority
from extractors.structure import collapse, vocab

log = logging.getLogger(__name__)

UNKNOWN_COLUMN = "(kolom onbekend)"


def _tv() -> dict:
    t = vocab()["tables"]
    return {
        "marks": set(t["marks"]),
        "empty": set(t["empty_cells"]),
        "total_rx": re.compile(r"^(?:" + "|".join(re.escape(x) for x in t["total_labels"]) + r")\b", re.IGNORECASE),
        "min_rows": int(t["min_municipality_rows"]),
    }


def _theme(label: str) -> Optional[str]:
    try:
        from extractors.themes import theme_for_text
        return theme_for_text(label)
    except Exception:  # the themes module is being rewritten; a column without theme is still a column
        return None


@dataclass
class _Row:
    label: str  # as written, numbering removed
    page: int
    cells: list[str]  # marks as rendered (text mode: only the non-empty ones)
    kind: str  # municipality, total, other
    cbs_code: Optional[str] = None


@dataclass
class _Table:
    rows: list[_Row] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # header lines seen in or before the table
    tab_header: list[str] = field(default_factory=list)  # column labels of a tab-separated header row
    pos_header: list[tuple[int, str]] = field(default_factory=list)  # (offset, label) of space-aligned columns
    pages: list[int] = field(default_factory=list)
    stray_marks: int = 0

    @property
    def municipal(self) -> list[_Row]:
        return [r for r in self.rows if r.kind == "municipality"]

    @property
    def total(self) -> Optional[_Row]:
        return next((r for r in self.rows if r.kind == "total"), None)


# ---------------------------------------------------------------- text rendering

_NUM_PREFIX = re.compile(r"^\(?\d{1,3}[.)]\s+")


_PIPE_SEPARATOR = re.compile(r"^\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?$")
_FIELD = re.compile(r"\S+(?: \S+)*")  # words apart by single spaces: one cell of a space-aligned row


def _pipe_cells(line: str) -> Optional[list[str]]:
    """'| Assen | x |  |' -> ['Assen', 'x', '']: a markdown table row (None for other lines)."""
    t = line.strip()
    if not (t.startswith("|") and t.endswith("|") and t.count("|") >= 3) or _PIPE_SEPARATOR.match(t):
        return None
    return [p.strip() for p in t[1:-1].split("|")]


def _aligned_header(raw: str) -> list[tuple[int, str]]:
    """Column labels of a header row laid out with runs of spaces, with their offsets
    ("Gemeente      Ondermijning   Jeugd"); the first field labels the rows and is left out."""
    fields = [(m.start(), m.group()) for m in _FIELD.finditer(raw)]
    if len(fields) < 3 or not re.search(r"\S {2,}\S", raw):
        return []
    return fields[1:]


def _split_aligned(raw: str, header: list[tuple[int, str]], tv: dict) -> Optional[tuple[str, list[str]]]:
    """A row of a space-aligned table: each mark goes to the last column whose label starts
    before it (or at most two characters after it), so empty cells keep their place."""
    first = header[0][0]
    tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", raw)]
    k = 0
    while k < len(tokens) and not (tokens[k][0] >= first - 2 and (tokens[k][1] in tv["marks"] or
                                                                  tokens[k][1] in tv["empty"] or tokens[k][1].isdigit())):
        k += 1
    label = " ".join(t for _, t in tokens[:k])
    cells = [""] * len(header)
    for pos, tok in tokens[k:]:
        if not (tok in tv["marks"] or tok in tv["empty"] or tok.isdigit()):
            return None
        col = max((i for i, (start, _) in enumerate(header) if start <= pos + 2), default=0)
        if cells[col]:
            return None  # two marks under one label: the layout is not what it seems
        cells[col] = tok
    while cells and not cells[-1]:
        cells.pop()
    if not cells or not label:
        return None
    return _NUM_PREFIX.sub("", label).strip(), cells


def _split_row(line: str, tv: dict) -> Optional[tuple[str, list[str]]]:
    """'12. De Marne 1 1 1' -> ('De Marne', ['1', '1', '1']); None when no marks end the line.

    Tab-separated rows (Word tables, spreadsheets) and markdown table rows keep their
    empty cells as ''."""
    pipe = _pipe_cells(line)
    if pipe is not None:
        cells = pipe[1:]
        while cells and not cells[-1]:
            cells.pop()
        if cells and all(not c or c in tv["marks"] or c in tv["empty"] or c.isdigit() for c in cells):
            return _NUM_PREFIX.sub("", pipe[0]).strip(), cells
        return None
    if "\t" in line:
        parts = [p.strip() for p in line.split("\t")]
        cells = parts[1:]
        while cells and not cells[-1]:
            cells.pop()
        if cells and all(not c or c in tv["marks"] or c in tv["empty"] or c.isdigit() for c in cells) \
                and any(cells):
            return _NUM_PREFIX.sub("", parts[0]).strip(), cells
        return None
    tokens = line.split()
    cells: list[str] = []
    while tokens and (tokens[-1] in tv["marks"] or tokens[-1] in tv["empty"] or tokens[-1].isdigit()):
        cells.insert(0, tokens.pop())
    if not cells:
        return None
    label = _NUM_PREFIX.sub("", " ".join(tokens)).strip()
    return label, cells


def _resolve(label: str) -> Optional[gazetteer.Municipality]:
    if not label or len(label) < 2:
        return None
    return gazetteer.resolve_municipality(label)


def _text_tables(doc: Document) -> list[_Table]:
    tv = _tv()
    tables: list[_Table] = []
    current = _Table()
    pending: list[str] = []  # label lines without marks, e.g. "29. Kollumerland en"
    gap = 0
    header_age = 0  # lines since a space-aligned header row

    def flush():
        nonlocal current
        if len(current.municipal) >= tv["min_rows"]:
            tables.append(current)
        current = _Table()

    for page in doc.pages:
        for raw in page.text.split("\n"):
            line = raw.strip()
            if not line or _PIPE_SEPARATOR.match(line):
                continue
            if current.pos_header and "\t" not in raw and _pipe_cells(raw) is None and re.search(r"\S {2,}\S", raw):
                split = _split_aligned(raw.rstrip(), current.pos_header, tv) or _split_row(line, tv)
            else:
                split = _split_row(line, tv)
            if split is not None:
                label, cells = split
                if not label:
                    if current.rows:
                        current.stray_marks += sum(1 for c in cells if c in tv["marks"])
                    continue
                full = collapse(" ".join(pending + [label])) if pending else label
                kind, code = "other", None
                if tv["total_rx"].match(label) and all(c.isdigit() for c in cells):
                    kind = "total"
                elif all(not c or c in tv["marks"] or c in tv["empty"] for c in cells):
                    m = _resolve(full) or (None if pending else None)
                    if m is None and pending:
                        m = _resolve(label)
                        if m is not None:
                            full = label
                    if m is not None:
                        kind, code = "municipality", m.cbs_code
                else:
                    pending = []
                    gap += 1
                    continue
                if kind == "other" and not current.municipal:
                    pending = []
                    continue  # marks after some label, but no table has started
                if pending and full != label:
                    # the wrapped first part of the label is no header
                    current.headers = [h for h in current.headers if h not in pending]
                current.rows.append(_Row(_NUM_PREFIX.sub("", full), page.number, cells, kind, code))
                if page.number not in current.pages:
                    current.pages.append(page.number)
                pending = []
                gap = 0
                continue
            # a line without marks: part of a wrapped label, a header, or the end of the table
            if "\t" in raw and not current.municipal:
                current.tab_header = [collapse(p) for p in raw.split("\t")[1:]]
            elif _pipe_cells(raw) is not None and not current.municipal:
                current.tab_header = [collapse(p) for p in _pipe_cells(raw)[1:]]
            elif not current.municipal and _aligned_header(raw):
                current.pos_header = _aligned_header(raw)
                current.tab_header = [label for _, label in current.pos_header]
                header_age = 0
            elif not current.rows and current.pos_header:
                header_age += 1
                if header_age > 3:  # a header is right above its table
                    current.pos_header, current.tab_header = [], []
            words = line.split()
            if len(words) <= 6 and not line.endswith((".", ":")):
                pending = (pending + [line])[-2:]
                current.headers.append(line)
            else:
                pending = []
            gap += 1
            if current.rows and gap > 12:
                flush()
                current.headers = []
            elif not current.rows:
                current.headers = current.headers[-6:]
    flush()
    return tables


def candidate_pages(doc: Document) -> list[int]:
    """Pages whose cleaned text holds municipality rows (cheap; decides where pdfplumber runs)."""
    return sorted({p for t in _text_tables(doc) for p in t.pages})


def _group_headers(lines: list[str]) -> list[str]:
    """'1. Veilige woon- en' + 'leefomgeving' -> numbered header labels as written."""
    out: list[str] = []
    for line in lines:
        if re.match(r"^\d{1,2}[.)]\s+\S", line) and not _resolve(_NUM_PREFIX.sub("", line)):
            out.append(line)
        elif out and (out[-1].rstrip().endswith(("en", "-", ",", "van", "de")) or line[:1].islower()):
            out[-1] = collapse(out[-1] + " " + line)
    return out


def _records_from_text(doc: Document, table: _Table, warnings: list[str]) -> list[MunicipalityPriority]:
    tv = _tv()
    total = table.total
    ncols = len(total.cells) if total else max(len(r.cells) for r in table.rows)
    rows = [r for r in table.rows if r.kind != "total"]
    tabbed = any("" in r.cells for r in rows) or bool(table.tab_header)
    if tabbed:
        # tab-separated cells keep their positions; rows may only lack trailing empty cells
        ncols = max([ncols] + [len(r.cells) for r in rows])
        for r in rows:
            r.cells = r.cells + [""] * (ncols - len(r.cells))
    full = all(len(r.cells) == ncols for r in rows)
    headers = _group_headers(table.headers)
    where = f"page {table.pages[0]}" + (f"-{table.pages[-1]}" if len(table.pages) > 1 else "")
    out = []
    if full:
        # every cell rendered (0/1, x/-): columns are positional
        header = [h for h in table.tab_header][:ncols]
        labels = [header[i] if i < len(header) and header[i] else f"kolom {i + 1}" for i in range(ncols)]
        themes = {l: _theme(l) for l in labels}
        for r in rows:
            for i, c in enumerate(r.cells):
                if c in tv["marks"]:
                    out.append(MunicipalityPriority(doc.doc_id, r.label, r.cbs_code, labels[i], themes[labels[i]],
                                                    c, r.page))
        if total:
            _check_columns(rows, total, ncols, lambda r, i: r.cells[i] in tv["marks"], labels, warnings, where)
        if not any(header):
            warnings.append(f"municipality table ({where}): column headers not recoverable from the text; "
                            f"columns numbered 1-{ncols}")
        return out
    for r in rows:
        marks = sum(1 for c in r.cells if c in tv["marks"])
        out.append(MunicipalityPriority(doc.doc_id, r.label, r.cbs_code, UNKNOWN_COLUMN, None, str(marks), r.page))
    n_marks = sum(int(x.value) for x in out if x.cbs_code)
    n_other = sum(int(x.value) for x in out if not x.cbs_code)
    warnings.append(
        f"municipality table ({where}): only the marked cells are rendered, so the column of each mark is lost; "
        f"kept the number of marks per row (column_label '{UNKNOWN_COLUMN}') for {len(table.municipal)} "
        f"municipalities and {len(rows) - len(table.municipal)} other rows")
    if headers:
        warnings.append(f"municipality table ({where}): recovered {len(headers)} of {ncols} column/group headers "
                        f"({'; '.join(headers)}); which columns they head cannot be recovered")
    if total:
        expected = sum(int(c) for c in total.cells)
        stray = f"; {table.stray_marks} stray mark(s) belong to no row" if table.stray_marks else ""
        if n_marks == expected:
            warnings.append(f"municipality table ({where}): marks in municipality rows ({n_marks}) equal the "
                            f"TOTAAL row's sum ({expected}); per-column sums cannot be checked{stray}")
        else:
            warnings.append(f"municipality table ({where}): MISMATCH: marks in municipality rows ({n_marks}) vs "
                            f"TOTAAL row's sum ({expected}) over {ncols} columns{stray}; per-column sums cannot "
                            f"be checked")
    else:
        warnings.append(f"municipality table ({where}): no TOTAAL row; sums not checked")
    return out


def _check_columns(rows, total, ncols, marked, labels, warnings, where) -> None:
    sums = [sum(1 for r in rows if r.kind == "municipality" and i < len(r.cells) and marked(r, i)) for i in range(ncols)]
    expected = [int(c) for c in total.cells[:ncols]]
    bad = [(labels[i], sums[i], expected[i]) for i in range(min(ncols, len(expected))) if sums[i] != expected[i]]
    if bad:
        warnings.append(f"municipality table ({where}): MISMATCH between column sums and TOTAAL in "
                        f"{len(bad)} of {ncols} columns: "
                        + "; ".join(f"{l}: rows {s} vs TOTAAL {e}" for l, s, e in bad))
    else:
        warnings.append(f"municipality table ({where}): every column sum equals the TOTAAL row")


# ---------------------------------------------------------------- PDF layout

def _pdf_records(doc: Document, pdf, pages: list[int], warnings: list[str]) -> Optional[list[MunicipalityPriority]]:
    """Cells with column headers from the PDF layout, or None when the layout does not give them."""
    if pdf is None or not pages:
        return None
    try:
        ruled = _ruled_tables(doc, pdf, pages)
        if ruled is not None:
            return _records_from_grid(doc, ruled, warnings, "ruled table")
        grid = _word_columns(doc, pdf, pages)
        if grid is not None:
            return _records_from_grid(doc, grid, warnings, "column positions")
    except Exception as exc:  # a malformed page must not lose the text fallback
        log.debug("pdfplumber failed on %s: %s", doc.source_path, exc, exc_info=True)
        warnings.append(f"municipality table: pdfplumber could not read pages {pages}: {exc!r}")
    return None


def _open_pdf(doc: Document):
    path = Path(doc.source_path)
    if doc.source_format != "pdf" or not path.exists():
        return None
    try:
        import pdfplumber

        return pdfplumber.open(path)
    except Exception as exc:  # no layout then; the text rendering still gives the rows
        log.debug("pdfplumber cannot open %s: %s", path, exc)
        return None


@dataclass
class _Grid:
    labels: list[str]
    rows: list[tuple[str, int, list[str]]]  # label, page, cells per column
    total: Optional[list[str]]
    pages: list[int]


def _ruled_tables(doc: Document, pdf, pages: list[int]) -> Optional[_Grid]:
    labels: list[str] = []
    rows: list[tuple[str, int, list[str]]] = []
    total = None
    for number in pages:
        page = pdf.pages[number - 1]
        if len(page.lines) + len(page.rects) < 4:
            continue  # no ruling: table finding would only cost time
        for table in page.extract_tables():
            if not table or len(table) < 3:
                continue
            first_row = next((i for i, r in enumerate(table) if r and r[0] and _resolve(_NUM_PREFIX.sub("", collapse(r[0])))), None)
            if first_row is None:
                continue
            if first_row > 0 and not labels:
                labels = _header_labels(table[:first_row])
            for r in table[first_row:]:
                name = collapse(r[0] or "")
                cells = [collapse(c or "") for c in r[1:]]
                if _tv()["total_rx"].match(name):
                    total = cells
                elif name:
                    rows.append((_NUM_PREFIX.sub("", name), number, cells))
    if sum(1 for r in rows if _resolve(r[0])) < _tv()["min_rows"]:
        return None
    ncols = max(len(r[2]) for r in rows)
    if len(labels) < ncols:
        labels = labels + [f"kolom {i + 1}" for i in range(len(labels), ncols)]
    return _Grid(labels[:ncols], rows, total, pages)


def _header_labels(header_rows: list[list[Optional[str]]]) -> list[str]:
    """Column labels from one or more header rows; a merged group cell spreads to its right."""
    width = max(len(r) for r in header_rows) - 1
    parts: list[list[str]] = [[] for _ in range(width)]
    for r in header_rows:
        carry = None
        for i, cell in enumerate(r[1:]):
            text = collapse(cell) if cell else None
            if text:
                carry = text
                parts[i].append(text)
            elif cell is None and carry and len(header_rows) > 1 and r is not header_rows[-1]:
                parts[i].append(carry)
    return [" / ".join(p) if p else f"kolom {i + 1}" for i, p in enumerate(parts)]


def _word_columns(doc: Document, pdf, pages: list[int]) -> Optional[_Grid]:
    """No ruling lines: cluster the x positions of the marks; header words above give labels."""
    tv = _tv()
    marks = []  # (page, top, x_center)
    row_words: list[tuple[int, float, str, list[tuple[float, str]]]] = []
    header_words: list[tuple[int, float, float, str]] = []
    for number in pages:
        page = pdf.pages[number - 1]
        words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
        # words whose tops lie within 2.5pt of each other form one line (marks may sit a little lower)
        lines: dict[float, list[dict]] = {}
        anchor = None
        for w in sorted(words, key=lambda w: w["top"]):
            if anchor is None or w["top"] - anchor > 2.5:
                anchor = w["top"]
            lines.setdefault(anchor, []).append(w)
        first_row_top = None
        for key in sorted(lines):
            ws = sorted(lines[key], key=lambda w: w["x0"])
            tail = []
            while ws and (ws[-1]["text"] in tv["marks"] or ws[-1]["text"] in tv["empty"] or ws[-1]["text"].isdigit()):
                w = ws.pop()
                tail.insert(0, ((w["x0"] + w["x1"]) / 2, w["text"]))
            label = _NUM_PREFIX.sub("", " ".join(w["text"] for w in ws))
            if tail and label and (_resolve(label) or tv["total_rx"].match(label)):
                row_words.append((number, key, label, tail))
                if first_row_top is None:
                    first_row_top = key
            elif first_row_top is None:
                for w in ws + [{"x0": x, "x1": x, "top": key, "text": t} for x, t in tail]:
                    header_words.append((number, w["top"], (w["x0"] + w["x1"]) / 2, w["text"]))
        if first_row_top is not None:
            # only the lines just above the first row can be column headers, not the page title
            header_words = [h for h in header_words if h[0] != number or h[1] >= first_row_top - 40]
    if sum(1 for r in row_words if not _tv()["total_rx"].match(r[2])) < tv["min_rows"]:
        return None
    xs = sorted(x for r in row_words for x, _ in r[3])
    centers: list[list[float]] = []
    for x in xs:
        if centers and x - centers[-1][-1] <= 4.0:
            centers[-1].append(x)
        else:
            centers.append([x])
    cols = [sum(c) / len(c) for c in centers]
    if len(cols) < 2:
        return None

    def col_of(x):
        return min(range(len(cols)), key=lambda i: abs(cols[i] - x))

    rows, total = [], None
    for number, top, label, tail in row_words:
        cells = [""] * len(cols)
        for x, text in tail:
            cells[col_of(x)] = text
        if tv["total_rx"].match(label):
            total = cells
        else:
            rows.append((label, number, cells))
    # labels: header words whose centre falls nearest a column and within half a gap of it
    gap = min((b - a for a, b in zip(cols, cols[1:])), default=20.0)
    parts: list[list[str]] = [[] for _ in cols]
    for number, top, x, text in sorted(header_words, key=lambda w: (w[0], w[1], w[2])):
        i = col_of(x)
        if abs(cols[i] - x) <= gap / 2:
            parts[i].append(text)
    labels = [" ".join(p) if p else f"kolom {i + 1}" for i, p in enumerate(parts)]
    grid = _Grid(labels, rows, total, pages)
    if not _grid_consistent(grid):
        return None  # positions that do not line up are no evidence of columns (flowing text)
    return grid


def _grid_consistent(grid: _Grid) -> bool:
    """As many mark columns as the TOTAAL row has values, and most column sums agree with it."""
    tv = _tv()
    if grid.total is None:
        return False
    values = [t for t in grid.total if t.isdigit()]
    if len(values) != len(grid.labels) or any(not t for t in grid.total):
        return False
    agree = 0
    for i, t in enumerate(grid.total):
        s = sum(1 for label, _page, cells in grid.rows
                if _resolve(label) and i < len(cells) and cells[i] in tv["marks"])
        agree += s == int(t)
    return agree >= len(values) / 2


def _records_from_grid(doc: Document, grid: _Grid, warnings: list[str], how: str) -> list[MunicipalityPriority]:
    tv = _tv()
    where = f"page {grid.pages[0]}" + (f"-{grid.pages[-1]}" if len(grid.pages) > 1 else "")
    out = []
    themes = {l: _theme(l) for l in grid.labels}
    unresolved = []
    for label, page, cells in grid.rows:
        m = _resolve(label)
        if m is None:
            unresolved.append(label)
        for i, cell in enumerate(cells[:len(grid.labels)]):
            if cell and cell not in tv["empty"]:
                out.append(MunicipalityPriority(doc.doc_id, label, m.cbs_code if m else None, grid.labels[i],
                                                themes[grid.labels[i]], cell, page))
    if unresolved:
        warnings.append(f"municipality table ({where}): rows that are not municipalities: {', '.join(unresolved)}")
    if grid.total:
        sums = []
        for i in range(len(grid.labels)):
            sums.append(sum(1 for label, _, cells in grid.rows if _resolve(label) and i < len(cells)
                            and cells[i] and cells[i] not in tv["empty"]))
        bad = [(grid.labels[i], sums[i], t) for i, t in enumerate(grid.total[:len(sums)])
               if t.isdigit() and int(t) != sums[i]]
        if bad:
            warnings.append(f"municipality table ({where}, {how}): MISMATCH between column sums and TOTAAL: "
                            + "; ".join(f"{l}: rows {s} vs TOTAAL {t}" for l, s, t in bad))
        else:
            warnings.append(f"municipality table ({where}, {how}): every column sum equals the TOTAAL row")
    else:
        warnings.append(f"municipality table ({where}, {how}): no TOTAAL row; sums not checked")
    return out


# ---------------------------------------------------------------- entry point

def extract_municipality_priorities(doc: Document) -> tuple[list[MunicipalityPriority], list[str]]:
    """Rows and warnings (e.g. a column whose sum differs from its TOTAAL row)."""
    warnings: list[str] = []
    out: list[MunicipalityPriority] = []
    tables = _text_tables(doc)
    if not tables:
        return out, warnings
    # pdfplumber is slow: opened once, and only on the pages the text shows the table on
    pdf = _open_pdf(doc)
    try:
        for table in tables:
            from_pdf = _pdf_records(doc, pdf, table.pages, warnings)
            if from_pdf:
                out.extend(from_pdf)
            else:
                out.extend(_records_from_text(doc, table, warnings))
    finally:
        if pdf is not None:
            pdf.close()
    return out, warnings
