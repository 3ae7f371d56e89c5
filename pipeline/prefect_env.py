"""Prefect settings that must be in place before `import prefect`.

Ephemeral mode (no PREFECT_API_URL) starts a temporary API server per process;
these settings keep it cheap and quiet: project-local home, no analytics, a
startup timeout that survives 2 slow cores.
"""
from __future__ import annotations

import atexit
import importlib.util
import ipaddress
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

log = logging.getLogger(__name__)


def configure(out_dir: Path, verbose: bool = False) -> None:
    # The user's own PREFECT_HOME wins; otherwise run history lives beside the tables.
    os.environ.setdefault("PREFECT_HOME", str((Path(out_dir) / ".prefect").resolve()))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")


def configured_api_url() -> Optional[str]:
    """PREFECT_API_URL from the environment or the active Prefect profile, if any."""
    from prefect.settings import PREFECT_API_URL

    return os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value() or None


def _is_loopback(address: str) -> bool:
    host = urlparse(address if "://" in address else f"tcp://{address}").hostname or ""
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


class TemporaryServer:
    """Prefect's temporary API server as a subprocess, started without importing `prefect.server`.

    Prefect's own ephemeral mode (`SubprocessASGIServer`) starts the same uvicorn command,
    but importing it loads the whole server application (FastAPI, SQLAlchemy, asyncpg,
    redis, docket: ~80 MB) into the process that only talks to it. `launch()` does not import
    Prefect at all, so `ivp run` starts the server first and imports Prefect, plans and loads
    spaCy in the workers while the server starts (~7 CPU-s, most of a small run's fixed cost).
    """

    def __init__(self):
        self.process: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self.ready = False
        self.spawns = 0
        self._terminated = False
        self._startup_lock = None
        self._save_template = False

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _spawn(self) -> subprocess.Popen:
        self.spawns += 1
        self.port = _free_port()
        env = {**SERVER_DEFAULTS, **os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}
        if "prefect.settings" in sys.modules:  # settings made in code (temporary_settings) travel too
            from prefect.settings import get_current_settings

            env.update(get_current_settings().to_environment_variables(exclude_unset=True))
            # Settings cached in this process may name an earlier PREFECT_HOME or database; the
            # server must use the ones `_database_file` reads (seeded and copied as the template).
            for name in [n for n in env if n == "PREFECT_HOME" or "DATABASE" in n]:
                if name in os.environ:
                    env[name] = os.environ[name]
                else:
                    del env[name]
        app_dir = Path(importlib.util.find_spec("prefect").origin).parent.parent
        # Under pipeline.lifeline: the server ends with this process, also after kill -9.
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.lifeline", str(os.getpid()), "-m", "uvicorn", "--app-dir", str(app_dir),
             "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"], env=env)

    def launch(self) -> "TemporaryServer":
        """Start the server process and return at once; `wait_ready` waits for its API.

        While another run's server starts on the same PREFECT_HOME (it may be migrating the
        database: two servers migrating one SQLite file fail with "table already exists", over
        and over), this one is spawned only when that one is up, by `wait_ready`."""
        atexit.register(self.stop)
        self._startup_lock = _open_startup_lock()
        if _try_lock(self._startup_lock, block=False):
            self.process = self._first_spawn()
        return self

    def _first_spawn(self) -> subprocess.Popen:
        """Under the startup lock: a new PREFECT_HOME starts from an empty database this machine
        migrated before (a fresh one costs the server ~7 s of migrations, most of a small run)."""
        self._save_template = not seed_database()
        return self._spawn()

    def wait_ready(self, timeout: float) -> "TemporaryServer":
        import httpx

        if self.ready:
            return self
        deadline = time.monotonic() + timeout
        if self.process is None:  # launch() found another server starting on this PREFECT_HOME
            if not _try_lock(self._startup_lock, block=True, timeout=timeout):
                self.stop()
                raise RuntimeError(f"another ivp run's Prefect server on {os.environ.get('PREFECT_HOME')} did "
                                   f"not finish starting within {timeout:.0f} s; try again when it has")
            self.process = self._first_spawn()
        try:
            with httpx.Client() as client:
                while time.monotonic() < deadline:
                    code = self.process.poll()
                    # 3: uvicorn could not bind (another process took the port meanwhile) or the
                    # application failed at start; a few new tries, not a loop until the deadline.
                    if code == 3 and self.spawns < MAX_SPAWNS:
                        self.process = self._spawn()
                        continue
                    if code is not None:
                        raise RuntimeError(f"the temporary Prefect server exited with code {code} at start; "
                                           "run `prefect server start` to see why, or set PREFECT_API_URL")
                    try:
                        if client.get(f"{self.api_url}/health", timeout=5).status_code == 200:
                            self.ready = True
                            if self._save_template:
                                save_template()
                            return self
                    except httpx.HTTPError:
                        pass
                    time.sleep(0.1)
        finally:
            self._release_startup_lock()
        self.stop()
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s; raise "
                           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or set PREFECT_API_URL")

    def start(self, timeout: float) -> "TemporaryServer":
        return self.launch().wait_ready(timeout)

    def stop(self, wait: bool = True) -> None:
        """SIGTERM the server; `wait=False` returns at once (the run writes its tables meanwhile)
        and a later `stop()` reaps it."""
        self._release_startup_lock()
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None and not self._terminated:
            log.info("stopping the temporary Prefect server on port %s", self.port)
            proc.terminate()
            self._terminated = True
        if not wait:
            return
        self.process = None
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _release_startup_lock(self) -> None:
        if self._startup_lock is not None:
            self._startup_lock.close()  # closing the file releases the lock
            self._startup_lock = None


