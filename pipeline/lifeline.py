"""Child processes that end with the process that started them, however it ends.

`kill -9` of `ivp run` (a nightly job's timeout, an operator) runs no atexit handler and
stops nothing politely, so the run's temporary Prefect server and its extraction workers
must notice on their own. Each watches its parent from a daemon thread: a pidfd, which
becomes readable the moment the parent exits, or where Linux has none, polling getppid()
(a child whose parent died is re-parented to init or a subreaper).

Not prctl(PR_SET_PDEATHSIG): Linux sends that signal when the parent *thread* that forked
the child exits, and ivp starts children from Prefect's task threads too.

`python -m pipeline.lifeline PARENT_PID -m MODULE ARGS...` runs MODULE as `python -m` would,
ended with SIGTERM (then, after a grace period, for good) when PARENT_PID exits.
"""
from __future__ import annotations

import os
import runpy
import select
import signal
import sys
import threading
import time
from typing import Callable, Optional

#: seconds between getppid() checks where there is no pidfd
POLL_SECONDS = 0.5
#: seconds a child has to shut down after SIGTERM before it is ended for good
GRACE_SECONDS = 10.0


def end_with_parent(on_parent_death: Callable[[], None], parent_pid: Optional[int] = None) -> None:
    """Call `on_parent_death` (in a daemon thread) as soon as the parent process is gone."""
    parent = parent_pid or os.getppid()
    if os.getppid() != parent:
        on_parent_death()
        return
    threading.Thread(target=_watch, args=(parent, on_parent_death), daemon=True, name="ivp-lifeline").start()


def _watch(parent: int, on_parent_death: Callable[[], None]) -> None:
    try:
        fd = os.pidfd_open(parent)
    except (AttributeError, OSError):
        fd = None
    if fd is not None and os.getppid() == parent:  # the pidfd is the parent's, not a reused pid's
        select.select([fd], [], [])
    else:
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
    on_parent_death()


def terminate_self() -> None:
    """SIGTERM to this process (a server shuts down cleanly), then exit for good after a grace period."""
    timer = threading.Timer(GRACE_SECONDS, os._exit, args=(1,))
    timer.daemon = True  # a clean shutdown within the grace period exits at once
    timer.start()
    os.kill(os.getpid(), signal.SIGTERM)


def exit_now() -> None:
    os._exit(1)


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "-m":
        sys.exit("usage: python -m pipeline.lifeline PARENT_PID -m MODULE [ARGS...]")
    end_with_parent(terminate_self, int(argv[0]))
    sys.argv = [argv[2], *argv[3:]]
    runpy.run_module(argv[2], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
