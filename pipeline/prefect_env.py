"""Prefect settings that must be in place before `import prefect`.

Ephemeral mode (no PREFECT_API_URL) starts a temporary API server per process;
these settings keep it cheap and quiet: project-local home, no analytics, a
startup timeout that survives 2 slow cores.
"""
from __future__ import annotations

import os
from pathlib import Path


def configure(out_dir: Path, verbose: bool = False) -> None:
    # The user's own PREFECT_HOME wins; otherwise run history lives beside the tables.
    os.environ.setdefault("PREFECT_HOME", str((Path(out_dir) / ".prefect").resolve()))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
