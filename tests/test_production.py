"""Production behaviour of `ivp run` through the real CLI: faults, kill -9, locking, removal,
parallelism and the Dask runner, and `ivp serve` with Prefect's scheduler.

Faults are injected from outside the product: a `sitecustomize.py` on the subprocess's
PYTHONPATH wraps `extractors.reader.read_document` so that a file whose name says
"haengt" sleeps forever and one that says "crash" kills its interpreter. The spawned
extraction workers inherit the environment, so they load the wrapper too.

Every ephemeral-Prefect CLI run costs 20-60 s on two busy cores; independent runs are
started together and shared through module fixtures. The runs use a snapshot of the code
and vocabulary taken when the module starts, so that tables from different runs are
comparable even while the checkout is being edited (extractor_version hashes both).
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from extractors.records import TABLE_RECORDS

pytestmark = pytest.mark.flow

ROOT = Path(__file__).resolve().parent.parent

# Realistic Dutch policy prose written for these tests (not the seeds).
DOCS = {
    "ivp_zuidrand.txt": """Integraal Veiligheidsplan Gemeente Zuidrand 2025-2028

Vastgesteld door de gemeenteraad op 14 januari 2025.

1. Ondermijning
De gemeente pakt ondermijnende criminaliteit aan met het RIEC en de politie. Uiterlijk
eind 2025 is een bestuurlijke aanpak voor bedrijventerreinen vastgesteld.

2. Jeugd en veiligheid
Jongeren die afglijden naar criminaliteit krijgen eerder hulp. In het tweede kwartaal van
2026 evalueren wij de aanpak van jeugdoverlast.
""",
    "brief_raad_cyber.txt": """Raadsinformatiebrief digitale veiligheid

Datum: 3 september 2024

Geachte leden van de raad,

Cybercrime en online fraude nemen toe. Het college kiest digitale veiligheid als
prioriteit voor de komende jaren. Voor 1 juli 2025 ontvangt u een voorstel voor een
weerbaarheidsprogramma voor ondernemers.

Met vriendelijke groet, de burgemeester
""",
    "regionaal_beleidsplan.txt": """Regionaal Beleidsplan Veiligheid 2024-2027

De gemeenten in de regio stellen drie prioriteiten:
- Ondermijning
- Huiselijk geweld en kindermishandeling
- Zorg en veiligheid

Uiterlijk medio 2025 ligt er een regionaal actieplan huiselijk geweld.
""",
    "memo_woninginbraak.txt": """Memo aan het college

Onderwerp: woninginbraken en high impact crimes

