"""`ivp run` end to end through the real Prefect flow: tables, bad input, reruns.

One flow run for the module (Prefect's temporary server costs ~10-20 s to start),
then reruns that must not start Prefect at all.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from extractors.records import TABLE_RECORDS, columns
from extractors import ocr
from tests.pdfmaker import image_only_pdf, text_pdf

pytestmark = pytest.mark.flow

ROOT = Path(__file__).resolve().parent.parent
GOOD_TEXT = """Integraal Veiligheidsplan Gemeente Voorbeeld 2025-2028

Datum: 12 maart 2025

Thema 1: Ondermijning
De gemeente pakt ondermijning aan samen met het RIEC.

Thema 2: Jeugd en veiligheid
Uiterlijk eind 2025 ligt er een plan van aanpak jeugdoverlast.
"""


def ivp(*args: str, env_extra: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    (folder / "plan.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "brief.pdf").write_bytes(text_pdf([["Geachte raadsleden,", "Thema: Cybercrime en digitale veiligheid.",
                                                  "De evaluatie volgt medio juni 2026 in de raad.",
                                                  "Met vriendelijke groet, de burgemeester"]]))
    (folder / "kapot.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00rubbish" * 50)
    (folder / "leeg.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(image_only_pdf(2))
    (folder / "foto.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "notes.xyz").write_text("not a document")
    (folder / "README.md").write_text("# about this folder\n")
    try:
        import pypdf

        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(text_pdf([["Vertrouwelijk"]]))))
        writer.encrypt(user_password="x", owner_password="y")
        with open(folder / "geheim.pdf", "wb") as fh:
            writer.write(fh)
    except ImportError:
        pass
    return folder


@pytest.fixture(scope="module")
def first_run(archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    done = ivp("run", str(archive), str(archive / "notes.xyz"), "--out", str(out),
               env_extra={"PREFECT_HOME": str(out / ".prefect")})
    return out, done


def table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / f"{name}.parquet")


def test_run_writes_every_contract_table_in_three_forms(first_run):
    out, done = first_run
    assert done.returncode == 0, done.stderr[-3000:]
    con = duckdb.connect(str(out / "ivp.duckdb"), read_only=True)
    for name, record in TABLE_RECORDS.items():
        assert (out / f"{name}.csv").exists() and (out / f"{name}.parquet").exists()
        assert set(columns(record)) <= set(table(out, name).columns), name
        assert set(columns(record)) <= set(pd.read_csv(out / f"{name}.csv", nrows=0).columns), name
        con.execute(f"SELECT * FROM {name}").fetchall()
    assert {"run_id", "started_at", "finished_at", "n_new", "n_changed", "n_unchanged", "n_failed"} <= set(
        table(out, "runs").columns)


def test_each_bad_input_is_one_row_with_status_and_advice(first_run):
    out, done = first_run
    docs = table(out, "documents").set_index(table(out, "documents").source_path.map(lambda p: Path(p).name))
    scan_status = "empty" if ocr.availability()[0] else "needs_ocr"  # scan.pdf's pages are blank
    expected = {"plan.txt": "ok", "brief.pdf": "ok", "kapot.pdf": "failed", "leeg.txt": "empty",
                "scan.pdf": scan_status, "foto.txt": "failed", "notes.xyz": "failed"}
    if (Path(docs.source_path.iloc[0]).parent / "geheim.pdf").exists():
        expected["geheim.pdf"] = "failed"
    assert docs.status.to_dict() == expected
    assert "encrypted" in docs.error.get("geheim.pdf", "encrypted")
    assert "damaged" in docs.error["kapot.pdf"]
    assert "binary" in docs.error["foto.txt"]
    assert "unsupported" in docs.error["notes.xyz"]
    assert "ocr" in docs.error["scan.pdf"].lower()
    assert "README.md" not in docs.index  # folder sidecars are not documents
    assert "failed" in done.stdout and scan_status in done.stdout


def test_good_documents_have_provenance(first_run):
    out, _ = first_run
    mentions = table(out, "theme_mentions")
    docs = table(out, "documents")
    assert docs.set_index("status").loc["ok"].shape[0] == 2
    assert len(mentions) > 0  # plan.txt names ondermijning; every mention points into its page
    con = duckdb.connect(str(out / "ivp.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM theme_mentions WHERE page < 1 OR char_end <= char_start").fetchone()[0] == 0


def test_rerun_with_nothing_changed_skips_prefect_and_duplicates_nothing(first_run, archive, tmp_path):
    out, _ = first_run
    before = {name: len(table(out, name)) for name in TABLE_RECORDS}
    # a `prefect` that refuses to be imported, first on the path: a run with nothing to do must not need it
    refusing = tmp_path / "no_prefect" / "prefect"
    refusing.mkdir(parents=True)
    (refusing / "__init__.py").write_text('raise ImportError("a run with nothing to do imported Prefect")\n')
    path = os.pathsep.join(filter(None, [str(refusing.parent), os.environ.get("PYTHONPATH")]))
    done = ivp("run", str(archive), str(archive / "notes.xyz"), "--out", str(out),
               env_extra={"PREFECT_HOME": str(out / ".prefect"), "PYTHONPATH": path})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "0 new, 0 changed, 8 unchanged" in done.stdout
    assert "ivp run" in done.stdout
    after = {name: len(table(out, name)) for name in TABLE_RECORDS}
    assert after == before
    runs = table(out, "runs")
    assert len(runs) == 2


def test_changed_file_replaces_its_rows(first_run, archive):
    out, _ = first_run
    old_id = table(out, "documents").query("source_path.str.endswith('plan.txt')").doc_id.item()
    (archive / "plan.txt").write_text(GOOD_TEXT + "\nThema 3: Cybercrime\n", encoding="utf-8")
    done = ivp("run", str(archive / "plan.txt"), "--out", str(out), env_extra={"PREFECT_HOME": str(out / ".prefect")})
    assert done.returncode == 0, done.stderr[-2000:]
    docs = table(out, "documents")
    assert old_id not in set(docs.doc_id)
    assert docs.source_path.str.endswith("plan.txt").sum() == 1
    for name in TABLE_RECORDS:
        assert old_id not in set(table(out, name).doc_id), name


def test_nothing_readable_exits_non_zero(tmp_path):
    (tmp_path / "leeg.txt").write_bytes(b"")
    done = ivp("run", str(tmp_path / "leeg.txt"), "--out", str(tmp_path / "out"),
               env_extra={"PREFECT_HOME": str(tmp_path / ".prefect")})
    assert done.returncode == 1
    assert "no document could be read" in done.stderr


def test_missing_input_is_a_usage_error(tmp_path):
    done = ivp("run", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr


def test_help_teaches():
    done = ivp("--help")
    assert done.returncode == 0
    assert "ivp run samples/" in done.stdout and "IVP_SPACY_MODEL" in done.stdout
    done = ivp("run", "--help")
    assert "--workers" in done.stdout and "--full" in done.stdout


# --- memory of the `ivp run` process tree -------------------------------------------------


PARENT_PROBE = """
import sys
from pathlib import Path
import pipeline.cli, pipeline.run, pipeline.flow, pipeline.workers as workers, pipeline.prefect_env
from extractors.failed import failed_extraction
row = failed_extraction(Path(sys.argv[1]), "failed", "timed out", retryable=True)
assert pipeline.flow._pool_size(2) == 2
heavy = [m for m in ("spacy", "distributed", "prefect.server.api.server") if m in sys.modules]
print(",".join(heavy) or "none")
"""


def test_the_run_process_imports_neither_spacy_nor_dask_nor_the_prefect_server(tmp_path):
    """The parent only schedules and writes; spaCy lives in the workers, the API in its own process."""
    memo = tmp_path / "memo.txt"
    memo.write_text("Memo aan de raad over cameratoezicht.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", PARENT_PROBE, str(memo)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "none"


RELEASE_PROBE = """
import sys
from pipeline import workers
libc = workers._libc()
if libc is None:
    print("skip"); sys.exit(0)
