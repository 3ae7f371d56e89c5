"""The Prefect flow: thin orchestration over `extractors`, batches as tasks.

Everything decided before Prefect starts lives in `pipeline.plan`; this module
only runs batches of documents (one task per batch, in worker processes that hold
spaCy) and writes the results in one transaction.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.records import Extraction
from pipeline import workers

log = logging.getLogger(__name__)


def _transient(task, task_run, state) -> bool:
    """Retry a batch only for I/O trouble; extraction errors are per-document rows already."""
    try:
        state.result()
    except (OSError, TimeoutError, ConnectionError):
        return True
    except Exception:
        return False
    return False


@task(name="extract-batch", retries=2, retry_delay_seconds=[2, 8], retry_condition_fn=_transient)
def extract_batch(paths: list[str], pool_size: int, timeout: Optional[float]) -> list[Extraction]:
    return workers.process_pool(pool_size).extract_many(paths, timeout)


@flow(name="ivp-run", log_prints=False, validate_parameters=False)
def ivp_run(batches: list[list[str]], workers_n: int = 1, timeout: Optional[float] = None,
            plan_counts: Optional[dict] = None) -> list[Extraction]:
    logger = get_run_logger()
    logger.info("extracting %d documents in %d batches on %d workers",
                sum(map(len, batches)), len(batches), workers_n)
    futures = [extract_batch.submit(batch, workers_n, timeout) for batch in batches]
    results: list[Extraction] = []
    from extractors.extract import failed_extraction

    for batch, future in zip(batches, futures):
        future.wait()
        if future.state.is_failed():
            # A whole batch lost (e.g. a worker that cannot start): every document becomes a row.
            message = f"batch failed: {future.state.message}; retried on the next run"
            results.extend(failed_extraction(Path(p), "failed", message, retryable=True) for p in batch)
        else:
            results.extend(future.result())
    create_markdown_artifact(key="ivp-run-summary", markdown=summary_markdown(plan_counts or {}, results),
                             description="what this ivp run extracted")
    return results


def summary_markdown(plan_counts: dict, results: list[Extraction]) -> str:
    by_status: dict[str, int] = {}
    for ex in results:
        by_status[ex.document.status] = by_status.get(ex.document.status, 0) + 1
    lines = ["# ivp run", "", "| documents | count |", "|---|---:|"]
    lines += [f"| {name} | {n} |" for name, n in plan_counts.items()]
    lines += [f"| status {name} | {n} |" for name, n in sorted(by_status.items())]
    failed = [ex.document for ex in results if ex.document.status != "ok"]
    if failed:
        lines += ["", "## Not extracted", "", "| file | status | message |", "|---|---|---|"]
        lines += [f"| {Path(d.source_path).name} | {d.status} | {(d.error or '').replace('|', '/')[:200]} |"
                  for d in failed]
    return "\n".join(lines)


def run_flow(batches: list[list[str]], workers_n: int, timeout: Optional[float],
             plan_counts: dict, dask_address: Optional[str] = None) -> list[Extraction]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if dask_address:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(address=dask_address)
    else:
        runner = ThreadPoolTaskRunner(max_workers=max(1, workers_n))
    # The heartbeat thread costs ~1 s per flow call on these machines and tells a local run nothing.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        try:
            return ivp_run.with_options(task_runner=runner)(batches, workers_n, timeout, plan_counts)
        finally:
            workers.close_pools()