Het aantal woninginbraken is in 2023 gedaald. De gemeente blijft inzetten op preventie
en buurtpreventie-apps. In maart 2026 volgt een nieuwe rapportage over high impact crimes.
""",
}

SITECUSTOMIZE = '''
import os, time
import extractors.reader as _reader

_real = _reader.read_document


def read_document(path, *args, **kwargs):
    name = os.path.basename(str(path))
    if "haengt" in name:
        while True:
            time.sleep(3600)
    if "crash" in name:
        os._exit(3)
    return _real(path, *args, **kwargs)


_reader.read_document = read_document
'''


#: the code snapshot every subprocess runs (set by the `code_snapshot` fixture).
SRC: Path = ROOT


def ivp_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", *args]


def env_for(out: Path, hooks: Path | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC)] + [p for p in [env.get("PYTHONPATH")] if p])
    env["PREFECT_HOME"] = str(out.parent / f".prefect-{out.name}")
    env.pop("PREFECT_API_URL", None)
    # Several runs start their temporary Prefect servers at once on two shared cores.
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    if hooks is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(hooks), env["PYTHONPATH"]])
    return env


def start(*args: str, out: Path, hooks: Path | None = None, env_extra: dict | None = None) -> subprocess.Popen:
    env = env_for(out, hooks)
    env.update(env_extra or {})
    return subprocess.Popen(ivp_cmd(*args), cwd=SRC, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def finish(proc: subprocess.Popen, timeout: float = 900) -> subprocess.CompletedProcess:
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"ivp did not finish in {timeout} s: {stderr[-2000:]}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def ivp(*args: str, out: Path, hooks: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return finish(start(*args, out=out, hooks=hooks), timeout)


def write_docs(folder: Path, names=DOCS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(DOCS[name], encoding="utf-8")
    return folder


def snapshot(out: Path) -> dict[str, pd.DataFrame]:
    """Every contract table from the DuckDB file, in a canonical row order."""
    con = duckdb.connect(str(out / "ivp.duckdb"), read_only=True)
    try:
        tables = {}
        for name in TABLE_RECORDS:
            frame = con.execute(f"SELECT * FROM {name}").df()
            frame = frame.astype(str).sort_values(list(frame.columns)).reset_index(drop=True)
            tables[name] = frame
        return tables
    finally:
        con.close()


def assert_consistent(out: Path) -> dict[str, pd.DataFrame]:
    """Readable, one documents row per doc_id, every other row belongs to a document."""
    con = duckdb.connect(str(out / "ivp.duckdb"), read_only=True)
    try:
        dupes = con.execute("SELECT doc_id, count(*) FROM documents GROUP BY doc_id HAVING count(*) > 1").fetchall()
        assert not dupes, f"duplicate documents rows: {dupes}"
        for name in TABLE_RECORDS:
            if name == "documents":
                continue
            orphans = con.execute(f"SELECT count(*) FROM {name} WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
                                  ).fetchone()[0]
            assert orphans == 0, f"{name} has {orphans} rows of unknown documents"
        paths = con.execute("SELECT source_path FROM manifest").fetchall()
        assert len(paths) == len(set(paths))
    finally:
        con.close()
    for name in TABLE_RECORDS:  # the exports are whole files
        pd.read_parquet(out / f"{name}.parquet")
    return snapshot(out)


def documents(out: Path) -> pd.DataFrame:
    frame = pd.read_parquet(out / "documents.parquet")
    return frame.set_index(frame.source_path.map(lambda p: Path(p).name))


# --- shared runs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("production")


@pytest.fixture(scope="module", autouse=True)
def code_snapshot(work):
    global SRC
    dst = work / "src"
    for name in ("extractors", "pipeline", "vocab"):
        shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
    SRC = dst
    yield dst
    SRC = ROOT


@pytest.fixture(scope="module")
def corpus(work) -> Path:
    return write_docs(work / "corpus")


@pytest.fixture(scope="module")
def hooks(work) -> Path:
    folder = work / "hooks"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def fault_corpus(work) -> Path:
    folder = write_docs(work / "faults", ["ivp_zuidrand.txt", "brief_raad_cyber.txt"])
    (folder / "haengt_bijlage.txt").write_text(DOCS["memo_woninginbraak.txt"], encoding="utf-8")
    (folder / "crash_notulen.txt").write_text(DOCS["regionaal_beleidsplan.txt"], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_runs(work, corpus, fault_corpus, hooks):
    """--workers 1, --workers 2 and the fault run, started together (they share nothing)."""
    outs = {"w1": work / "out_w1", "w2": work / "out_w2", "faults": work / "out_faults"}
    procs = {
        # IVP_PROGRESS=1 forces the bar although stderr is a pipe here (rich then prints its final state).
        "w1": start("run", str(corpus), "--out", str(outs["w1"]), "--workers", "1", out=outs["w1"],
                    env_extra={"IVP_PROGRESS": "1"}),
        "w2": start("run", str(corpus), "--out", str(outs["w2"]), "--workers", "2", out=outs["w2"]),
        "faults": start("run", str(fault_corpus), "--out", str(outs["faults"]), "--timeout", "5",
                        out=outs["faults"], hooks=hooks),
    }
    done = {}
    for name, proc in procs.items():
        clock = time.perf_counter()
        done[name] = (outs[name], finish(proc), time.perf_counter() - clock)
    return done


# --- failure isolation ----------------------------------------------------------------


def test_hanging_document_times_out_into_a_failed_row(local_runs):
    out, done, _ = local_runs["faults"]
    assert done.returncode == 0, done.stderr[-3000:]
    docs = documents(out)
    assert docs.loc["haengt_bijlage.txt", "status"] == "failed"
    assert "timed out after 5 s" in docs.loc["haengt_bijlage.txt", "error"]
    assert "haengt_bijlage.txt" in done.stdout  # the summary names it


def test_crashing_worker_fails_one_document_and_the_others_are_extracted(local_runs):
    out, done, _ = local_runs["faults"]
    assert done.returncode == 0, done.stderr[-3000:]
    docs = documents(out)
    assert docs.loc["crash_notulen.txt", "status"] == "failed"
    assert "crashed (exit code 3)" in docs.loc["crash_notulen.txt", "error"]
    assert docs.loc[["ivp_zuidrand.txt", "brief_raad_cyber.txt"], "status"].tolist() == ["ok", "ok"]
    assert len(pd.read_parquet(out / "themes.parquet").query("doc_id in @docs.doc_id")) > 0
    con = duckdb.connect(str(out / "ivp.duckdb"), read_only=True)
    retryable = dict(con.execute("SELECT source_path, retryable FROM manifest").fetchall())
    con.close()
    assert all(retryable[str(fault_path)] for fault_path in docs.query("status == 'failed'").source_path)
    assert_consistent(out)


# --- progress and summary -------------------------------------------------------------


def test_progress_bar_counts_every_document_and_stays_off_without_a_terminal(local_runs, dask_run):
    _, done1, _ = local_runs["w1"]
    _, done2, _ = local_runs["w2"]
    assert re.search(rf"extracting .* {len(DOCS)}/{len(DOCS)}", done1.stderr), done1.stderr[-2000:]
    assert "extracting" not in done2.stderr  # stdout/stderr are pipes: no bar
    # On Dask the documents are counted as their batches come back.
    assert re.search(rf"extracting .* {len(DOCS)}/{len(DOCS)}", dask_run[1].stderr), dask_run[1].stderr[-2000:]


def test_run_summary_is_a_prefect_markdown_artifact(local_runs):
    out, done, _ = local_runs["w1"]
    db = out.parent / f".prefect-{out.name}" / "prefect.db"
    con = sqlite3.connect(str(db))
    try:
        rows = con.execute("SELECT type, data FROM artifact WHERE key = 'ivp-run-summary'").fetchall()
    finally:
        con.close()
    assert len(rows) == 1 and rows[0][0] == "markdown"
    assert f"| new | {len(DOCS)} |" in rows[0][1] and f"| status ok | {len(DOCS)} |" in rows[0][1]
    assert f"{len(DOCS)} new, 0 changed, 0 unchanged, 0 removed; {len(DOCS)} ok" in done.stdout


# --- parallelism ----------------------------------------------------------------------


def test_two_workers_give_the_same_tables_as_one(local_runs):
    out1, done1, _ = local_runs["w1"]
    out2, done2, _ = local_runs["w2"]
    assert done1.returncode == 0, done1.stderr[-3000:]
    assert done2.returncode == 0, done2.stderr[-3000:]
    one, two = assert_consistent(out1), assert_consistent(out2)
    assert len(one["documents"]) == len(DOCS) and set(one["documents"].status) == {"ok"}
    assert len(one["theme_mentions"]) > 0
    for name in TABLE_RECORDS:
        pd.testing.assert_frame_equal(one[name], two[name], obj=name)


@pytest.fixture(scope="module")
def dask_run(work, corpus, local_runs):
    distributed = pytest.importorskip("distributed")
    out = work / "out_dask"
    # Spawned Dask workers take this process's sys.path: put the snapshot first for them.
    sys.path.insert(0, str(SRC))
    try:
        cluster = distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                           dashboard_address=None)
    finally:
        sys.path.remove(str(SRC))
    with cluster:
        with distributed.Client(cluster) as client:
            client.run(_record_stderr)
        done = finish(start("run", str(corpus), "--out", str(out), "--dask-address", cluster.scheduler_address,
                            out=out, env_extra={"IVP_PROGRESS": "1"}))
        time.sleep(LATE_LOG_SECONDS)
        with distributed.Client(cluster) as client:
            # A temporary server started inside a worker lives on as its child until the worker exits.
            servers = client.run(_serves_prefect)
            worker_stderr = client.run(_recorded_stderr)
    return out, done, servers, worker_stderr


#: Prefect's log and event services on a worker send in the background, every few seconds
LATE_LOG_SECONDS = 8


class _Tee:
    def __init__(self, stream):
        self.stream, self.seen = stream, []

    def write(self, text):
        self.seen.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _record_stderr() -> None:
    sys.stderr = _Tee(sys.stderr)


def _recorded_stderr() -> str:
    return "".join(getattr(sys.stderr, "seen", ["(not recorded)"]))


def _serves_prefect() -> bool:
    import psutil

    return any("uvicorn" in " ".join(c.cmdline()) for c in psutil.Process().children(recursive=True))


def test_dask_runner_gives_the_same_tables_as_the_local_runner(dask_run, local_runs):
    out, done, _, _ = dask_run
    assert done.returncode == 0, done.stderr[-3000:]
    local = assert_consistent(local_runs["w1"][0])
    remote = assert_consistent(out)
    for name in TABLE_RECORDS:
        pd.testing.assert_frame_equal(local[name], remote[name], obj=name)
    assert "4 new" in done.stdout


def test_dask_workers_report_to_the_runs_one_prefect_server(dask_run):
    """Ephemeral mode would start a temporary server in every Dask worker; ivp starts one and shares it."""
    out, done, servers, _ = dask_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(servers) == 2 and not any(servers.values()), servers


def test_dask_workers_send_their_last_logs_before_the_runs_server_stops(dask_run):
    """The run's temporary server outlives what the workers still queue for it: no lost logs or events."""
    _, done, _, worker_stderr = dask_run
    assert done.returncode == 0, done.stderr[-3000:]
    for worker, text in worker_stderr.items():
        assert "(not recorded)" not in text, worker
        assert "Error logging to API" not in text and "EventsWorker' failed" not in text, f"{worker}: {text[-2000:]}"


