"""Reading back the contract tables that `ivp run` wrote to an output folder."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from pipeline.cells import truthy
from pipeline.store import EXPORTED_TABLES

CONTRACT_TABLES = tuple(EXPORTED_TABLES)


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """The contract tables of an output folder: from ivp.duckdb, else from the Parquet (or CSV) exports."""
    out_dir = Path(out_dir)
    tables: dict[str, pd.DataFrame] = {}
    db = out_dir / "ivp.duckdb"
    if db.exists():
        try:
            import duckdb

            con = duckdb.connect(str(db), read_only=True)
            try:
                have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
                for name in CONTRACT_TABLES:
                    if name in have:
                        tables[name] = con.execute(f'SELECT * FROM "{name}"').df()
            finally:
                con.close()
        except Exception as exc:  # locked by a running `ivp run`, or an older DuckDB: the exports will do
            print(f"ivp compare: reading {db} failed ({exc}); using the Parquet/CSV files", file=sys.stderr)
            tables = {}
    for name in CONTRACT_TABLES:
        if name in tables:
            continue
        for suffix, reader in ((".parquet", pd.read_parquet), (".csv", _read_csv)):
            path = out_dir / f"{name}{suffix}"
            if path.exists():
                tables[name] = reader(path)
                break
    return {name: _typed(name, frame) for name, frame in tables.items()}


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"doc_id": str, "cbs_code": str, "municipalities": str})


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("doc_date", "date"):
        if column in frame.columns:
            # NaT is a datetime instance: make missing dates None so `isinstance(d, date)` means "has a date"
            frame[column] = pd.Series([None if pd.isna(d) else d for d in
                                       pd.to_datetime(frame[column], errors="coerce").dt.date],
                                      index=frame.index, dtype=object)
    for column in ("prioritized", "ranked", "year_inferred"):
        if column in frame.columns:
            frame[column] = frame[column].map(truthy)
    return frame
