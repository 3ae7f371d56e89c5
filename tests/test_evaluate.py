"""Scoring against gold: hand-made predictions with known right answers, and `ivp eval` end to end."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from extractors.records import Deadline, DocumentRecord, Extraction, PriorityItem, Theme, ThemeMention
from pipeline import evaluate as ev

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "samples" / "gold"
TEXT_DIR = ROOT / "samples" / "text"

# A gold file of our own (not a seed), in the schema of samples/gold.
GOLD = {
    "doc": "ivp_zuiderhaven.txt",
    "doc_type": "beleidsplan",
    "issuer": "Gemeente Zuiderhaven",
    "region": "Zeeland-West-Brabant",
    "doc_date": "2024-02-12",
    "period": [2024, 2027],
    "themes": [
        {"label": "Ondermijning", "accept": ["ondermijning", "ondermijnende criminaliteit", "ondermjining"],
         "prioritized": True, "parent": None},
        {"label": "Drugscriminaliteit", "accept": ["drugscriminaliteit", "drugshandel"],
         "prioritized": True, "parent": "Ondermijning"},
        {"label": "Woninginbraken", "accept": ["woninginbraken", "woninginbraak"],
         "prioritized": False, "parent": None},
    ],
    "priority_lists": [
        {"name": "Prioriteiten 2024-2027", "ranked": False,
         "items": ["Ondermijning", "Jeugd en veiligheid", "Veiligheidsbeleving"]},
        {"name": "Top 3 van de inwonerspeiling", "ranked": True,
         "items": ["Woninginbraken", "Verkeersveiligheid", "Overlast jongeren"]},
    ],
    "deadlines": [
        {"date": "2024-06-30", "precision": "month",
         "evidence": "Het uitvoeringsprogramma ligt eind juni 2024 ter besluitvorming voor."},
        {"date": "2025-12-31", "precision": "year",
         "evidence": "In 2025 is het aantal woninginbraken met 10% gedaald."},
        {"date": "2024-10-31", "precision": "half", "year_inferred": True,
         "evidence": "In het najaar volgt een tussenevaluatie door de driehoek."},
    ],
    "typos": [
        {"surface": "Ondermjining", "means": "Ondermijning"},
        {"surface": "veiligheidsbelevng", "means": "veiligheidsbeleving"},
    ],
}


def mention(theme_id, surface, kind="exact", term=""):
    return ThemeMention(doc_id="d", theme_id=theme_id, surface=surface, match_kind=kind, score=100.0,
                        page=1, char_start=0, char_end=len(surface), sentence=surface, term=term)


def theme(theme_id, label, prioritized=False):
    return Theme(doc_id="d", theme_id=theme_id, theme_label=label, parent_theme_id=None, vng_field=None,
                 prioritized=prioritized, rank=None, mentions=1, first_page=1)


def deadline(date, precision, sentence, year_inferred=False):
    return Deadline(doc_id="d", date=date, precision=precision, timex=date[:4], mod=None, date_text=date,
                    cue=None, what=None, theme_id=None, page=1, char_start=0, char_end=1, sentence=sentence,
                    year_inferred=year_inferred)


def item(text, ranked=False, rank=None):
    return PriorityItem(doc_id="d", list_title="", ranked=ranked, rank=rank, item_text=text, theme_id=None, page=1)


def perfect_extraction(gold: dict) -> Extraction:
    """What a flawless extractor would return for a gold file."""
    start, end = gold.get("period") or (None, None)
    doc = DocumentRecord(doc_id="d", source_path=gold["doc"], sha256="x", doc_type=gold.get("doc_type"),
                         issuer=gold.get("issuer"), region=gold.get("region"), doc_date=gold.get("doc_date"),
                         period_start=start, period_end=end)
    themes = [theme(f"t{i}", g["label"], g["prioritized"]) for i, g in enumerate(gold["themes"])]
    # typos resolve to a theme named by what they mean; not in `themes`, so theme precision is unaffected
    mentions = [mention(f"typo{i}", t["surface"], "fuzzy", term=t["means"]) for i, t in enumerate(gold["typos"])]
    items = [item(text, lst["ranked"], pos if lst["ranked"] else None)
             for lst in gold["priority_lists"] for pos, text in enumerate(lst["items"], start=1)]
    deadlines = [deadline(d["date"], d["precision"], d["evidence"], d.get("year_inferred", False))
                 for d in gold["deadlines"]]
    return Extraction(document=doc, themes=themes, theme_mentions=mentions, priorities=items, deadlines=deadlines)


# ---------------------------------------------------------------- perfect and empty

@pytest.mark.parametrize("gold", [GOLD] + [json.loads(p.read_text(encoding="utf-8"))
                                           for p in sorted(GOLD_DIR.glob("*.json"))],
                         ids=lambda g: g["doc"])
def test_perfect_prediction_scores_one_everywhere(gold):
    scores = ev.score_extraction(perfect_extraction(gold), gold)
    for name, score in scores.items():
        if score.empty:
            continue
        assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0), (name, score)


def test_nothing_predicted_is_zero_recall_and_undefined_precision():
    empty = Extraction(document=DocumentRecord(doc_id="d", source_path="x", sha256="x"))
    scores = ev.score_extraction(empty, GOLD)
    assert scores["themes"].recall == 0.0 and scores["themes"].precision is None
    assert scores["themes"].f1 == 0.0
    assert scores["deadlines"].fn == 3
    assert scores["priority_ranks"].fn == 3


# ---------------------------------------------------------------- deadlines

def test_wrong_month_at_month_precision_is_a_miss_but_another_day_in_that_month_is_not():
    gold = [GOLD["deadlines"][0]]  # 2024-06, month
    sentence = GOLD["deadlines"][0]["evidence"]
    assert ev.score_deadlines([deadline("2024-07-31", "month", sentence)], gold).tp == 0
    assert ev.score_deadlines([deadline("2024-06-01", "month", sentence)], gold).tp == 1
    # at year precision only the year counts
    year_gold = [GOLD["deadlines"][1]]
    assert ev.score_deadlines([deadline("2025-01-01", "year", year_gold[0]["evidence"])], year_gold).tp == 1
    assert ev.score_deadlines([deadline("2026-12-31", "year", year_gold[0]["evidence"])], year_gold).tp == 0


def test_half_and_quarter_precision():
    assert ev.dates_agree("2024-06-30", "2024-10-31", "half") is False
    assert ev.dates_agree("2024-09-30", "2024-10-31", "half") is True
    assert ev.dates_agree("2024-12-31", "2024-10-31", "half") is True
    assert ev.dates_agree("2024-04-30", "2024-10-31", "half") is False
    assert ev.dates_agree("2024-08-15", "2024-09-30", "quarter") is True
    assert ev.dates_agree("2024-10-01", "2024-09-30", "quarter") is False


def test_right_date_in_the_wrong_sentence_is_a_miss():
    gold = [GOLD["deadlines"][0]]
    other = "Op 30 juni 2024 vindt de jaarlijkse veiligheidsmarkt plaats in het centrum."
    s = ev.score_deadlines([deadline("2024-06-30", "month", other)], gold)
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)


def test_sentence_overlap_allows_other_sentence_splits_and_whitespace():
    evidence = "Het uitvoeringsprogramma ligt eind juni 2024 ter besluitvorming voor."
    assert ev.evidence_overlaps("Daarna: het  uitvoeringsprogramma ligt eind\njuni 2024 ter besluitvorming voor. Zie bijlage.",
                                evidence)
    assert ev.evidence_overlaps("eind juni 2024", evidence)  # sentence inside the evidence
    # a split that kept most words but not the exact string
    assert ev.evidence_overlaps("Uitvoeringsprogramma: eind juni 2024 besluitvorming", evidence)
    assert not ev.evidence_overlaps("De raad besluit in juni over de begroting.", evidence)


def test_precision_and_recall_are_asymmetric():
    gold = GOLD["deadlines"]
    preds = [deadline("2024-06-30", "month", gold[0]["evidence"]),
             deadline("2030-01-01", "year", "Het beleid loopt tot 2030."),
             deadline("2031-01-01", "year", "Daarna volgt een nieuw plan in 2031.")]
    s = ev.score_deadlines(preds, gold)
    assert (s.tp, s.fp, s.fn) == (1, 2, 2)
    assert s.precision == pytest.approx(1 / 3) and s.recall == pytest.approx(1 / 3)
    s = ev.score_deadlines(preds[:1], gold)
    assert s.precision == 1.0 and s.recall == pytest.approx(1 / 3)


def test_a_prediction_matches_at_most_one_gold_deadline():
    sentence = "Het plan is op 1 mei 2024 gereed en op 1 mei 2024 vastgesteld."
    gold = [{"date": "2024-05-01", "precision": "day", "evidence": "op 1 mei 2024 gereed"},
            {"date": "2024-05-01", "precision": "day", "evidence": "op 1 mei 2024 vastgesteld"}]
    s = ev.score_deadlines([deadline("2024-05-01", "day", sentence)], gold)
    assert (s.tp, s.fp, s.fn) == (1, 0, 1)
    s = ev.score_deadlines([deadline("2024-05-01", "day", sentence)] * 2, gold)
    assert (s.tp, s.fp, s.fn) == (2, 0, 0)


def test_matching_is_optimal_not_greedy():
    # gold 0 could take either prediction; gold 1 only the first. Greedy would give 1 match.
    gold = [{"date": "2024-12-31", "precision": "year", "evidence": "in 2024 klaar"},
            {"date": "2024-03-01", "precision": "day", "evidence": "op 1 maart 2024 klaar"}]
    preds = [deadline("2024-03-01", "day", "Het is op 1 maart 2024 klaar, en in 2024 klaar."),
             deadline("2024-12-31", "year", "in 2024 klaar")]
    assert ev.score_deadlines(preds, gold).tp == 2


def test_strict_deadlines_also_want_precision_and_year_inferred():
    g = GOLD["deadlines"][2]  # najaar, year inferred
    loose = deadline("2024-10-31", "month", g["evidence"], year_inferred=True)
    assert ev.score_deadlines([loose], [g]).tp == 1
    assert ev.score_deadlines([loose], [g], strict=True).tp == 0
    assert ev.score_deadlines([deadline("2024-10-31", "half", g["evidence"], True)], [g], strict=True).tp == 1
    assert ev.score_deadlines([deadline("2024-10-31", "half", g["evidence"], False)], [g], strict=True).tp == 0


def test_deadline_rows_as_dicts_with_timestamps():
    import pandas as pd

    rows = [{"date": pd.Timestamp("2024-06-30"), "precision": "month",
             "sentence": GOLD["deadlines"][0]["evidence"], "year_inferred": float("nan")}]
    assert ev.score_deadlines(rows, GOLD["deadlines"][:1]).tp == 1


# ---------------------------------------------------------------- themes

def test_theme_found_by_mention_surface_label_or_id():
    gold = GOLD["themes"]
    by_surface = [theme("georg_crim", "Georganiseerde criminaliteit", True)]
    mentions = [mention("georg_crim", "Ondermijnende  Criminaliteit")]
    s = ev.score_themes(by_surface, mentions, gold)
    assert (s.tp, s.fp, s.fn) == (1, 0, 2)
    assert ev.score_themes([theme("woninginbraken", "Inbraak")], [], gold).tp == 1  # by id
    assert ev.score_themes([theme("x", "Drugscriminaliteit")], [], gold).tp == 1  # by label
    s = ev.score_themes([theme("verkeer", "Verkeersveiligheid")], [], gold)
    assert (s.tp, s.fp) == (0, 1)


def test_prioritized_themes_count_only_prioritized_on_both_sides():
    gold = GOLD["themes"]
    preds = [theme("ondermijning", "Ondermijning", True), theme("woninginbraken", "Woninginbraken", True),
             theme("drugscriminaliteit", "Drugscriminaliteit", False)]
    s = ev.score_themes(preds, [], gold, prioritized_only=True)
    # woninginbraken is not prioritized in gold: a false positive; drugs was missed as a priority
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert ev.score_themes(preds, [], gold).f1 == 1.0


# ---------------------------------------------------------------- priorities

def test_priority_items_ignore_whitespace_case_markers_and_trailing_punctuation():
    gold = GOLD["priority_lists"]
    preds = [item("1. ONDERMIJNING;"), item("Jeugd  en\nveiligheid."), item("- veiligheidsbeleving"),
             item("Woninginbraken"), item("Verkeers veiligheid")]
    s = ev.score_priority_items(preds, gold)
    assert (s.tp, s.fp, s.fn) == (4, 1, 2)
    assert s.false_positives == ["Verkeers veiligheid"]


def test_words_split_at_a_line_end_match_their_joined_form():
    gold = [{"name": "x", "ranked": False, "items": ["Aanpak van de vreemde-lingenketen",
                                                      "Drugs- en alcoholoverlast"]}]
    assert ev.score_priority_items([item("Aanpak van de vreemdelingenketen")], gold).tp == 1
    # a suspended hyphen is a real one: dropping it changes the item
    assert ev.score_priority_items([item("Drugs en alcoholoverlast")], gold).tp == 0
    assert ev.score_priority_items([item("Drugs- en alcoholoverlast")], gold).tp == 1


def test_ranks_must_agree():
    gold = GOLD["priority_lists"]
    right = [item("Woninginbraken", True, 1), item("Verkeersveiligheid", True, 2), item("Overlast jongeren", True, 3)]
    assert ev.score_priority_ranks(right, gold).f1 == 1.0
    swapped = [item("Woninginbraken", True, 2), item("Verkeersveiligheid", True, 1), item("Overlast jongeren", True, 3)]
    s = ev.score_priority_ranks(swapped, gold)
    assert (s.tp, s.fp, s.fn) == (1, 2, 2)
    # an unranked list is not a ranking claim
    assert ev.score_priority_ranks([item("Woninginbraken")], gold).fp == 0


# ---------------------------------------------------------------- metadata and typos

def test_values_are_lenient_on_case_and_punctuation_only():
    assert ev.score_value("dronten; noordoostpolder; urk", "Dronten, Noordoostpolder, Urk").tp == 1
    assert ev.score_value("Urk, Dronten, Noordoostpolder", "Dronten, Noordoostpolder, Urk").tp == 1
    assert ev.score_value("Oost Nederland", "Oost-Nederland").tp == 1
    s = ev.score_value("Noord-Nederland", "Oost-Nederland")
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)
    s = ev.score_value(None, "Oost-Nederland")
    assert (s.tp, s.fp, s.fn) == (0, 0, 1)
    assert ev.score_value("2024-02-12", "2024-02-12", ev.norm_date).tp == 1
    assert ev.score_value("2024-02-13", "2024-02-12", ev.norm_date).tp == 0
    assert ev.score_value((2024, 2027), [2024, 2027], ev.norm_period).tp == 1
    assert ev.score_value((2024, 2028), [2024, 2027], ev.norm_period).tp == 0


def test_typo_found_only_when_resolved_to_the_meant_theme():
    gold_typos, gold_themes = GOLD["typos"], GOLD["themes"]
    good = [mention("ondermijning", "Ondermjining", "fuzzy", "ondermijning")]
    themes = [theme("ondermijning", "Ondermijning", True)]
    s = ev.score_typos(good, themes, gold_typos, gold_themes)
    assert (s.tp, s.fn) == (1, 1)
    wrong = [mention("mensenhandel", "Ondermjining", "fuzzy", "mensenhandel")]
    assert ev.score_typos(wrong, [theme("mensenhandel", "Mensenhandel")], gold_typos, gold_themes).tp == 0
    # a fuzzy "correction" of a word nobody misspelled is a false positive
    spurious = [mention("geweld", "gewelf", "fuzzy", "geweld")]
    assert ev.score_typos(spurious, [theme("geweld", "Geweld")], gold_typos, gold_themes).fp == 1
    # a typo inside a longer fuzzy mention is corrected by it, and that mention is no false correction
    inside = [mention("ondermijning", "Ondermjining in het buitengebied", "fuzzy", "ondermijning")]
    s = ev.score_typos(inside, themes, gold_typos, gold_themes)
    assert (s.tp, s.fp) == (1, 0)
    # ... but only a fuzzy one, and only as whole words
    assert ev.score_typos([mention("ondermijning", "Ondermjining in het buitengebied", "exact", "ondermijning")],
                          themes, gold_typos, gold_themes).tp == 0
    assert ev.score_typos([mention("ondermijning", "Ondermjiningen", "fuzzy", "ondermijning")],
                          themes, gold_typos, gold_themes).tp == 0
    # theme typos: only the misspelling of a theme word counts there
    assert [t["surface"] for t in ev.theme_typos(GOLD)] == ["Ondermjining"]


def test_correcting_deliberate_noise_is_not_a_false_typo(tmp_path):
    mentions = [mention("veiligheidsbeleving", "veiligheidsbeleving", "exact"),
                mention("geweld", "huiselijk gewe1d", "fuzzy", "huiselijk geweld")]
    themes = [theme("geweld", "Huiselijk geweld")]
    assert ev.score_typos(mentions, themes, GOLD["typos"], GOLD["themes"]).fp == 1
    assert ev.score_typos(mentions, themes, GOLD["typos"], GOLD["themes"], noise_words=["gewe1d"]).fp == 0
    doc = tmp_path / "plan.noisy.txt"
    doc.write_text("x", encoding="utf-8")
    (tmp_path / "plan.noisy.json").write_text(json.dumps([{"original": "geweld", "noisy": "gewe1d", "kind": "l_1"}]),
                                              encoding="utf-8")
    assert ev.noise_sidecar(doc) == ["gewe1d"]
    assert ev.noise_sidecar(tmp_path / "other.txt") == []


# ---------------------------------------------------------------- documents and CLI

def test_find_document_by_name_and_by_other_rendering(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "plan.txt").write_text("x")
    (tmp_path / "plan.pdf").write_bytes(b"%PDF")
    assert ev.find_document(tmp_path, "plan.txt") == tmp_path / "sub" / "plan.txt"
    assert ev.find_document(tmp_path, "plan.txt", ".pdf") == tmp_path / "plan.pdf"
    assert ev.find_document(tmp_path, "plan.txt", "docx") is None


def test_missing_document_counts_all_gold_as_missed():
    report = ev.evaluate([(GOLD, None)])
    assert report["documents"][0]["status"] == "missing"
    assert report["overall"]["deadlines"]["fn"] == 3
    assert report["overall"]["themes"]["recall"] == 0.0


def parse(argv):
    parser = argparse.ArgumentParser()
    ev.add_arguments(parser)
    return parser.parse_args(argv)


def test_run_end_to_end_on_the_samples(tmp_path, capsys):
    out = tmp_path / "eval.json"
    assert ev.run(parse([str(GOLD_DIR), "--docs", str(TEXT_DIR), "--out", str(out)])) == 0
    printed = capsys.readouterr().out
    for name in ev.FIELDS:
        assert name in printed
    assert "Overall (4 documents" in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["overall"]) == set(ev.FIELDS)
    assert len(report["documents"]) == 4
    for doc in report["documents"]:
        assert doc["status"] == "ok", doc["error"]
        assert set(doc["scores"]) == set(ev.FIELDS)
    for s in report["overall"].values():
        assert s["f1"] is None or 0.0 <= s["f1"] <= 1.0
    # gold totals do not depend on the extractors
    assert report["overall"]["deadlines"]["tp"] + report["overall"]["deadlines"]["fn"] == 32
    assert report["overall"]["themes"]["tp"] + report["overall"]["themes"]["fn"] == 68


def test_unreadable_gold_file_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert ev.run(parse([str(tmp_path), "--docs", str(TEXT_DIR)])) == 2
    assert "broken.json" in capsys.readouterr().err


def test_run_json_and_errors(tmp_path, capsys):
    assert ev.run(parse([str(tmp_path), "--docs", str(TEXT_DIR)])) == 2  # no gold files
    (tmp_path / "g.json").write_text(json.dumps(GOLD), encoding="utf-8")
    assert ev.run(parse([str(tmp_path), "--docs", str(TEXT_DIR)])) == 1  # its document is nowhere
    capsys.readouterr()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / GOLD["doc"]).write_text(
        "Integraal veiligheidsplan Zuiderhaven 2024-2027\n\nDe gemeente kiest voor de aanpak van ondermijning. "
        "Het uitvoeringsprogramma ligt eind juni 2024 ter besluitvorming voor.\n", encoding="utf-8")
    assert ev.run(parse([str(tmp_path / "g.json"), "--docs", str(tmp_path / "docs"), "--json"])) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"][0]["doc"] == GOLD["doc"]
    assert ev.run(parse([str(tmp_path / "g.json"), "--docs", str(tmp_path / "docs"), "--details"])) == 0
    printed = capsys.readouterr().out
    # the second gold deadline is not in the text: it is listed as missed
    assert "deadlines          missed 2025-12-31 (year): In 2025 is het aantal woninginbraken" in printed
