"""Run `ivp run` on a schedule with Prefect's scheduler (flow.serve).

Prefect's temporary (ephemeral) server has no scheduler, so `ivp serve` needs a real
Prefect server. It uses the one in PREFECT_API_URL when that is set; otherwise it
starts `prefect server start` on 127.0.0.1 (history in the same Prefect home as
`ivp run`, DIR/.prefect unless PREFECT_HOME is set) and stops it when ivp serve
stops. Every scheduled run plans first and extracts only new or changed documents,
exactly like `ivp run`; a run that finds the output folder busy waits for it.

examples:
  ivp serve archive/ --out tables/ --cron "0 2 * * *" --timezone Europe/Amsterdam
  ivp serve archive/ --out tables/ --interval 3600 --run-now
  PREFECT_API_URL=http://prefect.example:4200/api ivp serve archive/ --out tables/

The plain alternative needs no server at all: cron or a systemd timer calling
`ivp run archive/ --out tables/ -q` (see README, "Nightly runs").
"""
from __future__ import annotations

import contextvars
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SERVER_STARTUP_SECONDS = 300  # `prefect server start` needs ~15 s idle, minutes on busy cores
# No Prefect import at module level: the CLI imports this module to build its parser, and
# Prefect reads its settings (PREFECT_HOME) once, at import. The served flow is
# pipeline.nightly.nightly.


def add_arguments(p) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders (.pdf, .txt, .md, .docx)")
    p.add_argument("--out", type=Path, default=Path("outputs"), metavar="DIR", help="output folder (default: outputs)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--cron", default="0 2 * * *", metavar="EXPR",
                      help='cron expression (default: "0 2 * * *", every night at 02:00)')
    when.add_argument("--interval", type=float, metavar="S", help="run every S seconds instead of on a cron")
    p.add_argument("--timezone", metavar="TZ", help="IANA time zone of the cron, e.g. Europe/Amsterdam (default: UTC)")
    p.add_argument("--run-now", action="store_true", help="also run once right away")
    p.add_argument("--name", default="nightly", help="deployment name (default: nightly)")
    p.add_argument("--port", type=int, default=0, metavar="N",
                   help="port of the Prefect server ivp starts when PREFECT_API_URL is not set (default: a free one)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default: 1)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S", help="seconds a document may go without progress (default: 300)")
    p.add_argument("--prune", action="store_true", help="drop the rows of removed files instead of flagging them")
    p.add_argument("--batch-size", type=int, default=8, metavar="N", help="documents per Prefect task (default: 8)")
    p.add_argument("--dask-address", metavar="tcp://HOST:PORT", help="run the tasks on an existing Dask cluster")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    """`prefect server start` on loopback, owned by this process and stopped with it."""

    def __init__(self, home: Path, port: int = 0):
        self.home = home
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.log_path = home / "ivp-serve-server.log"
        self.process: Optional[subprocess.Popen] = None

    def start(self, timeout: float = SERVER_STARTUP_SECONDS) -> None:
        import httpx

        self.home.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.pop("PREFECT_API_URL", None)
        log_fh = open(self.log_path, "ab")
        prefect = Path(sys.executable).with_name("prefect")
        command = [str(prefect)] if prefect.exists() else [sys.executable, "-m", "prefect"]
        self.process = subprocess.Popen(
            command + ["server", "start", "--host", "127.0.0.1", "--port", str(self.port), "--no-ui",
                       "--analytics-off", "--scheduler"],
            env=env, stdout=log_fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log_fh.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prefect server start exited with code {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        except ProcessLookupError:
            pass


def _schedule(args):
    from prefect.schedules import Cron, Interval

    if args.interval is not None:
        if args.interval <= 0:
            raise ValueError("--interval must be positive")
        return Interval(args.interval, timezone=args.timezone)
    return Cron(args.cron, timezone=args.timezone)


def _trigger_when_registered(deployment: str, stop: threading.Event) -> None:
    """--run-now: create one flow run as soon as flow.serve has registered the deployment."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        while not stop.is_set():
            try:
                dep = client.read_deployment_by_name(deployment)
            except Exception:  # not registered yet
                stop.wait(1.0)
                continue
            run = client.create_flow_run_from_deployment(dep.id, tags=["run-now"])
            print(f"ivp serve: started run {run.name} now", flush=True)
            return


def _interrupt(signum, frame) -> None:
    # SIGTERM (systemd stop, kill) ends serving like Ctrl-C, so the server we started stops too.
    raise KeyboardInterrupt


def run(args) -> int:
    from pipeline import prefect_env

    out = args.out.resolve()
    inputs = [str(Path(i).expanduser().resolve()) for i in args.inputs]
    missing = [i for i, r in zip(args.inputs, inputs) if not Path(r).exists()]
    if missing:
        print(f"ivp serve: input {missing[0]} does not exist; give files or folders of documents", file=sys.stderr)
        return EXIT_USAGE
    prefect_env.configure(out, verbose=True)  # before the first Prefect import; INFO shows each scheduled run
    try:
        schedule = _schedule(args)
    except Exception as exc:  # a bad cron expression or time zone
        print(f"ivp serve: invalid schedule: {exc}", file=sys.stderr)
        return EXIT_USAGE
    url = prefect_env.configured_api_url()
    server = None
    if url:
        print(f"ivp serve: using the Prefect server in PREFECT_API_URL ({url})", flush=True)
    else:
        server = LocalServer(Path(os.environ["PREFECT_HOME"]), args.port)
        print(f"ivp serve: PREFECT_API_URL is not set; starting `prefect server start` on {server.url} "
              f"(Prefect home {server.home}, log {server.log_path}); it stops when ivp serve stops", flush=True)
        try:
            server.start()
        except RuntimeError as exc:
            print(f"ivp serve: {exc}", file=sys.stderr)
            return EXIT_FAILED
        url = server.url
        os.environ["PREFECT_API_URL"] = url  # for the flow-run subprocesses the runner starts

    signal.signal(signal.SIGTERM, _interrupt)
    stop = threading.Event()
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.types.entrypoint import EntrypointType

    from pipeline.nightly import nightly

    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            if args.run_now:
                # Run in a copy of this context: a bare thread would not see the temporary
                # settings and its client would start an ephemeral server of its own.
                context = contextvars.copy_context()
                threading.Thread(target=context.run, args=(_trigger_when_registered, f"ivp-nightly/{args.name}",
                                                           stop), daemon=True).start()
            when = f"every {args.interval:g} s" if args.interval is not None else f"cron {args.cron!r}"
            print(f"ivp serve: {when} ({args.timezone or 'UTC'}): ivp run {' '.join(inputs)} --out {out}; "
                  "Ctrl-C stops", flush=True)
            nightly.serve(
                name=args.name, schedule=schedule, pause_on_shutdown=False, print_starting_message=False,
                # By module, not file path: the runner's subprocess imports pipeline.serve wherever it runs.
                entrypoint_type=EntrypointType.MODULE_PATH,
                parameters={"inputs": inputs, "out": str(out), "workers": args.workers, "timeout": args.timeout,
                            "prune": args.prune, "batch_size": args.batch_size, "dask_address": args.dask_address},
                description="ivp run on a schedule: only new or changed documents are extracted")
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if server is not None:
            server.stop()
            print("ivp serve: stopped the Prefect server", flush=True)
    return EXIT_OK
