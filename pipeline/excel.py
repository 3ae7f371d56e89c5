"""`ivp.xlsx`: every table as a sheet, the way policy advisors use Excel.

Header row frozen, filters on, dates as real Excel dates (so they sort and
filter as dates), column widths from the content, long sentences wrapped
instead of one-line overflows.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Mapping

import pandas as pd

from pipeline.atomic import replacing

#: Excel's limits: sheet names, characters per cell
MAX_SHEET_NAME = 31
MAX_CELL = 32767
MAX_WIDTH = 60
#: columns of free text: wrap them in a wide column instead of letting them run on
WRAP_COLUMNS = {"sentence", "error", "evidence", "what", "item_text", "message", "title", "doc_ids"}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
#: characters XML 1.0 does not allow (openpyxl refuses them): controls, surrogates, U+FFFE/U+FFFF
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\uffff]")
#: PDFium marks a hyphen at a line end as U+FFFE; in a cell it means "-"
_PDFIUM_HYPHEN = "\ufffe"


def sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:MAX_SHEET_NAME] or "sheet"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f"~{n}"
        candidate, n = base[: MAX_SHEET_NAME - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def _cell_value(value):
    """A value openpyxl writes as the right Excel type: dates as dates, missing as empty."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, str):
        value = _ILLEGAL.sub(" ", value.replace(_PDFIUM_HYPHEN, "-"))
        return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "\u2026"
    if isinstance(value, (list, tuple, set, dict)):
        return str(value)
    return value


def _date_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding dates: datetime dtypes, date objects, or ISO date strings in a *date* column."""
    out = []
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out.append(column)
            continue
        values = series.dropna()
        if values.empty:
            continue
        if all(isinstance(v, (dt.date, dt.datetime, pd.Timestamp)) for v in values):
            out.append(column)
        elif (re.search(r"(^|_)(date|at)$", str(column))
              and all(isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T][\d:.]+)?", v) for v in values)):
            out.append(column)
    return out


def _to_dates(series: pd.Series) -> pd.Series:
    def convert(v):
        if v is None or (not isinstance(v, (dt.date, str)) and pd.isna(v)):
            return None
        if isinstance(v, pd.Timestamp):
            v = v.to_pydatetime()
        if isinstance(v, dt.datetime):
            return v.date() if v.time() == dt.time(0) and not v.tzinfo else v.replace(tzinfo=None)
        if isinstance(v, dt.date):
            return v
        parsed = pd.to_datetime(v, errors="coerce")
        if pd.isna(parsed):
            return None
        parsed = parsed.to_pydatetime()
        return parsed.date() if parsed.time() == dt.time(0) else parsed
    return series.map(convert).astype(object)


#: fills for matrix cells, the colours of the report's heatmap
STATUS_FILLS = {"prioritized": ("B2182B", "FFFFFF"), "mentioned": ("F4A582", "000000")}


def write_sheet(ws, frame: pd.DataFrame, status_colours: bool = False) -> None:
    """`status_colours`: colour cells that read 'prioritized (n)' / 'mentioned (n)' like the heatmap."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    frame = frame.copy()
    dates = _date_columns(frame)
    for column in dates:
        frame[column] = _to_dates(frame[column])
    columns = [str(c) for c in frame.columns]
    ws.append(columns)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"
    last_col = get_column_letter(max(len(columns), 1))
    ws.auto_filter.ref = f"A1:{last_col}{max(ws.max_row, 1)}"
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        if column in dates:
            has_time = any(isinstance(v, dt.datetime) for v in frame[column].dropna())
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if cell.value is not None:
                    cell.number_format = DATETIME_FORMAT if has_time else DATE_FORMAT
            width = 20 if has_time else 12
        else:
            lengths = [len(column)] + [len(str(v)) for v in frame[column].head(2000).dropna()]
            width = min(max(lengths) + 2, MAX_WIDTH)
        width = max(width, len(column) + 3)  # room for the filter button
        if column in WRAP_COLUMNS:
            width = MAX_WIDTH if width >= MAX_WIDTH else width
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = wrap
        ws.column_dimensions[letter].width = width
    if status_colours:
        fills = {k: (PatternFill("solid", fgColor=bg), Font(color=fg)) for k, (bg, fg) in STATUS_FILLS.items()}
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    status = cell.value.split(" (", 1)[0]
                    if status in fills:
                        cell.fill, cell.font = fills[status]


def write_workbook(sheets: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per table, in the given order; written to a temporary file, then moved into place."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, frame in sheets.items():
        ws = wb.create_sheet(sheet_name(name, taken))
        write_sheet(ws, frame if frame is not None else pd.DataFrame(), status_colours=name.endswith("matrix"))
    if not wb.sheetnames:
        wb.create_sheet("empty")
    with replacing(path) as tmp:
        wb.save(tmp)
    return path
