"""Quality gate: the acceptance targets of the extraction, scored against gold with `ivp eval`'s scorer.

The seeds carry the targets the product was specified with (themes, dates, structure issues); the
held-out documents in samples/heldout were written apart from the seeds, so a rule that only fits the
seeds shows here; the blind documents in samples/blind keep the level measured on them. A failure
names the field and its figures: read `ivp eval ... --details` next.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import evaluate_folder

ROOT = Path(__file__).resolve().parent.parent
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
