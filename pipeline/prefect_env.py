"""Prefect settings that must be in place before `import prefect`.

Ephemeral mode (no PREFECT_API_URL) starts a temporary API server per process;
these settings keep it cheap and quiet: project-local home, no analytics, a
startup timeout that survives 2 slow cores.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import socket
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


def shared_api(dask_address: str):
    """The one Prefect API every Dask worker reports to: (url, server to stop or None).

    A configured PREFECT_API_URL is used as it is. Otherwise ivp starts Prefect's
    temporary server once, on 127.0.0.1, for this run only; workers on other hosts
    cannot reach that, so a cluster beyond this machine needs PREFECT_API_URL.
    """
    url = configured_api_url()
    if url:
        log.info("Dask tasks report to the configured Prefect API %s", url)
        return url, None
    if not _is_loopback(dask_address):
        log.warning("%s is not on this machine but PREFECT_API_URL is not set: the Dask workers cannot reach "
                    "this run's temporary Prefect server on 127.0.0.1. Start `prefect server start --host 0.0.0.0` "
                    "and set PREFECT_API_URL to it.", dask_address)
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")))
    log.info("Dask tasks report to a temporary Prefect server at %s", server.api_url)
    return server.api_url, server
