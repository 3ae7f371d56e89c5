"""Extraction in worker processes: one spaCy load per worker, a timeout per document.

A document that hangs a parser or crashes the interpreter must not take the run
down with it. Each worker is a plain subprocess (no Prefect inside) that loads the
spaCy pipeline once and then extracts one document per request; the parent waits
with a timeout, and on a timeout or a dead worker records a `failed` row and starts
a fresh worker for the rest of the batch.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from extractors.records import Extraction

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0
_CONTEXT = mp.get_context("spawn")  # fork would copy Prefect's threads and event loops


def _worker_main(conn) -> None:
    # Imported here so that a worker costs spaCy, not Prefect.
    from extractors.extract import extract_path
    from extractors.nlp import load_model

    load_model()
    _warm_up()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            conn.send(("ok", extract_path(Path(request))))
        except BaseException as exc:  # keep serving: the parent decides what failed means
            conn.send(("error", f"{exc!r}: " + traceback.format_exc(limit=3).replace("\n", " | ")))


@contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process (a Dask worker under its nanny) start extraction workers.

    multiprocessing refuses children of daemonic processes because it cannot reap
    them at exit; ours are daemonic themselves and exit on EOF when their parent
    dies, so lifting the flag for the duration of `start()` is safe.
    """
    current = mp.current_process()
    was_daemon = current._config.get("daemon", False)
    if was_daemon:
        current._config["daemon"] = False
    try:
        yield
    finally:
        if was_daemon:
            current._config["daemon"] = True


def _warm_up() -> None:
    """Load the vocabularies and matchers now, so a document's timeout measures the document.

    The extractors load their data lazily on first use; without this the first
    document of every fresh worker would pay seconds of loading against --timeout.
    """
    try:
        from extractors.document import document_from_text
        from extractors.extract import extract_document

        extract_document(document_from_text(
            "Veiligheidsplan 2025-2028\n\nDatum: 1 maart 2025\n\nPrioriteit 1: Ondermijning\n"
            "Uiterlijk eind 2025 stelt de gemeente een plan van aanpak jeugdoverlast vast.\n"))
    except Exception:  # a warm-up failure shows up again, with its message, on a real document
        log.debug("warm-up failed", exc_info=True)


class ExtractionWorker:
    def __init__(self, startup_timeout: float = 180.0):
        self.startup_timeout = startup_timeout
        self.process = None
        self.conn = None

    def start(self) -> None:
        parent, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_worker_main, args=(child,), daemon=True, name="ivp-extract")
        with _children_allowed():
            self.process.start()
        child.close()
        self.conn = parent
        if not self.conn.poll(self.startup_timeout):
            self.stop()
            raise RuntimeError("an extraction worker did not start in time (loading spaCy); check IVP_SPACY_MODEL")
        tag, _ = self.conn.recv()
        assert tag == "ready"

    def stop(self) -> None:
        if self.process is not None:
            try:
                if self.process.is_alive():
                    self.conn.send(None)
                    self.process.join(2)
            except (OSError, BrokenPipeError):
                pass
            if self.process.is_alive():
                self.process.kill()
                self.process.join(5)
        self.process = None
        self.conn = None

    def extract(self, path: str, timeout: Optional[float]) -> Extraction:
        from extractors.extract import failed_extraction

        if self.process is None or not self.process.is_alive():
            self.start()
        try:
            self.conn.send(path)
            if not self.conn.poll(timeout):
                self.stop()
                return failed_extraction(Path(path), "failed",
                                         f"timed out after {timeout:.0f} s; the file may be malformed or very large. "
                                         "Raise --timeout or check the file; it is retried on the next run.",
                                         retryable=True)
            tag, payload = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            code = None
            if self.process is not None:
                self.process.join(5)  # reap it, or exitcode is still None
                code = self.process.exitcode
            self.stop()
            return failed_extraction(Path(path), "failed",
                                     f"the extraction worker crashed (exit code {code}) on this file; "
                                     "it is retried on the next run. Report the file if it keeps failing.",
                                     retryable=True)
        if tag == "ok":
            return payload
        return failed_extraction(Path(path), "failed", f"extraction failed: {payload}", retryable=True)


class WorkerPool:
    """N workers shared by the threads of one process (Prefect's thread-pool tasks)."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self._idle: queue.Queue[ExtractionWorker] = queue.Queue()
        for _ in range(self.size):
            self._idle.put(ExtractionWorker())

    def extract_many(self, paths: Iterable[str], timeout: Optional[float],
                     on_done: Callable[[Extraction], None] | None = None) -> list[Extraction]:
        worker = self._idle.get()
        try:
            results = []
            for path in paths:
                result = worker.extract(path, timeout)
                results.append(result)
                if on_done:
                    on_done(result)
            return results
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get().stop()


_pools: dict[int, WorkerPool] = {}
_pools_lock = threading.Lock()


def process_pool(size: int) -> WorkerPool:
    """The pool of this process, created once (also inside a Dask worker process)."""
    with _pools_lock:
        pool = _pools.get(os.getpid())
        if pool is None or pool.size < size:
            pool = _pools[os.getpid()] = WorkerPool(size)
        return pool


def close_pools() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()
