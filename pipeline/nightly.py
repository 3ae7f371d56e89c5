"""The flow `ivp serve` schedules: one `ivp run` (plan, extract what changed, write, export).

Above `pipeline.run` (it calls it) and below `pipeline.serve` (which serves it), so that
`pipeline.flow`, which `run` calls, never has to import `run` back.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger

from pipeline.run import run
from pipeline.summary import format_summary


@flow(name="ivp-nightly", log_prints=False, validate_parameters=False)
def nightly(inputs: list[str], out: str, workers: int = 1, timeout: float = 300.0, prune: bool = False,
            batch_size: int = 8, dask_address: Optional[str] = None) -> dict:
    """`ivp run` as a flow for `ivp serve`: plan, extract what is new or changed, write, export.

    The extraction is the `ivp-run` flow as a subflow, against the same API server.
    """
    # wait=True: a scheduled run that meets a manual `ivp run` on the same folder queues behind it.
    summary = run(inputs, Path(out), workers_n=workers, prune=prune, timeout=timeout, wait=True,
                  dask_address=dask_address, batch_size=batch_size, progress=False)
    get_run_logger().info(format_summary(summary))
    return {"run_id": summary.run_id, "new": summary.n_new, "changed": summary.n_changed,
            "unchanged": summary.n_unchanged, "removed": summary.n_removed, "failed": summary.n_failed,
            "statuses": summary.statuses, "seconds": round(summary.seconds, 1)}