# --- crash safety and locking ---------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _extracting(pid: int) -> bool:
    import psutil

    for pid_ in _descendants(pid):
        try:
            if "spawn_main" in " ".join(psutil.Process(pid_).cmdline()):
                return True
        except psutil.NoSuchProcess:
            continue
    return False


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _holds_lock(out: Path) -> bool:
    lock = out / ".ivp.lock"
    if not lock.exists():
        return False
    with open(lock) as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


@pytest.fixture(scope="module")
def killed_run(work, local_runs):
    """A copy of the --workers 1 output, then a run on a second folder killed -9 mid-extraction.

    The second folder holds the same documents plus a changed one, so the run has real work
    and replaces rows of doc_ids that already exist.
    """
    base_out = local_runs["w1"][0]
    out = work / "out_kill"
    shutil.copytree(base_out, out)
    folder = write_docs(work / "kill_corpus")
    (folder / "memo_woninginbraak.txt").write_text(DOCS["memo_woninginbraak.txt"] + "\nBijlage: cijfers 2024.\n",
                                                   encoding="utf-8")
    before = snapshot(out)
    proc = start("run", str(folder), "--out", str(out), out=out)
    leftovers: dict[int, str] = {}
    try:
        _wait_for(lambda: _holds_lock(out), 120, "the run to take the lock")
        second = ivp("run", str(folder), "--out", str(out), out=out, timeout=120)
        _wait_for(lambda: _extracting(proc.pid) or proc.poll() is not None, 600, "extraction to start")
        assert proc.poll() is None, "the run finished before it could be killed"
        time.sleep(1.0)
        leftovers = _commands(_descendants(proc.pid))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        yield out, folder, before, second, leftovers
    finally:
        for pid in leftovers:  # the killed run's Prefect server and workers are orphans now
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def _commands(pids: list[int]) -> dict[int, str]:
    import psutil

    commands = {}
    for pid in pids:
        try:
            commands[pid] = " ".join(psutil.Process(pid).cmdline())
        except psutil.NoSuchProcess:
            pass
    return commands


