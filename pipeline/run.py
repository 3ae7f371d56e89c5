"""`ivp run`: plan, extract through the Prefect flow, write in one transaction, export."""
from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from extractors import extractor_version
from pipeline import prefect_env, workers
from pipeline.plan import Plan, make_plan
from pipeline.store import EXPORTED_TABLES, Store, locked

log = logging.getLogger(__name__)

#: documents per task: big enough to amortise Prefect's per-task cost, small enough to spread.
DEFAULT_BATCH_SIZE = 8


@dataclass
class RunSummary:
    run_id: str
    out_dir: Path
    n_new: int = 0
    n_changed: int = 0
    n_unchanged: int = 0
    n_removed: int = 0
    n_failed: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # path, status, message
    skipped: list[str] = field(default_factory=list)

    @property
    def n_ok(self) -> int:
        return self.statuses.get("ok", 0)


def want_progress() -> bool:
    """A bar only for a person at a terminal: not under cron/CI (no TTY), not with -q.

    IVP_PROGRESS=1/0 forces it on or off (the CLI's -q sets the root logger to ERROR).
    """
    forced = os.environ.get("IVP_PROGRESS")
    if forced in ("0", "1"):
        return forced == "1"
    return (sys.stdout.isatty() and sys.stderr.isatty()
            and logging.getLogger().getEffectiveLevel() <= logging.WARNING)


class ProgressBar:
    """Documents done out of planned, on stderr; `advance(path)` is idempotent and thread-safe."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._bar = None
        if enabled and total:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.description}"),
                                 console=Console(stderr=True), transient=False)
            self._task = self._bar.add_task("", total=total)

    def __enter__(self) -> "ProgressBar":
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, path: str) -> None:
        with self._lock:
            if path in self._seen:
                return
            self._seen.add(path)
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=Path(path).name[:40])

    @property
    def done(self) -> int:
        return len(self._seen)


def batches_of(items: Sequence[str], size: int, workers_n: int) -> list[list[str]]:
    # At least one batch per worker so that both cores work on small runs too.
    size = max(1, min(size, -(-len(items) // max(1, workers_n))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


class Startup:
    """The fixed cost of a run, overlapped: as soon as the plan finds one file to extract, the
    temporary API server starts and the first extraction worker loads spaCy, while planning
    goes on and this process imports Prefect. A run with nothing to extract starts neither.

    On leaving, whatever the flow did not take over is stopped (idempotent after the flow).
    """

    def __init__(self, out_dir: Path, verbose: bool, workers_n: int, dask_address: Optional[str]):
        self.out_dir, self.verbose, self.workers_n, self.dask_address = out_dir, verbose, workers_n, dask_address
        self.server: Optional[prefect_env.TemporaryServer] = None
        self.begun = False

    def begin(self) -> None:
        if self.begun:
            return
        self.begun = True
        prefect_env.configure(self.out_dir, verbose=self.verbose)  # before the server and the first Prefect import
        self.server = prefect_env.launch_server()
        self.start_workers(1)

    def start_workers(self, count: int) -> None:
        self.begin()
        if not self.dask_address:  # on Dask the workers live in the cluster
            workers.process_pool(self.workers_n).start_soon(min(count, self.workers_n))

    def __enter__(self) -> "Startup":
        return self

    def __exit__(self, *exc) -> None:
        if self.begun:
            workers.close_pools()
            if self.server is not None:
                self.server.stop()


def run(inputs: Sequence[str | Path], out_dir: Path, workers_n: int = 1, full: bool = False,
        prune: bool = False, timeout: Optional[float] = None, wait: bool = False,
        dask_address: Optional[str] = None, batch_size: int = DEFAULT_BATCH_SIZE,
        verbose: bool = False, progress: Optional[bool] = None) -> RunSummary:
    out_dir = Path(out_dir)
    started = dt.datetime.now()
    clock = time.perf_counter()
    summary = RunSummary(run_id=uuid.uuid4().hex[:12], out_dir=out_dir)
    version = extractor_version()
    with locked(out_dir, wait=wait), Startup(out_dir, verbose, workers_n, dask_address) as startup:
        with Store(out_dir) as store:
            plan = make_plan(list(inputs), store.manifest(), version, full=full, include_flagged=prune,
                             on_first_work=startup.begin)
            summary.n_new, summary.n_changed = len(plan.new), len(plan.changed) + len(plan.retried)
            summary.n_unchanged, summary.n_removed = len(plan.unchanged), len(plan.removed)
            summary.skipped = plan.skipped
            extractions = []
            if plan.to_extract:
                paths = [f.source_path for f in plan.to_extract]
                batches = batches_of(paths, batch_size, workers_n)
                startup.start_workers(len(batches))
                from pipeline.flow import run_flow

                counts = {"new": summary.n_new, "changed or retried": summary.n_changed,
                          "unchanged": summary.n_unchanged, "removed": summary.n_removed}
                with ProgressBar(len(paths), want_progress() if progress is None else progress) as bar:
                    extractions = run_flow(batches, workers_n, timeout,
                                           counts, dask_address=dask_address, progress=bar.advance,
                                           server=startup.server)
            for ex in extractions:
                d = ex.document
                summary.statuses[d.status] = summary.statuses.get(d.status, 0) + 1
                if d.status != "ok":
                    summary.problems.append((d.source_path, d.status, d.error or ""))
            summary.n_failed = summary.statuses.get("failed", 0)
            summary.seconds = time.perf_counter() - clock
            run_row = {
                "run_id": summary.run_id, "started_at": started, "finished_at": dt.datetime.now(),
                "n_new": summary.n_new, "n_changed": summary.n_changed, "n_unchanged": summary.n_unchanged,
                "n_failed": summary.n_failed, "n_removed": summary.n_removed,
                "n_documents": len(extractions), "workers": workers_n, "seconds": round(summary.seconds, 3),
                "extractor_version": version, "status": "completed", "message": None,
            }
            store.replace_documents(extractions, _files_with_identity(plan, extractions), plan.removed,
                                    prune=prune, run=run_row)
            if plan.has_work or not all((out_dir / f"{t}.parquet").exists() for t in EXPORTED_TABLES):
                store.export()
            else:
                store.export_runs_only()
    return summary


def _files_with_identity(plan: Plan, extractions) -> dict[str, dict]:
    files = plan.files
    for ex in extractions:
        files.setdefault(ex.document.source_path, {})
    return files
