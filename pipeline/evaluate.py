"""`ivp eval GOLD_DIR --docs DOCS_DIR`: score extraction against gold annotations.

Runs the extractors directly (no Prefect: evaluation must be quick and
deterministic) on the documents the gold files name, and prints precision,
recall and F1 per field, per document and overall (micro-averaged: the counts
of all documents are summed before dividing).

The scoring functions are public so that benchmark scripts can score any
predictions, as dataclass records or as plain dicts (rows of the output tables).
The gold schema is described in samples/gold/README.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

#: field name -> one-line description, in display order
FIELDS: dict[str, str] = {
    "themes": "every theme (label, id or a mention surface in gold `accept`)",
    "themes_prioritized": "themes the issuer prioritizes",
    "priority_items": "items of priority lists (text, whitespace/case/trailing punctuation ignored)",
    "priority_ranks": "items of ranked lists at the right rank",
    "deadlines": "deadlines: date at gold precision + sentence overlaps evidence",
    "deadlines_strict": "deadlines as above, and the same precision and year_inferred flag",
    "doc_type": "document type",
    "issuer": "issuer",
    "region": "region",
    "doc_date": "document date",
    "period": "plan period (first and last year)",
    "typos": "gold misspellings resolved to the theme they mean (all gold typos)",
    "typos_themes": "the same, only gold typos of theme words (what theme matching can reach)",
}


# ---------------------------------------------------------------- scores

@dataclass
class Score:
    """Counts of one field; `misses`/`false_positives` say which ones, for debugging."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> Optional[float]:
        if self.tp == 0:
            # nothing right: 0 when there was something to get right or something claimed
            return 0.0 if self.fp or self.fn else None
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r)

    @property
    def empty(self) -> bool:
        """Nothing in gold and nothing predicted: the field says nothing about this document."""
        return not (self.tp or self.fp or self.fn)

    def __add__(self, other: "Score") -> "Score":
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn,
                     self.misses + other.misses, self.false_positives + other.false_positives)

    def as_dict(self, details: bool = True) -> dict:
        out = {"tp": self.tp, "fp": self.fp, "fn": self.fn,
               "precision": _round(self.precision), "recall": _round(self.recall), "f1": _round(self.f1)}
        if details:
            out["misses"] = list(self.misses)
            out["false_positives"] = list(self.false_positives)
        return out


def _round(x: Optional[float]) -> Optional[float]:
    return None if x is None else round(x, 4)


