"""Quality gate: the acceptance targets of the extraction, scored against gold.

The seeds carry the targets the product was specified with (themes, dates, structure issues); the
held-out documents in samples/heldout were written apart from the seeds, so a rule that only fits the
seeds shows here; the blind documents in samples/blind keep the level measured on them (both were
written for the project: regression tests). The seeds keep their level on both spaCy tiers. A failure
names the field and its figures: read `ivp eval ... --details` next.

`../shared/corpus` holds real texts: its figures come from the independent scorer
`../shared/tools/score.py`, on both tiers, and may only go up (CORPUS_FLOORS).
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import evaluate_folder

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SCORER = SHARED / "tools" / "score.py"

#: the two spaCy tiers every quality figure is measured on: the model IVP_SPACY_MODEL names (the UD
#: fallback beside the repo), and the blank pipeline every user without nl_core_news_sm gets
TIER_MODELS = {"ud": SHARED / "models" / "nl_ud_small_fallback", "blank": None}
SEED_GOLD, SEED_TEXT, SEED_RENDERED = ROOT / "samples" / "gold", ROOT / "samples" / "text", ROOT / "samples" / "rendered"
HELDOUT = ROOT / "samples" / "heldout"
BLIND = ROOT / "samples" / "blind"

#: field -> (minimum precision, minimum recall); None leaves that side unchecked
SEED_TARGETS = {
    "themes_prioritized": (0.90, 0.95),
    "deadlines": (None, None),  # F1 below
    "priority_items": (0.85, 0.90),
    "priority_ranks": (1.0, 1.0),
    "doc_type": (1.0, 1.0),
    "issuer": (1.0, 1.0),
    "region": (1.0, 1.0),
    "doc_date": (1.0, 1.0),
    "period": (1.0, 1.0),
    "typos_themes": (None, 1.0),
}
DEADLINE_F1 = 0.90

#: held-out documents: the same fields with a margin, metadata allowed one miss in ten
HELDOUT_TARGETS = {
    "themes_prioritized": (0.85, 0.90),
    "priority_items": (0.85, 0.90),
    "doc_type": (0.9, 0.9),
    "issuer": (0.9, 0.9),
    "region": (0.9, 0.9),
    "doc_date": (0.9, 0.9),
    "period": (0.9, 0.9),
}
HELDOUT_DEADLINE_F1 = 0.85

#: the blind documents (samples/blind/README.md): below their figures with a margin, metadata left out
#: (issuer and region there are known weak spots, not yet targets)
BLIND_TARGETS = {
    "themes_prioritized": (0.75, 0.85),
    "priority_items": (0.85, 0.80),
    "doc_type": (0.9, 0.9),
}
BLIND_DEADLINE_F1 = 0.90


def _shortfalls(report: dict, targets: dict, deadline_f1: float) -> list[str]:
    overall = report["overall"]
    problems = []
    for field, (min_p, min_r) in targets.items():
        s = overall[field]
        if s["tp"] + s["fn"] == 0:
            continue  # nothing in gold for this field
        if min_p is not None and (s["precision"] or 0.0) < min_p:
            problems.append(f"{field}: precision {s['precision']} < {min_p} (tp {s['tp']}, fp {s['fp']})")
        if min_r is not None and (s["recall"] or 0.0) < min_r:
            problems.append(f"{field}: recall {s['recall']} < {min_r} (tp {s['tp']}, fn {s['fn']})")
    f1 = overall["deadlines"]["f1"] or 0.0
    if f1 < deadline_f1:
        problems.append(f"deadlines: F1 {f1} < {deadline_f1}")
    return problems


@pytest.mark.parametrize("docs_dir,suffix", [(SEED_TEXT, None), (SEED_RENDERED, ".pdf"),
                                             (SEED_RENDERED, ".noisy.txt")],
                         ids=["text", "pdf", "noisy"])
def test_seeds_meet_the_acceptance_targets(docs_dir, suffix):
    report = evaluate_folder(SEED_GOLD, docs_dir, suffix)
    assert all(d["status"] == "ok" for d in report["documents"])
    assert _shortfalls(report, SEED_TARGETS, DEADLINE_F1) == []


@pytest.mark.skipif(not (HELDOUT / "gold").is_dir(), reason="no held-out documents")
def test_heldout_documents_meet_the_targets_with_a_margin():
    report = evaluate_folder(HELDOUT / "gold", HELDOUT / "text")
    assert len(report["documents"]) >= 4
    assert _shortfalls(report, HELDOUT_TARGETS, HELDOUT_DEADLINE_F1) == []


@pytest.mark.skipif(not (BLIND / "gold").is_dir(), reason="no blind documents")
def test_blind_documents_keep_their_level():
    report = evaluate_folder(BLIND / "gold", BLIND / "text")
    assert len(report["documents"]) >= 5
    assert _shortfalls(report, BLIND_TARGETS, BLIND_DEADLINE_F1) == []


# ---------------------------------------------------------------- the blank tier, in a process of its own

def tier_env(tier: str, out: Path) -> dict:
    """The environment of a process on `tier`: IVP_SPACY_MODEL names the model, or is unset."""
    if TIER_MODELS[tier] is None and importlib.util.find_spec("nl_core_news_sm") is not None:
        pytest.skip("nl_core_news_sm is installed: a process without IVP_SPACY_MODEL does not reach the blank tier")
    env = {k: v for k, v in os.environ.items() if k != "IVP_SPACY_MODEL"}
    if TIER_MODELS[tier] is not None:
        env["IVP_SPACY_MODEL"] = str(TIER_MODELS[tier])
    env["PREFECT_HOME"] = str(out / ".prefect")
    return env


def ivp_on_tier(tier: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=tier_env(tier, out),
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"ivp {' '.join(args)} on the {tier} tier: exit {done.returncode}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.parametrize("docs_dir,suffix", [(SEED_TEXT, None), (SEED_RENDERED, ".pdf"),
                                             (SEED_RENDERED, ".noisy.txt")],
                         ids=["text", "pdf", "noisy"])
def test_seeds_meet_the_acceptance_targets_on_the_blank_tier(docs_dir, suffix, tmp_path):
    report_path = tmp_path / "report.json"
    ivp_on_tier("blank", tmp_path, "eval", str(SEED_GOLD), "--docs", str(docs_dir), "--out", str(report_path),
                *(["--suffix", suffix] if suffix else []))
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert [(d["doc"], d["status"], d["error"]) for d in report["documents"] if d["status"] != "ok"] == []
    assert _shortfalls(report, SEED_TARGETS, DEADLINE_F1) == []


#: what `ivp run samples/` gives each sample that is not `ok`: the image-only scans need OCR (or are
#: read by it when Tesseract is installed)
SAMPLE_STATUSES = {"*_SCAN.pdf": {"needs_ocr", "ok"}}


def test_the_readme_command_reads_every_sample_on_the_blank_tier(tmp_path):
    """`ivp run samples/ --out DIR`, as a new user without nl_core_news_sm runs it."""
    import pandas as pd

    out = tmp_path / "out"
    ivp_on_tier("blank", tmp_path, "run", "samples/", "--out", str(out), "-q")
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) >= 40
    unexpected = []
    for row in docs.itertuples():
        path = Path(row.source_path)
        allowed = next((s for pattern, s in SAMPLE_STATUSES.items() if path.match(pattern)), {"ok"})
        if row.status not in allowed:
            unexpected.append(f"{path.relative_to(ROOT)}: {row.status}: {row.error}")
    assert unexpected == []


# ---------------------------------------------------------------- real texts: ../shared/corpus

#: ../shared/corpus scored by ../shared/tools/score.py: the least each aggregate may reach, per tier, a
#: small margin below the figures main reaches. Raise a floor when a change lifts its figure (leave the
#: margin); never lower one to let a change pass.
CORPUS_FLOORS = {
    # field              ud     blank
    "theme_recall":     (0.90, 0.90),  # themes: 0.932 / 0.983 / 0.949 on both tiers when raised
    "theme_precision":  (0.95, 0.95),
    "priority_f1":      (0.92, 0.92),
    "deadline_f1":      (0.90, 0.90),  # dates: 0.929 / 1.000 / 0.867 on both tiers when raised
    "doc_date_acc":     (0.96, 0.96),
    "period_acc":       (0.83, 0.83),
}
TIERS = ("ud", "blank")


def score_output(out: Path, gold: Path) -> dict:
    """score.py's report ({"aggregate", "per_doc"}) for an output folder, from the scorer itself."""
    spec = importlib.util.spec_from_file_location("ivp_corpus_score", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    argv, sys.argv = sys.argv, [str(SCORER), str(out), str(gold), "--json"]
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            scorer.main()
    finally:
        sys.argv = argv
    return json.loads(printed.getvalue())


@pytest.fixture(scope="session", params=TIERS)
def corpus_run(request, tmp_path_factory):
    """One full `ivp run` of the corpus per tier (~30-60 s), its documents table and score.py's report."""
    if not (CORPUS / "docs").is_dir() or not SCORER.exists():
        pytest.skip(f"no real-text corpus at {CORPUS} (or no scorer at {SCORER}): it lives beside the repo")
    tier = request.param
    if TIER_MODELS[tier] is not None and not TIER_MODELS[tier].exists():
        pytest.skip(f"the {tier} tier's model is not at {TIER_MODELS[tier]}")
    tmp = tmp_path_factory.mktemp(f"corpus-{tier}")
    out = tmp / "out"
    ivp_on_tier(tier, tmp, "run", str(CORPUS / "docs"), "--out", str(out), "--full", "-q")
    import pandas as pd

    return tier, pd.read_parquet(out / "documents.parquet"), score_output(out, CORPUS / "gold")


def test_every_corpus_text_is_extracted(corpus_run):
    tier, docs, report = corpus_run
    assert report["aggregate"]["docs_found"] == report["aggregate"]["docs"]
    assert [f"{Path(r.source_path).name}: {r.error}" for r in docs.itertuples() if r.status != "ok"] == []


@pytest.mark.parametrize("field", CORPUS_FLOORS)
def test_corpus_figures_keep_their_level(corpus_run, field):
    tier, _, report = corpus_run
    floor = CORPUS_FLOORS[field][TIERS.index(tier)]
    figure = report["aggregate"][field]
    assert figure >= floor, f"{tier} tier: {field} {figure:.3f} < {floor} (score.py on {CORPUS})"
