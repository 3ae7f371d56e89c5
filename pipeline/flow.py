"""The Prefect flow: thin orchestration over `extractors`, batches as tasks.

Everything decided before Prefect starts lives in `pipeline.plan`; this module
only runs batches of documents (one task per batch, in worker processes that hold
spaCy) and writes the results in one transaction.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Callable, Optional

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.failed import failed_extraction
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


#: per-document progress callback of the `ivp run` process (source_path -> None). Set by
#: `run_flow`; a module global rather than a task argument so that it never ships to a Dask
#: worker, where the module is imported afresh and this stays None.
_progress: Optional[Callable[[str], None]] = None


def _pool_size(requested: int) -> int:
    """Extraction subprocesses for this process: one per Dask worker thread on Dask, else --workers."""
    # A Dask worker has imported distributed long before it runs a task; importing it here
    # only to learn that this is not one would cost the local `ivp run` process ~27 MB.
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return requested
    try:
        return max(1, distributed.get_worker().state.nthreads)
    except (ValueError, AttributeError):
        return requested


def _report(extraction: Extraction) -> None:
    hook = _progress
    if hook is not None:
        hook(extraction.document.source_path)


@task(name="extract-batch", retries=2, retry_delay_seconds=[2, 8], retry_condition_fn=_transient)
def extract_batch(paths: list[str], pool_size: int, timeout: Optional[float]) -> list[Extraction]:
    return workers.process_pool(_pool_size(pool_size)).extract_many(paths, timeout, on_done=_report)


@flow(name="ivp-run", log_prints=False, validate_parameters=False)
def ivp_run(batches: list[list[str]], workers_n: int = 1, timeout: Optional[float] = None,
            plan_counts: Optional[dict] = None) -> list[Extraction]:
    logger = get_run_logger()
    logger.info("extracting %d documents in %d batches on %d workers",
                sum(map(len, batches)), len(batches), workers_n)
    futures = [extract_batch.submit(batch, workers_n, timeout) for batch in batches]
    results: list[Extraction] = []

    for batch, future in zip(batches, futures):
        future.wait()
        if future.state.is_failed():
            # A whole batch lost (e.g. a worker that cannot start): every document becomes a row.
            message = f"batch failed: {future.state.message}; retried on the next run"
            results.extend(failed_extraction(Path(p), "failed", message, retryable=True) for p in batch)
        else:
            results.extend(future.result())
        for ex in results[-len(batch):]:
            _report(ex)  # batches that ran elsewhere (Dask) advance the bar here; repeats are ignored
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
             plan_counts: dict, dask_address: Optional[str] = None,
             progress: Optional[Callable[[str], None]] = None,
             server: Optional["prefect_env.TemporaryServer"] = None) -> list[Extraction]:
    """Run the `ivp-run` flow; `server` is a temporary API server launched early, if any."""
    global _progress
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from pipeline import prefect_env

    # The heartbeat thread costs ~1 s per flow call on these machines and tells a local run nothing.
    updates = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if dask_address:
        from prefect_dask import DaskTaskRunner

        # Each Dask worker process would otherwise start its own temporary API server on the
        # same SQLite file. One shared API: the configured PREFECT_API_URL, or one temporary
        # server on loopback started here. Its URL travels to the workers inside the settings
        # context that prefect-dask serializes with every task.
        api_url, server = prefect_env.shared_api(dask_address, server)
        updates[PREFECT_API_URL] = api_url
        runner = DaskTaskRunner(address=dask_address)
    else:
        # Our own temporary server rather than Prefect's ephemeral mode: same server, but the
        # client never imports the server application (see prefect_env.TemporaryServer).
        api_url, server = prefect_env.run_api(server)
        updates[PREFECT_API_URL] = api_url
        runner = ThreadPoolTaskRunner(max_workers=max(1, workers_n))
    _progress = progress
    try:
        with temporary_settings(updates=updates):
            return ivp_run.with_options(task_runner=runner)(batches, workers_n, timeout, plan_counts)
    finally:
        _progress = None
        workers.close_pools()
        if server is not None:
            if dask_address:
                _drain_dask_workers(dask_address)
            _drain_local_services()
            server.stop(wait=False)  # reaped by the caller (run.Startup) or at exit


def _queued_services() -> tuple:
    """Prefect's background senders of log lines and events to the API."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    return APILogWorker, EventsWorker


def _drain_local_services() -> None:
    """Before this run's temporary server stops: this process's last log lines and events go
    to it now. Sent at exit instead, they met a stopped server, and Prefect spent ~2 s retrying
    before it printed "Error logging to API: All connection attempts failed"."""
    for service in _queued_services():
        service.drain_all(timeout=DRAIN_SECONDS)


async def _drain_prefect_services() -> None:
    """On a Dask worker: send the log lines and events Prefect still queues to the API, now."""
    for service in _queued_services():
        await service.drain_all(timeout=DRAIN_SECONDS)


#: seconds a Dask worker may take to send what it still queues for the API
DRAIN_SECONDS = 15


def _drain_dask_workers(dask_address: str) -> None:
    """Before this run's temporary server stops: a Dask worker's Prefect services send their
    last log lines and events in the background, after the task has returned; a server gone
    by then made every worker log "Error logging to API: All connection attempts failed"."""
    from distributed import Client

    try:
        with Client(dask_address, timeout=DRAIN_SECONDS) as client:
            client.run(_drain_prefect_services)
    except Exception as exc:  # the tables are done; a worker that cannot drain only loses log lines
        log.warning("could not flush the Dask workers' Prefect logs before stopping the server: %s", exc)