# ---------------------------------------------------------------- normalisation

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u00b4`"} | {ord(c): '"' for c in "\u201c\u201d\u201e"}
_LIST_MARKER = re.compile(r"^\s*(?:[-\u2022\u25cf\u25aa\u25e6*\u2013\u2014o]\s+|\(?\d{1,2}[.)]\s*|\(?[a-z][.)]\s+)")
_TRAILING_PUNCT = re.compile(r"[\s.,;:!?\u2026]+$")
_WORD = re.compile(r"\w+", re.UNICODE)


def collapse(text: Optional[str]) -> str:
    """Whitespace runs to one space, typographic dashes and quotes to ASCII (PDF text varies in both)."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text)).translate(_DASHES).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def norm_item(text: Optional[str]) -> str:
    """Priority item / theme string: collapsed, case-folded, list marker and trailing punctuation dropped.

    A hyphen between two lower-case letters is dropped on both sides: gold keeps
    words split at a PDF line end verbatim ("vreemde-lingenketen") while the
    cleaner joins them; a suspended hyphen ("drugs- en") is followed by a space
    and a new word, and is kept.
    """
    text = collapse(text).casefold()
    text = _LIST_MARKER.sub("", text, count=1)
    text = re.sub(r"(?<=[a-z\u00e0-\u00ff])-(?=[a-z\u00e0-\u00ff])", "", text)
    return _TRAILING_PUNCT.sub("", text).strip()


def norm_theme(text: Optional[str]) -> str:
    """Theme label, slug or surface: ids use '_' or '-' between words, labels use spaces."""
    text = norm_item(text)
    if text and " " not in text and "_" in text:
        text = text.replace("_", " ")
    return text


def norm_loose(text: Optional[str]) -> str:
    """Metadata strings: case and punctuation do not count, only the words."""
    return " ".join(_WORD.findall(collapse(text).casefold().replace("_", " ")))


def tokens(text: Optional[str]) -> list[str]:
    return _WORD.findall(collapse(text).casefold())


def get(row: Any, name: str, default: Any = None) -> Any:
    """Field of a dataclass record or a dict row (table rows from pandas come as dicts)."""
    if isinstance(row, dict):
        value = row.get(name, default)
    else:
        value = getattr(row, name, default)
    try:  # pandas NA/NaN in table rows mean "no value"
        if value is not None and value != value:
            return default
    except (TypeError, ValueError):
        pass
    return value


# ---------------------------------------------------------------- matching

def _max_matching(n_gold: int, n_pred: int, ok: Callable[[int, int], bool]) -> dict[int, int]:
    """Maximum bipartite matching gold -> pred (Kuhn); each prediction serves at most one gold item.

    Greedy matching would let an early, loosely matching gold item take the
    prediction a later gold item needed; sizes are tiny, so do it properly.
    """
    edges = [[j for j in range(n_pred) if ok(i, j)] for i in range(n_gold)]
    owner: dict[int, int] = {}  # pred -> gold

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(n_gold):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _multiset_score(pred: Sequence[str], gold: Sequence[str], show_pred: Sequence[str] | None = None,
                    show_gold: Sequence[str] | None = None) -> Score:
    """Exact matches of normalized strings, counting duplicates (a list may name an item twice)."""
    show_pred = show_pred if show_pred is not None else pred
    show_gold = show_gold if show_gold is not None else gold
    pairs = _max_matching(len(gold), len(pred), lambda i, j: gold[i] == pred[j])
    used = set(pairs.values())
    return Score(tp=len(pairs), fp=len(pred) - len(used), fn=len(gold) - len(pairs),
                 misses=[show_gold[i] for i in range(len(gold)) if i not in pairs],
                 false_positives=[show_pred[j] for j in range(len(pred)) if j not in used])


# ---------------------------------------------------------------- themes

def _mentions_by_theme(mentions: Iterable[Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in mentions or ():
        out.setdefault(get(m, "theme_id"), set()).add(norm_theme(get(m, "surface")))
    return out


def theme_keys(theme: Any, surfaces: dict[str, set[str]]) -> set[str]:
    """Every string by which a predicted theme can be recognised in gold `accept`."""
    tid = get(theme, "theme_id")
    keys = {norm_theme(get(theme, "theme_label")), norm_theme(tid)} | surfaces.get(tid, set())
    keys.discard("")
    return keys


def score_themes(pred_themes: Iterable[Any], pred_mentions: Iterable[Any], gold_themes: Sequence[dict],
                 prioritized_only: bool = False) -> Score:
    """A gold theme is found when a predicted theme's label, id or one of its mention surfaces is in `accept`.

    Precision counts the predicted themes that match some gold theme of the
    document (with `prioritized_only`, some prioritized gold theme).
    """
    surfaces = _mentions_by_theme(pred_mentions)
    preds = [t for t in pred_themes or () if not prioritized_only or bool(get(t, "prioritized"))]
    golds = [g for g in gold_themes or () if not prioritized_only or g.get("prioritized")]
    accepts = [{norm_theme(a) for a in g.get("accept", [])} | {norm_theme(g["label"])} for g in golds]
    pred_keys = [theme_keys(t, surfaces) for t in preds]
    score = Score()
    for g, acc in zip(golds, accepts):
        if any(keys & acc for keys in pred_keys):
            score.tp += 1
        else:
            score.fn += 1
            score.misses.append(g["label"])
    for t, keys in zip(preds, pred_keys):
        if not any(keys & acc for acc in accepts):
            score.fp += 1
            score.false_positives.append(str(get(t, "theme_id")))
    return score


# ---------------------------------------------------------------- priorities

def score_priority_items(pred_items: Iterable[Any], gold_lists: Sequence[dict]) -> Score:
    """Items of every priority list, compared as normalized text, wherever the list is."""
    preds = [get(p, "item_text", "") for p in pred_items or ()]
    golds = [item for lst in gold_lists or () for item in lst.get("items", [])]
    return _multiset_score([norm_item(p) for p in preds], [norm_item(g) for g in golds], preds, golds)


def score_priority_ranks(pred_items: Iterable[Any], gold_lists: Sequence[dict]) -> Score:
    """Items of ranked lists: the text and the rank must both agree; unranked predictions don't count."""
    preds = [p for p in pred_items or () if get(p, "ranked") and get(p, "rank") is not None]
    golds = [(item, pos) for lst in gold_lists or () if lst.get("ranked")
             for pos, item in enumerate(lst.get("items", []), start=1)]
    return _multiset_score([f"{int(get(p, 'rank'))}. {norm_item(get(p, 'item_text'))}" for p in preds],
                           [f"{pos}. {norm_item(item)}" for item, pos in golds],
                           [f"{int(get(p, 'rank'))}. {get(p, 'item_text')}" for p in preds],
                           [f"{pos}. {item}" for item, pos in golds])


# ---------------------------------------------------------------- deadlines

def _as_date(value: Any) -> Optional[dt.date]:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def dates_agree(pred: Any, gold: Any, precision: str) -> bool:
    """The two dates name the same day/month/quarter/half/year, at the gold's precision."""
    p, g = _as_date(pred), _as_date(gold)
    if p is None or g is None:
        return False
    if precision == "day":
        return p == g
    if p.year != g.year:
        return False
    if precision == "month":
        return p.month == g.month
    if precision == "quarter":
        return (p.month - 1) // 3 == (g.month - 1) // 3
    if precision == "half":
        return (p.month - 1) // 6 == (g.month - 1) // 6
    return True  # year


def evidence_overlaps(sentence: Optional[str], evidence: Optional[str], min_overlap: float = 0.5) -> bool:
    """The predicted sentence is the gold evidence's sentence, allowing for different sentence splits.

    True when one contains the other (after collapsing whitespace, case-folded)
    or when at least `min_overlap` of the evidence's words occur in the sentence.
    """
    s, e = collapse(sentence).casefold(), collapse(evidence).casefold()
    if not s or not e:
        return False
    if e in s or s in e:
        return True
    e_tokens = set(tokens(e))
    return bool(e_tokens) and len(e_tokens & set(tokens(s))) / len(e_tokens) >= min_overlap


def score_deadlines(pred_rows: Iterable[Any], gold_rows: Sequence[dict], strict: bool = False) -> Score:
    """One-to-one matching of gold deadlines to predicted ones.

    A pair matches when the dates agree at the gold precision and the predicted
    sentence overlaps the gold evidence. `strict` also asks for the same
    precision and the same `year_inferred` flag.
    """
    preds = list(pred_rows or ())
    golds = list(gold_rows or ())

    def ok(i: int, j: int) -> bool:
        g, p = golds[i], preds[j]
        if not dates_agree(get(p, "date"), g["date"], g.get("precision", "day")):
            return False
        if not evidence_overlaps(get(p, "sentence"), g.get("evidence")):
            return False
        if strict:
            return (get(p, "precision") == g.get("precision", "day")
                    and bool(get(p, "year_inferred", False)) == bool(g.get("year_inferred", False)))
        return True

    pairs = _max_matching(len(golds), len(preds), ok)
    used = set(pairs.values())
    return Score(tp=len(pairs), fp=len(preds) - len(used), fn=len(golds) - len(pairs),
                 misses=[f"{golds[i]['date']} ({golds[i].get('precision')}): {collapse(golds[i].get('evidence'))[:90]}"
                         for i in range(len(golds)) if i not in pairs],
                 false_positives=[f"{get(preds[j], 'date')} ({get(preds[j], 'precision')}): "
                                  f"{collapse(get(preds[j], 'date_text') or get(preds[j], 'sentence'))[:90]}"
                                  for j in range(len(preds)) if j not in used])


# ---------------------------------------------------------------- scalar fields

def score_value(pred: Any, gold: Any, normalize: Callable[[Any], Any] = norm_loose) -> Score:
    """One value per document: right (tp), wrong (fp + fn), missing (fn), or an answer where gold has none (fp)."""
    g = normalize(gold) if gold not in (None, "", []) else None
    p = normalize(pred) if pred not in (None, "", []) else None
    g = g or None
    p = p or None
    if g is None and p is None:
        return Score()
    if g is not None and p is not None and _same_value(p, g):
        return Score(tp=1)
    return Score(fp=int(p is not None), fn=int(g is not None),
                 misses=[str(gold)] if g is not None else [],
                 false_positives=[str(pred)] if p is not None else [])


def _same_value(p: Any, g: Any) -> bool:
    if p == g:
        return True
    # a region written as a list ("Dronten, Noordoostpolder, Urk") may come in another order
    return isinstance(p, str) and isinstance(g, str) and sorted(p.split()) == sorted(g.split())


def norm_date(value: Any) -> Optional[str]:
    d = _as_date(value)
    return d.isoformat() if d else None


def norm_period(value: Any) -> Optional[tuple[int, int]]:
    if not value:
        return None
    try:
        start, end = value
        return (int(start), int(end)) if start is not None and end is not None else None
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- typos

def _means_matches(means: str, theme_strings: set[str]) -> bool:
    m = norm_theme(means)
    if not m:
        return False
    for s in theme_strings:
        # the typo may name only the first part of a label ("Verkeersoverlast" for "Verkeersoverlast en -veiligheid")
        if s == m or s.startswith(m + " ") or s.startswith(m + "-"):
            return True
    return False


def score_typos(pred_mentions: Iterable[Any], pred_themes: Iterable[Any], gold_typos: Sequence[dict],
                gold_themes: Sequence[dict] = (), not_false: Iterable[str] = (),
                noise_words: Iterable[str] = ()) -> Score:
    """A gold typo is found when a mention with that surface (or a fuzzy mention holding it as words)
    resolves to a theme whose label/id is `means`.

    Precision counts fuzzy mentions: one is a false positive when its surface is
    neither a gold typo nor an `accept` string of the document (a correction
    nobody asked for). Most gold typos are ordinary words that no theme
    vocabulary covers, so recall here is an upper bound that only theme
    misspellings can reach. `not_false`: more surfaces that are real typos
    (scoring a subset of the gold typos must not punish the others).
    `noise_words`: words a noisy rendering garbled on purpose; correcting a
    mention that contains one is right, though no gold typo lists it.
    """
    mentions = list(pred_mentions or ())
    themes = {get(t, "theme_id"): t for t in pred_themes or ()}

    def strings_of(theme_id: str) -> set[str]:
        t = themes.get(theme_id)
        out = {norm_theme(theme_id)}
        if t is not None:
            out.add(norm_theme(get(t, "theme_label")))
        for m in mentions:
            if get(m, "theme_id") == theme_id and get(m, "term"):
                out.add(norm_theme(get(m, "term")))
        out.discard("")
        return out

    score = Score()
    typo_surfaces = {norm_theme(t["surface"]) for t in gold_typos or ()} | {norm_theme(x) for x in not_false}
    noise = {w for text in noise_words for w in tokens(text)}
    def holds(mention: Any, surface: str) -> bool:
        # a typo inside a longer fuzzy mention ("Ondermyning in het buitengebied") is corrected by it
        found = norm_theme(get(mention, "surface"))
        return found == surface or (get(mention, "match_kind") == "fuzzy" and f" {surface} " in f" {found} ")

    for typo in gold_typos or ():
        surface = norm_theme(typo["surface"])
        hit = any(holds(m, surface) and _means_matches(typo["means"], strings_of(get(m, "theme_id")))
                  for m in mentions)
        if hit:
            score.tp += 1
        else:
            score.fn += 1
            score.misses.append(f"{typo['surface']} -> {typo['means']}")
    accepted = {norm_theme(a) for g in gold_themes or () for a in g.get("accept", [])}
    seen: set[str] = set()
    for m in mentions:
        if get(m, "match_kind") != "fuzzy":
            continue
        surface = norm_theme(get(m, "surface"))
        if surface in seen or surface in accepted or any(holds(m, t) for t in typo_surfaces):
            continue
        if noise and noise & set(tokens(surface)):
            continue
        seen.add(surface)
        score.fp += 1
        score.false_positives.append(f"{get(m, 'surface')} -> {get(m, 'theme_id')}")
    return score


# ---------------------------------------------------------------- one document

def score_extraction(extraction: Any, gold: dict, noise_words: Iterable[str] = ()) -> dict[str, Score]:
    """Every field of one document. `extraction` is an `Extraction` (or anything with its attributes);
    `noise_words`: see `score_typos`."""
    noise_words = list(noise_words)
    doc = extraction.document
    themes = list(extraction.themes)
    mentions = list(extraction.theme_mentions)
    items = list(extraction.priorities)
    deadlines = list(extraction.deadlines)
    period = (get(doc, "period_start"), get(doc, "period_end"))
    return {
        "themes": score_themes(themes, mentions, gold.get("themes", [])),
        "themes_prioritized": score_themes(themes, mentions, gold.get("themes", []), prioritized_only=True),
        "priority_items": score_priority_items(items, gold.get("priority_lists", [])),
        "priority_ranks": score_priority_ranks(items, gold.get("priority_lists", [])),
        "deadlines": score_deadlines(deadlines, gold.get("deadlines", [])),
        "deadlines_strict": score_deadlines(deadlines, gold.get("deadlines", []), strict=True),
        "doc_type": score_value(get(doc, "doc_type"), gold.get("doc_type")),
        "issuer": score_value(get(doc, "issuer"), gold.get("issuer")),
        "region": score_value(get(doc, "region"), gold.get("region")),
        "doc_date": score_value(get(doc, "doc_date"), gold.get("doc_date"), norm_date),
        "period": score_value(period if None not in period else None, gold.get("period"), norm_period),
        "typos": score_typos(mentions, themes, gold.get("typos", []), gold.get("themes", []),
                             noise_words=noise_words),
        "typos_themes": score_typos(mentions, themes, theme_typos(gold), gold.get("themes", []),
                                    not_false=[t["surface"] for t in gold.get("typos", [])], noise_words=noise_words),
    }


def theme_typos(gold: dict) -> list[dict]:
    """Gold typos whose intended word is (the start of) a gold theme label or accept string."""
    strings = {norm_theme(s) for g in gold.get("themes", []) for s in [g["label"], *g.get("accept", [])]}
    return [t for t in gold.get("typos", []) if _means_matches(t["means"], strings)]


# ---------------------------------------------------------------- gold files and documents

def load_gold(gold_dir: Path) -> list[tuple[Path, dict]]:
    """Every gold file (`*.json` with a `doc` key) in a folder, or one file."""
    gold_dir = Path(gold_dir)
    files = [gold_dir] if gold_dir.is_file() else sorted(gold_dir.glob("*.json"))
    out = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable gold file ({exc})") from None
        if isinstance(data, dict) and data.get("doc"):
            out.append((path, data))
    return out


def find_document(docs_dir: Path, name: str, suffix: Optional[str] = None) -> Optional[Path]:
    """The gold `doc` in DOCS_DIR (directly or in a subfolder), or its rendering with another suffix."""
    wanted = Path(name).name
    if suffix:
        wanted = Path(wanted).stem + (suffix if suffix.startswith(".") else "." + suffix)
    direct = Path(docs_dir) / wanted
    if direct.is_file():
        return direct
    found = sorted(p for p in Path(docs_dir).rglob(wanted) if p.is_file())
    return found[0] if found else None


def noise_sidecar(path: Optional[Path]) -> list[str]:
    """Words a rendering garbled on purpose, from `<rendering>.json` next to it when there is one
    (a list of {"original", "noisy"}, as scripts/render_samples.py writes for its OCR-noisy copies)."""
    if path is None:
        return []
    path = Path(path)
    sidecar = path.with_suffix(".json")
    if sidecar == path or not sidecar.is_file():
        return []
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [str(e["noisy"]) for e in data if isinstance(e, dict) and e.get("noisy")]


def evaluate(pairs: Sequence[tuple[dict, Any]], noise: Optional[Sequence[Sequence[str]]] = None) -> dict:
    """Score (gold, extraction-or-None) pairs; None means the document was not found: all of gold is missed.
    `noise`: per pair, the words its rendering garbled on purpose (see `score_typos`)."""
    per_doc = []
    totals = {f: Score() for f in FIELDS}
    for n, (gold, extraction) in enumerate(pairs):
        if extraction is None:
            extraction = _EmptyExtraction()
        scores = score_extraction(extraction, gold, noise[n] if noise else ())
        for f in FIELDS:
            totals[f] = totals[f] + scores[f]
        doc = extraction.document
        per_doc.append({
            "doc": gold["doc"],
            "path": get(doc, "source_path"),
            "status": get(doc, "status", "missing"),
            "error": get(doc, "error"),
            "predicted": {"doc_type": get(doc, "doc_type"), "issuer": get(doc, "issuer"),
                          "region": get(doc, "region"), "doc_date": get(doc, "doc_date"),
                          "period": [get(doc, "period_start"), get(doc, "period_end")]},
            "gold": {k: gold.get(k) for k in ("doc_type", "issuer", "region", "doc_date", "period")},
            "scores": {f: scores[f].as_dict() for f in FIELDS},
        })
    return {"overall": {f: totals[f].as_dict(details=False) for f in FIELDS}, "documents": per_doc,
            "fields": FIELDS}


class _EmptyDoc:
    status = "missing"
    error = "document not found"
    source_path = None


class _EmptyExtraction:
    document = _EmptyDoc()
    themes: list = []
    theme_mentions: list = []
    priorities: list = []
    deadlines: list = []


# ---------------------------------------------------------------- terminal output

def _pct(x: Optional[float]) -> str:
    return "   -" if x is None else f"{x:4.2f}"


def _table(header: list[str], rows: list[list[str]], align: str) -> str:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]

    def fmt(row: list[str]) -> str:
        return "  ".join(str(c).ljust(w) if a == "l" else str(c).rjust(w) for c, w, a in zip(row, widths, align))

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows])


def format_report(report: dict, details: bool = False) -> str:
    out = []
    rows = []
    for f in FIELDS:
        s = report["overall"][f]
        rows.append([f, _pct(s["precision"]), _pct(s["recall"]), _pct(s["f1"]),
                     str(s["tp"]), str(s["fp"]), str(s["fn"])])
    out.append(f"Overall ({len(report['documents'])} documents, micro-averaged)")
    out.append(_table(["field", "P", "R", "F1", "tp", "fp", "fn"], rows, "lrrrrrr"))

    short = {d["doc"]: Path(d["doc"]).stem[:12] for d in report["documents"]}
    out.append("")
    out.append("Per document: F1 (P/R), '-' where neither gold nor prediction has anything")
    header = ["field"] + [short[d["doc"]] for d in report["documents"]]
    rows = [["(status)"] + [d["status"] for d in report["documents"]]]
    for f in FIELDS:
        row = [f]
        for d in report["documents"]:
            s = d["scores"][f]
            if not (s["tp"] or s["fp"] or s["fn"]):
                row.append("-")
            else:
                row.append(f"{_pct(s['f1']).strip()} ({_pct(s['precision']).strip()}/{_pct(s['recall']).strip()})")
        rows.append(row)
    out.append(_table(header, rows, "l" + "r" * len(report["documents"])))

    out.append("")
    out.append("Metadata: predicted vs gold")
    rows = []
    for d in report["documents"]:
        for key in ("doc_type", "issuer", "region", "doc_date", "period"):
            ok = d["scores"][key]["tp"] == 1
            rows.append([short[d["doc"]], key, "ok" if ok else "--", _clip(d["predicted"][key]), _clip(d["gold"][key])])
    out.append(_table(["doc", "field", "", "predicted", "gold"], rows, "lllll"))

    if details:
        for d in report["documents"]:
            out.append("")
            out.append(f"== {d['doc']}")
            for f in FIELDS:
                s = d["scores"][f]
                for label, items in (("missed", s.get("misses", [])), ("false", s.get("false_positives", []))):
                    for item in items:
                        out.append(f"  {f:<18} {label:<6} {_clip(item, 110)}")

    problems = [d for d in report["documents"] if d["status"] != "ok"]
    if problems:
        out.append("")
        for d in problems:
            out.append(f"! {d['doc']}: status {d['status']}: {d['error'] or ''}")
    return "\n".join(out)


def _clip(value: Any, width: int = 48) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


# ---------------------------------------------------------------- CLI

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gold_dir", metavar="GOLD_DIR", type=Path,
                        help="folder of gold JSON files (or one file); each names its document in `doc`")
    parser.add_argument("--docs", required=True, type=Path, metavar="DOCS_DIR",
                        help="folder holding the documents the gold files name")
    parser.add_argument("--suffix", default=None,
                        help="evaluate another rendering of each document: same stem, this suffix (e.g. .pdf)")
    parser.add_argument("--json", action="store_true", help="print the full report (with misses) as JSON")
    parser.add_argument("--details", action="store_true",
                        help="also list, per document and field, what was missed and what was wrongly found")
    parser.add_argument("--out", type=Path, default=None, help="also write the full JSON report to this file")


class EvalError(ValueError):
    """Nothing to evaluate; `code` is the exit code."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def evaluate_folder(gold_dir: Path, docs_dir: Path, suffix: Optional[str] = None,
                    warn: Callable[[str], None] = lambda message: None) -> dict:
    """Extract the documents the gold files name (no Prefect) and score them: the report `ivp eval` prints.

    For benchmark scripts; raises EvalError when there is nothing to evaluate.
    """
    golds = load_gold(gold_dir)
    if not golds:
        raise EvalError(f"no gold files (*.json with a 'doc' key) in {gold_dir}", 2)
    located = [(gold, find_document(docs_dir, gold["doc"], suffix)) for _, gold in golds]
    for gold, path in located:
        if path is None:
            warn(f"{gold['doc']}{' (as ' + suffix + ')' if suffix else ''} not found in {docs_dir}; "
                 "all its gold items count as missed")
    paths = [p for _, p in located if p is not None]
    if not paths:
        raise EvalError(f"none of the gold documents is in {docs_dir}", 1)

    from extractors.extract import extract_paths  # heavy (spaCy); only when actually evaluating

    # extract_paths yields exactly one Extraction per path, in order (a failed read is a row, not a gap)
    extracted = iter(list(extract_paths(paths)))
    pairs = [(gold, next(extracted) if p is not None else None) for gold, p in located]
    report = evaluate(pairs, noise=[noise_sidecar(p) for _, p in located])
    report.update(gold_dir=str(gold_dir), docs_dir=str(docs_dir), suffix=suffix)
    return report


def run(args: argparse.Namespace) -> int:
    try:
        report = evaluate_folder(args.gold_dir, args.docs, args.suffix,
                                 warn=lambda message: print(f"ivp eval: {message}", file=sys.stderr))
    except EvalError as exc:
        print(f"ivp eval: {exc}", file=sys.stderr)
        return exc.code
    except ValueError as exc:  # an unreadable gold file
        print(f"ivp eval: {exc}", file=sys.stderr)
        return 2
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report, details=getattr(args, "details", False)))
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="ivp eval", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