def _running(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_kill_9_ends_the_runs_prefect_server_and_workers(killed_run):
    """Nothing the killed run started outlives it: no orphaned uvicorn (~220 MB) per killed nightly run."""
    _, _, _, _, leftovers = killed_run
    assert any("uvicorn" in c for c in leftovers.values()), f"no Prefect server among {leftovers}"
    assert any("spawn_main" in c for c in leftovers.values()), f"no extraction worker among {leftovers}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_running(pid) for pid in leftovers):
        time.sleep(0.2)
    alive = {pid: c for pid, c in leftovers.items() if _running(pid)}
    assert not alive, f"still running 30 s after kill -9 of ivp run: {alive}"


def test_second_run_on_the_same_output_refuses_with_exit_code_3(killed_run):
    _, _, _, second, _ = killed_run
    assert second.returncode == 3, second.stderr
    assert "is in use by pid" in second.stderr and "--wait" in second.stderr


def test_kill_9_leaves_the_previous_tables_readable_and_unchanged(killed_run):
    out, _, before, _, _ = killed_run
    after = assert_consistent(out)
    for name in TABLE_RECORDS:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def test_rerun_after_kill_completes_and_a_waiting_run_follows(killed_run):
    out, folder, before, _, _ = killed_run
    rerun = start("run", str(folder), "--out", str(out), out=out)
    try:
        _wait_for(lambda: _holds_lock(out) or rerun.poll() is not None, 120, "the rerun to take the lock")
        waiting = start("run", str(folder), "--out", str(out), "--wait", out=out)
        done = finish(rerun)
        waited = finish(waiting)
    finally:
        for proc in (rerun,):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{len(DOCS)} new" in done.stdout, done.stdout
    tables = assert_consistent(out)
    docs = tables["documents"]
    assert len(docs) == len(DOCS) + 1  # the changed memo has new bytes; the old memo stays for its old path
    assert set(docs.status) == {"ok"}
    assert waited.returncode == 0, waited.stderr[-3000:]
    assert f"0 new, 0 changed, {len(DOCS)} unchanged" in waited.stdout, waited.stdout


# --- removed files --------------------------------------------------------------------


def test_removed_file_is_flagged_and_prune_drops_its_rows(work, corpus, local_runs):
    out = work / "out_removed"
    shutil.copytree(local_runs["w1"][0], out)
    folder = corpus
    # The corpus is shared with other tests: hide one file from these runs with .ivpignore
    # (the planner then sees it as gone) rather than deleting it.
    (folder / ".ivpignore").write_text("brief_raad_cyber.txt\n")
    try:
        flagged = ivp("run", str(folder), "--out", str(out), out=out, timeout=300)
        assert flagged.returncode == 0, flagged.stderr[-3000:]
        assert "1 removed" in flagged.stdout
        docs = documents(out)
        gone = docs.loc["brief_raad_cyber.txt"]
        assert gone.status == "removed" and "--prune" in gone.error
        con = duckdb.connect(str(out / "ivp.duckdb"), read_only=True)
        assert con.execute("SELECT removed FROM manifest WHERE source_path LIKE '%brief_raad_cyber.txt'"
                           ).fetchone() == (True,)
        assert con.execute("SELECT count(*) FROM themes WHERE doc_id = ?", [gone.doc_id]).fetchone()[0] > 0
        con.close()

        pruned = ivp("run", str(folder), "--out", str(out), "--prune", out=out, timeout=300)
        assert pruned.returncode == 0, pruned.stderr[-3000:]
    finally:
        (folder / ".ivpignore").unlink()
    tables = assert_consistent(out)
    for name in TABLE_RECORDS:
        assert gone.doc_id not in set(tables[name].doc_id), name
    assert "brief_raad_cyber.txt" not in documents(out).index


# --- ivp serve ------------------------------------------------------------------------


SERVE_PATIENCE = 180  # seconds; beyond this the machine is too busy to judge the scheduler


def test_serve_registers_the_cron_schedule_runs_and_stops_its_server(work):
    """`ivp serve` with a cron and --run-now: the run writes the tables, SIGTERM stops the server it started."""
    import httpx

    folder = write_docs(work / "serve_corpus", ["brief_raad_cyber.txt"])
    out = work / "out_serve"
    proc = start("serve", str(folder), "--out", str(out), "--cron", "0 2 * * *", "--timezone", "Europe/Amsterdam",
                 "--run-now", out=out, env_extra={"PREFECT_RUNNER_POLL_FREQUENCY": "2"})
    try:
        clock = time.monotonic()
        while not (out / "documents.parquet").exists():
            if proc.poll() is not None:
                pytest.fail(f"ivp serve exited with {proc.returncode}: {proc.stderr.read()[-3000:]}")
            if time.monotonic() - clock > SERVE_PATIENCE:
                pytest.skip(f"ivp serve produced no tables within {SERVE_PATIENCE} s (Prefect server start plus "
                            "one run); the machine is too busy to judge the scheduler")
            time.sleep(1)
        docs = documents(out)
        assert docs.loc["brief_raad_cyber.txt", "status"] == "ok"
        import psutil

        servers = [c for c in psutil.Process(proc.pid).children(recursive=True)
                   if "server" in c.cmdline() and "start" in c.cmdline()]
        assert len(servers) == 1, "ivp serve starts one `prefect server start` when PREFECT_API_URL is not set"
        port = servers[0].cmdline()[servers[0].cmdline().index("--port") + 1]
        deployments = httpx.post(f"http://127.0.0.1:{port}/api/deployments/filter", json={}, timeout=30).json()
        schedules = [s["schedule"] for d in deployments for s in d["schedules"]]
        assert {"cron": "0 2 * * *", "timezone": "Europe/Amsterdam"}.items() <= schedules[0].items()
        assert deployments[0]["paused"] is False
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            stdout, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, _ = proc.communicate()
    assert "starting `prefect server start`" in stdout and "stopped the Prefect server" in stdout
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)


