"""The output folder: one DuckDB file that is the source of truth, plus exports.

`ivp.duckdb` holds the contract tables, the manifest of documents (what was
extracted from which bytes with which extractor version) and the runs. Every
change to it happens in one transaction, so a run killed at any point leaves the
previous, consistent state; the Parquet/CSV exports are rewritten from it through
temporary files and `os.replace`, so readers never see half a file.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import os
import typing
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import duckdb

from extractors.records import TABLE_RECORDS, Extraction

DB_NAME = "ivp.duckdb"
LOCK_NAME = ".ivp.lock"
#: columns stored as DATE although records carry ISO strings.
DATE_COLUMNS = {("documents", "doc_date"), ("deadlines", "date")}
RUNS_COLUMNS = {
    "run_id": "VARCHAR", "started_at": "TIMESTAMP", "finished_at": "TIMESTAMP",
    "n_new": "BIGINT", "n_changed": "BIGINT", "n_unchanged": "BIGINT", "n_failed": "BIGINT",
    "n_removed": "BIGINT", "n_documents": "BIGINT", "workers": "BIGINT", "seconds": "DOUBLE",
    "extractor_version": "VARCHAR", "status": "VARCHAR", "message": "VARCHAR",
}
MANIFEST_COLUMNS = {
    "source_path": "VARCHAR PRIMARY KEY", "doc_id": "VARCHAR", "sha256": "VARCHAR",
    "size_bytes": "BIGINT", "mtime_ns": "BIGINT",
    "extractor_version": "VARCHAR", "status": "VARCHAR", "error": "VARCHAR",
    "processed_at": "TIMESTAMP", "removed": "BOOLEAN", "retryable": "BOOLEAN",
}
EXPORTED_TABLES = list(TABLE_RECORDS) + ["runs"]


class OutputLocked(RuntimeError):
    pass


def _sql_type(table: str, field: dataclasses.Field, hints: dict) -> str:
    if (table, field.name) in DATE_COLUMNS:
        return "DATE"
    hint = hints[field.name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    base = args[0] if args else hint
    return {int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN"}.get(base, "VARCHAR")


def table_schema(table: str) -> dict[str, str]:
    if table == "runs":
        return dict(RUNS_COLUMNS)
    cls = TABLE_RECORDS[table]
    hints = typing.get_type_hints(cls)
    return {f.name: _sql_type(table, f, hints) for f in dataclasses.fields(cls)}


@contextmanager
def locked(out_dir: Path, wait: bool = False) -> Iterator[None]:
    """One run per output folder; a second one refuses (or waits) instead of corrupting."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_NAME, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another ivp run"
            raise OutputLocked(
                f"{out_dir} is in use by {holder}; wait for it to finish, pass --wait, "
                "or use another --out folder") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {dt.datetime.now().isoformat(timespec='seconds')}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