def _database_file() -> Optional[Path]:
    """The temporary server's SQLite file; None when the user configured a database of their own."""
    if os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL"):
        return None
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect") / "prefect.db"


def template_file() -> Path:
    """An empty database migrated by this Prefect version, kept in the user's cache."""
    from importlib.metadata import version

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ivp"
    return cache / f"prefect-{version('prefect')}-empty.db"


def seed_database() -> bool:
    """Copy the template into a PREFECT_HOME that has no database yet. False when the database
    is new and there is no template yet: the server migrates it and `save_template` keeps a copy."""
    db = _database_file()
    if db is None or db.exists():
        return True
    template = template_file()
    if not template.exists():
        return False
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        partial = db.with_name(f"{db.name}.{os.getpid()}.tmp")
        shutil.copyfile(template, partial)
        os.replace(partial, db)
    except OSError as exc:  # the server migrates a new database itself, only slower
        log.debug("could not copy %s to %s: %s", template, db, exc)
    return True


def save_template() -> None:
    """A consistent copy (SQLite's backup API) of the database the server has just migrated."""
    db, template = _database_file(), template_file()
    if db is None or not db.exists():
        return
    partial = template.with_name(f"{template.name}.{os.getpid()}.tmp")
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
        os.replace(partial, template)
    except (OSError, sqlite3.Error) as exc:  # only the next new home's start is slower
        log.debug("could not keep %s as %s: %s", db, template, exc)
        partial.unlink(missing_ok=True)


#: times a server that exits with uvicorn's start-failure code 3 is started again
MAX_SPAWNS = 3


def _open_startup_lock():
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
    home.mkdir(parents=True, exist_ok=True)
    return open(home / "ivp-server-start.lock", "a+")


def _try_lock(fh, block: bool, timeout: float = 0.0) -> bool:
    """An exclusive lock on `fh` held until it is closed; blocking waits at most `timeout` s."""
    import fcntl

    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if not block or time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


#: the temporary server's own settings (the user's environment wins). ivp stores no blocks,
#: and registering Prefect's block types imports every block class at each start (~35 MB).
SERVER_DEFAULTS = {"PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
                   "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def startup_timeout() -> float:
    return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"))


def launch_server() -> Optional[TemporaryServer]:
    """Start this run's temporary server early, unless the environment names an API.

    A PREFECT_API_URL that only a Prefect profile sets is seen later, by `run_api`, which
    then stops the server launched here unused.
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    return TemporaryServer().launch()


def run_api(launched: Optional[TemporaryServer] = None) -> tuple[str, Optional[TemporaryServer]]:
    """The API this run reports to: (url, server to stop or None).

    A configured PREFECT_API_URL is used as it is; otherwise one temporary server on
    loopback for this run only (what Prefect's ephemeral mode would start, minus its imports):
    `launched` if `launch_server` started it already.
    """
    url = configured_api_url()
    if url:
        if launched is not None:
            launched.stop()
        return url, None
    server = (launched or TemporaryServer().launch()).wait_ready(startup_timeout())
    log.info("temporary Prefect server at %s", server.api_url)
    return server.api_url, server


def shared_api(dask_address: str, launched: Optional[TemporaryServer] = None):
    """The one Prefect API every Dask worker reports to: (url, server to stop or None).

    A configured PREFECT_API_URL is used as it is. Otherwise ivp starts Prefect's
    temporary server once, on 127.0.0.1, for this run only; workers on other hosts
    cannot reach that, so a cluster beyond this machine needs PREFECT_API_URL.
    """
    url = configured_api_url()
    if url:
        log.info("Dask tasks report to the configured Prefect API %s", url)
        if launched is not None:
            launched.stop()
        return url, None
    if not _is_loopback(dask_address):
        log.warning("%s is not on this machine but PREFECT_API_URL is not set: the Dask workers cannot reach "
                    "this run's temporary Prefect server on 127.0.0.1. Start `prefect server start --host 0.0.0.0` "
                    "and set PREFECT_API_URL to it.", dask_address)
    url, server = run_api(launched)
    log.info("Dask tasks report to a temporary Prefect server at %s", url)
    return url, server