def test_two_runs_starting_servers_on_one_fresh_prefect_home_both_get_one(tmp_path, monkeypatch):
    """Two runs at once with the same new PREFECT_HOME (two nightly jobs, one user): the second
    server starts when the first has migrated the database, instead of both migrating it and
    failing at start over and over."""
    from pipeline import prefect_env

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    first, second = prefect_env.TemporaryServer().launch(), prefect_env.TemporaryServer().launch()
    try:
        assert first.process is not None and second.process is None, "the second spawned while the first starts"
        first.wait_ready(240)
        second.wait_ready(240)
        import httpx

        for server in (first, second):
            assert httpx.get(f"{server.api_url}/health", timeout=10).status_code == 200
        assert (first.spawns, second.spawns) == (1, 1)
    finally:
        first.stop()
        second.stop()


def test_a_new_prefect_home_starts_from_the_database_migrated_before(tmp_path, monkeypatch):
    """The first server on this machine migrates its new database and keeps an empty copy; the
    next new PREFECT_HOME (a new --out folder) starts from that copy instead of migrating again."""
    from pipeline import prefect_env

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    for name in ("first-home", "second-home"):
        monkeypatch.setenv("PREFECT_HOME", str(tmp_path / name))
        server = prefect_env.TemporaryServer().launch()
        try:
            if name == "second-home":  # copied in before the server started, not migrated by it
                assert (tmp_path / name / "prefect.db").exists()
            server.wait_ready(240)
            assert prefect_env.template_file().exists()
        finally:
            server.stop()
    with sqlite3.connect(prefect_env.template_file()) as template:
        assert template.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
        assert template.execute("SELECT count(*) FROM flow_run").fetchone() == (0,)


def test_a_verbose_run_sends_its_last_log_lines_before_its_server_stops(work, corpus):
    out = work / "out_verbose"
    done = finish(start("run", str(corpus / "ivp_zuidrand.txt"), "--out", str(out), "-v", out=out))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Finished in state Completed" in done.stderr
    assert "Error logging to API" not in done.stderr, done.stderr[-2000:]