class Store:
    def __init__(self, out_dir: Path, read_only: bool = False):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / DB_NAME
        if read_only and not self.path.exists():
            self.con = None
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        if not read_only:
            self._ensure_schema()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _ensure_schema(self) -> None:
        wanted = {name: table_schema(name) for name in TABLE_RECORDS}
        wanted["runs"] = dict(RUNS_COLUMNS)
        wanted["manifest"] = dict(MANIFEST_COLUMNS)
        for table, columns in wanted.items():
            self.con.execute(
                f"CREATE TABLE IF NOT EXISTS {table} ("
                + ", ".join(f'"{c}" {t}' for c, t in columns.items()) + ")")
            have = {r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
            for column, sql_type in columns.items():
                if column not in have:  # a newer extractor added a column: grow, never rename
                    self.con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {sql_type.replace(" PRIMARY KEY", "")}')

    # --- manifest ----------------------------------------------------------

    def manifest(self) -> dict[str, dict]:
        if self.con is None:
            return {}
        cur = self.con.execute("SELECT * FROM manifest")
        names = [d[0] for d in cur.description]
        return {row[0]: dict(zip(names, row)) for row in cur.fetchall()}

    # --- writing -----------------------------------------------------------

    def replace_documents(self, extractions: Iterable[Extraction], files: dict[str, dict],
                          removed_paths: Iterable[str] = (), prune: bool = False,
                          run: dict | None = None) -> None:
        """Replace all rows of these documents and update the manifest, in one transaction.

        `files` maps source_path -> {sha256, size_bytes, mtime_ns} as planned; the
        old rows of a changed file (its old doc_id) go too, so nothing is duplicated.
        """
        extractions = list(extractions)
        now = dt.datetime.now()
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            old = self.manifest()
            stale_ids = set()
            for ex in extractions:
                previous = old.get(ex.document.source_path)
                if previous and previous["doc_id"]:
                    stale_ids.add(previous["doc_id"])
            for path in removed_paths:
                if prune and path in old:
                    stale_ids.add(old[path]["doc_id"])
            still_used = {m["doc_id"] for p, m in old.items()
                          if p not in files and p not in set(removed_paths) and not m.get("removed")}
            stale_ids -= still_used
            # The rows of the bytes extracted now always go, even when another path in the
            # manifest holds the same bytes (a copy in a second input folder): the fresh rows
            # replace them, otherwise the doc_id would appear twice.
            stale_ids |= {ex.document.doc_id for ex in extractions}
            if stale_ids:
                ids = list(stale_ids)
                for table in TABLE_RECORDS:
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
            for table in TABLE_RECORDS:
                rows = [row for ex in extractions for row in ex.tables()[table]]
                self._insert(table, rows)
            for ex in extractions:
                d = ex.document
                info = files.get(d.source_path, {})
                con.execute(
                    "INSERT OR REPLACE INTO manifest BY NAME SELECT ? AS source_path, ? AS doc_id, ? AS sha256, "
                    "? AS size_bytes, ? AS mtime_ns, ? AS extractor_version, ? AS status, ? AS error, "
                    "? AS processed_at, FALSE AS removed, ? AS retryable",
                    [d.source_path, d.doc_id, d.sha256, info.get("size_bytes"), info.get("mtime_ns"),
                     d.extractor_version, d.status, d.error, now, d.retryable])
            inserted = {ex.document.doc_id for ex in extractions}
            for path in removed_paths:
                if prune:
                    con.execute("DELETE FROM manifest WHERE source_path = ?", [path])
                    continue
                con.execute("UPDATE manifest SET removed = TRUE WHERE source_path = ?", [path])
                doc_id = (old.get(path) or {}).get("doc_id")
                if doc_id and doc_id not in still_used and doc_id not in inserted:
                    # Readers of documents.parquet never see the manifest: flag the row there too.
                    con.execute("UPDATE documents SET status = 'removed', error = ? WHERE doc_id = ?",
                                [f"the file is gone from {path} (noticed {now:%Y-%m-%d %H:%M}); its rows are kept "
                                 "until a run with --prune", doc_id])
            if run is not None:
                self._insert("runs", [run])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def record_run(self, run: dict) -> None:
        self._insert("runs", [run])

    def _insert(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        import pandas as pd

        schema = table_schema(table)
        frame = pd.DataFrame.from_records(rows)
        for column in schema:
            if column not in frame.columns:
                frame[column] = None
        frame = frame[list(schema)]
        self.con.register("incoming", frame)
        try:
            casts = ", ".join(f'CAST("{c}" AS {t.replace(" PRIMARY KEY", "")}) AS "{c}"' for c, t in schema.items())
            self.con.execute(f"INSERT INTO {table} ({', '.join(chr(34) + c + chr(34) for c in schema)}) "
                             f"SELECT {casts} FROM incoming")
        finally:
            self.con.unregister("incoming")

    # --- exports -----------------------------------------------------------

    def export(self, tables: Iterable[str] = EXPORTED_TABLES) -> list[Path]:
        """Rewrite DIR/<table>.parquet and .csv for every contract table, atomically per file."""
        written = []
        for table in tables:
            order = "doc_id" if "doc_id" in table_schema(table) else "started_at"
            query = f"SELECT * FROM {table} ORDER BY {order}"
            for suffix, options in (("parquet", "FORMAT parquet"), ("csv", "FORMAT csv, HEADER true")):
                final = self.out_dir / f"{table}.{suffix}"
                tmp = self.out_dir / f".{table}.{suffix}.{os.getpid()}.tmp"
                self.con.execute(f"COPY ({query}) TO '{tmp}' ({options})")
                with open(tmp, "rb") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, final)
                written.append(final)
        return written

    def export_runs_only(self) -> list[Path]:
        """A run with nothing to do only adds its `runs` row."""
        return self.export(["runs"])