if sys.argv[1] == "on":
    workers._release_freed_memory_to_os(libc)
blocks = [bytearray(300_000) for _ in range(4)]   # the first large frees raise glibc's threshold ...
del blocks
base = workers.rss_mb()
big, pins = [], []
for _ in range(600):                               # ... so a later batch of large arrays lands in the heap,
    big.append(bytearray(300_000))
    pins.append(bytearray(1024))                   # interleaved with small blocks that outlive it
del big
print(round(workers.rss_mb() - base))
"""


def test_workers_hand_large_freed_blocks_back_to_the_system():
    """One big spaCy batch must not stay in a worker's RSS for the rest of the run."""
    def grown(mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", RELEASE_PROBE, mode], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    on = grown("on")
    if on == "skip":
        pytest.skip("not glibc")
    assert int(on) < 40, f"{on} MB of 180 MB freed still resident"
    off = int(grown("off"))
    if off <= 120:
        # seen once in a full test run: glibc's dynamic threshold did not rise, so there is nothing to undo
        pytest.skip(f"this run's glibc kept only {off} MB without the setting; the probe shows no difference")


def test_a_worker_over_its_memory_limit_is_replaced_and_results_do_not_change(tmp_path):
    from extractors.extract import extract_path
    from pipeline import workers

    names = ["plan.txt", "brief.txt"]
    (tmp_path / "plan.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "brief.txt").write_text("Geachte raad,\n\nDatum: 2 februari 2026\n\nVoor 1 juli 2026 ontvangt u de "
                                        "evaluatie van het cameratoezicht in het uitgaansgebied.\n", encoding="utf-8")
    worker = workers.ExtractionWorker(max_rss=1.0)  # every worker is too big: each document gets a fresh one
    try:
        got = [worker.extract(str(tmp_path / n), timeout=120) for n in names]
    finally:
        worker.stop()
    assert worker.recycled == 2 and worker.last_rss_mb > 50
    for name, ex in zip(names, got):
        assert ex.document.status == "ok", ex.document.error
        # extractor_version hashes the checkout, which may be edited while the test runs
        assert _without_version(ex.tables()) == _without_version(extract_path(tmp_path / name).tables())


def _without_version(tables: dict) -> dict:
    return {t: [{k: v for k, v in row.items() if k != "extractor_version"} for row in rows]
            for t, rows in tables.items()}
