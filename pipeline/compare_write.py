"""Writing a `Comparison` next to the tables it was computed from: the comparison tables as
CSV and Parquet, `report.html` and `ivp.xlsx`. Every file is replaced atomically."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import pandas as pd

from pipeline import excel, report
from pipeline.atomic import replacing
from pipeline.compare import Comparison
from pipeline.read_tables import CONTRACT_TABLES


def write_frame(frame: pd.DataFrame, out_dir: Path, name: str) -> list[Path]:
    """CSV and Parquet, each through a temporary file and os.replace (never a half-written file)."""
    written = []
    for suffix in (".csv", ".parquet"):
        target = Path(out_dir) / f"{name}{suffix}"
        with replacing(target) as tmp:
            if suffix == ".csv":
                frame.to_csv(tmp, index=False, encoding="utf-8")
            else:
                _parquet_safe(frame).to_parquet(tmp, index=False)
        written.append(target)
    return written


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns mixing types (None + str + date) trip pyarrow; keep dates, stringify the rest."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            values = frame[column].dropna()
            if len(values) and all(isinstance(v, dt.date) for v in values):
                continue
            if len(values) and not all(isinstance(v, str) for v in values):
                frame[column] = frame[column].map(lambda v: None if v is None or v != v else str(v))
    return frame


def workbook_sheets(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """The sheets of ivp.xlsx: the contract tables as read, then the comparison tables."""
    raw = comparison.raw_tables or comparison.tables
    sheets = {name: raw[name] for name in CONTRACT_TABLES if name in raw}
    # sheet names have 31 characters at most: drop the file prefix
    for name, frame in comparison.outputs().items():
        short = name.removeprefix("compare_")
        sheets["deadlines_timeline" if short in sheets else short] = frame
    return sheets


def write_outputs(comparison: Comparison, out_dir: Path, with_report: bool = True, with_excel: bool = True,
                  errors: Optional[list[str]] = None) -> list[Path]:
    """The comparison tables, report.html and ivp.xlsx. A failing report or workbook does not cost
    the others: its error goes to `errors` (raised when no list is given)."""
    out_dir = Path(out_dir)
    written = []
    for name, frame in comparison.outputs().items():
        written += write_frame(frame, out_dir, name)

    def attempt(what: str, make) -> None:
        try:
            written.append(make())
        except Exception as exc:
            if errors is None:
                raise
            errors.append(f"writing {what} failed: {exc!r}; this is a bug in ivp, please report it")

    if with_report:
        attempt("report.html", lambda: report.write_report(comparison, out_dir / "report.html"))
    if with_excel:
        attempt("ivp.xlsx", lambda: excel.write_workbook(workbook_sheets(comparison), out_dir / "ivp.xlsx"))
    return written
