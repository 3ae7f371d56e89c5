"""Extraction in worker processes: one spaCy load per worker, a timeout per document.

A document that hangs a parser or crashes the interpreter must not take the run
down with it. Each worker is a plain subprocess (no Prefect inside) that loads the
spaCy pipeline once and then extracts one document per request; the parent waits
with a timeout, and on a timeout or a dead worker records a `failed` row and starts
a fresh worker for the rest of the batch.

Memory: `ivp run --workers 2` must stay under 1.5 GiB for the whole process tree.
spaCy's tok2vec needs ~14 KB per token of a pipe batch for a moment (a batch of 32
dense pages is ~250 MB); glibc then keeps those pages as heap high-water, so each
worker would carry its worst batch forever. Workers therefore map large blocks
directly (`_release_freed_memory_to_os`) and trim the heap after every document, and
a worker whose RSS still passes a limit is replaced by a fresh one (one model load,
~5-10 s) before its next document. The parent never imports spaCy: it only starts
workers and builds `failed` rows.
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

from extractors.failed import failed_extraction
from extractors.records import Extraction
from pipeline import lifeline

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0
_CONTEXT = mp.get_context("spawn")  # fork would copy Prefect's threads and event loops
#: a worker above this resident size after a document is replaced before the next one.
#: Measured: ~240 MB after warm-up, ~280-330 MB in steady state with the UD fallback model.
DEFAULT_MAX_RSS_MB = 600.0
#: glibc mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: blocks from this size up get their own mapping, returned to the OS when freed. Fixing it
#: also stops glibc from raising the threshold after the first large free, which is what
#: otherwise turns one batch's tok2vec arrays into permanent heap.
_MMAP_THRESHOLD = 128 * 1024


def _libc():
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # glibc only
        return libc
    except (OSError, AttributeError):
        return None


def _release_freed_memory_to_os(libc) -> None:
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _MMAP_THRESHOLD)


def rss_mb() -> float:
    """Resident size of this process now (not its peak), in MiB; 0 where /proc is missing."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _worker_main(conn) -> None:
    # A worker busy on a document would notice a dead parent only when it replies.
    lifeline.end_with_parent(lifeline.exit_now)
    libc = _libc()
    _release_freed_memory_to_os(libc)
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
            reply = ("ok", extract_path(Path(request), progress=lambda stage: conn.send(("progress", stage))))
        except BaseException as exc:  # keep serving: the parent decides what failed means
            reply = ("error", f"{exc!r}: " + traceback.format_exc(limit=3).replace("\n", " | "))
        conn.send(reply)
        del reply
        if libc is not None:
            libc.malloc_trim(0)  # a few ms; hands back what fragmentation still holds
        conn.send(("rss", rss_mb()))


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


def max_rss_mb() -> float:
    """IVP_WORKER_MAX_RSS_MB, else the default; 0 or less turns recycling off."""
    try:
        return float(os.environ.get("IVP_WORKER_MAX_RSS_MB", DEFAULT_MAX_RSS_MB))
    except ValueError:
        return DEFAULT_MAX_RSS_MB


class ExtractionWorker:
    def __init__(self, startup_timeout: float = 180.0, max_rss: Optional[float] = None):
        self.startup_timeout = startup_timeout
        self.max_rss = max_rss_mb() if max_rss is None else max_rss
        self.process = None
        self.conn = None
        self.last_rss_mb = 0.0
        self.recycled = 0  # workers replaced for their size (not for crashes or timeouts)
        self._starter: Optional[threading.Thread] = None

    def start_soon(self) -> None:
        """Start the worker (spawn, spaCy load, warm-up) in the background; `extract` waits for it."""
        if self.process is None and self._starter is None:
            self._starter = threading.Thread(target=self._start_in_background, daemon=True, name="ivp-worker-start")
            self._starter.start()

    def _start_in_background(self) -> None:
        try:
            self.start()
        except Exception:  # `extract` starts it again and reports what goes wrong there
            log.debug("starting an extraction worker early failed", exc_info=True)

    def _join_starter(self) -> None:
        starter, self._starter = self._starter, None
        if starter is not None:
            starter.join()

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
        self._join_starter()
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
        self._join_starter()
        if self.process is None or not self.process.is_alive():
            self.start()
        try:
            self.conn.send(path)
            while True:  # progress messages (a stage or a spaCy batch done) restart the clock
                if not self.conn.poll(timeout):
                    self.stop()
                    return failed_extraction(
                        Path(path), "failed",
                        f"timed out after {timeout:.0f} s without progress (a reader or an extractor hangs on "
                        "this file, or one stage of it is very slow). Raise --timeout or check the file; it is "
                        "retried on the next run.", retryable=True)
                tag, payload = self.conn.recv()
                if tag != "progress":
                    break
            self._after_document()
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

    def _after_document(self) -> None:
        """Read the worker's size after the document; replace a worker that stays too big.

        The result is already in hand, so a worker that dies here costs nothing: the next
        document starts a fresh one.
        """
        try:
            if not self.conn.poll(30):
                return
            tag, value = self.conn.recv()
        except (EOFError, OSError):
            return
        if tag != "rss":
            return
        self.last_rss_mb = float(value)
        if self.max_rss > 0 and self.last_rss_mb > self.max_rss:
            log.info("extraction worker %s holds %.0f MB after a document (limit %.0f MB): starting a fresh one",
                     self.process.pid if self.process else "?", self.last_rss_mb, self.max_rss)
            self.stop()
            self.recycled += 1


class WorkerPool:
    """N workers shared by the threads of one process (Prefect's thread-pool tasks)."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self._idle: queue.Queue[ExtractionWorker] = queue.Queue()
        self._workers = [ExtractionWorker() for _ in range(self.size)]
        for worker in self._workers:
            self._idle.put(worker)

    def start_soon(self, count: int) -> None:
        """Start `count` workers in the background (while Prefect starts), not on their first document."""
        for worker in self._workers[:count]:
            worker.start_soon()

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
