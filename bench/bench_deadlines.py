"""Deadlines, document date and plan period against the gold, beside a dateparser baseline.

    IVP_SPACY_MODEL=../shared/models/nl_ud_small_fallback \
        .venv/bin/python bench/bench_deadlines.py [--gold samples/gold] [--text samples/text] [-v]

Scoring is `pipeline.evaluate` (the same code as `ivp eval`): a gold deadline is
matched one-to-one by a predicted one whose date agrees at the gold precision and
whose sentence overlaps the gold evidence after collapsing whitespace; "strict" also
asks for the same precision and year_inferred flag.

Baseline: `dateparser.search.search_dates(sentence, languages=['nl'])` on every
sentence, each hit a deadline (precision from `DateDataParser.get_date_data`, which
is what dateparser itself says it resolved), relative base = our doc_date so it gets
the same anchor; its doc_date is the first day-precision hit in the document head and
its period the first two distinct years found there (dateparser has no period notion).
A second baseline row, "dateparser + our cues", keeps only hits that our deadline
judgment accepts, to separate the grammar's share from the cue rules'.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.dates import DateExpression  # noqa: E402
from extractors.deadlines import extract_deadlines, judge, page_sentences  # noqa: E402
from extractors.docdates import document_date_and_period  # noqa: E402
from extractors.document import document_from_text  # noqa: E402
from extractors.nlp import parse_pages  # noqa: E402
from extractors.structure import Structure  # noqa: E402
from pipeline.evaluate import Score, norm_date, norm_period, score_deadlines, score_value  # noqa: E402


@dataclass
class Row:
    date: str
    precision: str
    sentence: str
    date_text: str
    year_inferred: bool = False


def _build_doc(path: Path, clean: bool):
    text = path.read_text(encoding="utf-8")
    doc = document_from_text(text, doc_id=path.stem, source_path=str(path))
    if clean:
        try:
            from extractors.clean import clean_document
            doc = clean_document(doc)
        except ImportError:
            pass
    parse_pages(doc.pages)
    return doc


def ours(doc):
    doc_date, start, end = document_date_and_period(doc)
    rows = extract_deadlines(doc, doc_date, (start, end), Structure(), [])
    return doc_date, (start, end), rows


_PERIOD = {"day": "day", "week": "day", "month": "month", "year": "year", "time": "day"}


def baseline(doc, anchor, with_cues: bool):
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": dt.datetime.combine(anchor, dt.time())} if anchor else {}
    ddp = DateDataParser(languages=["nl"], settings=settings or None)
    rows, seen = [], set()
    head_hits = []
    for page in doc.pages:
        for s, e, sentence in page_sentences(page):  # the same sentence cuts as ours
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                hits = search_dates(page.text[s:e], languages=["nl"], settings=settings or None) or []
            for surface, when in hits:
                info = ddp.get_date_data(surface)
                precision = _PERIOD.get(getattr(info, "period", None) or "day", "day")
                if page.number == 1 and s < 2500:
                    head_hits.append((precision, when))
                if with_cues:
                    pos = page.text.find(surface, s)
                    if pos < 0:
                        continue
                    expr = DateExpression(pos, pos + len(surface), surface, when.date().isoformat(), precision,
                                          when.date().isoformat(), None, start=when.date().isoformat(),
                                          end=when.date().isoformat(), kind=precision)
                    ok, _, _ = judge(expr, page.text, " ".join(sentence.split()), anchor)
                    if not ok:
                        continue
                key = (when.date(), " ".join(sentence.split()))
                if key in seen:
                    continue
                seen.add(key)
                rows.append(Row(when.date().isoformat(), precision, " ".join(sentence.split()), surface))
    b_date = next((w.date() for p, w in head_hits if p == "day"), None)
    years = []
    for _, w in head_hits:
        if w.year not in years:
            years.append(w.year)
    b_period = (min(years[:2]), max(years[:2])) if len(years) >= 2 else (None, None)
    return b_date, b_period, rows


def normalisation(gold_dir: Path) -> dict:
    """Grammar against grammar: is the gold date among the dates found in its evidence?

    Ours must also give the gold precision; dateparser has only days, so its date must be
    the gold's representative day. No cue rules involved.
    """
    from extractors.dates import find_dates
    from dateparser.search import search_dates

    out = {"ours": [0, 0, []], "dateparser": [0, 0, []]}
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        anchor = dt.date.fromisoformat(gold["doc_date"]) if gold.get("doc_date") else None
        settings = {"RELATIVE_BASE": dt.datetime.combine(anchor, dt.time())} if anchor else None
        for g in gold.get("deadlines", []):
            ev = " ".join(g["evidence"].split())
            ours_found = [(e.date, e.precision) for e in find_dates(ev, anchor)]
            ok = (g["date"], g["precision"]) in ours_found
            out["ours"][0] += ok
            out["ours"][1] += 1
            if not ok:
                out["ours"][2].append(f"ours {g['date']} {g['precision']}: {ev[:70]} -> {ours_found}")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                hits = search_dates(ev, languages=["nl"], settings=settings) or []
            found = [w.date().isoformat() for _, w in hits]
            ok = g["date"] in found
            out["dateparser"][0] += ok
            out["dateparser"][1] += 1
            if not ok:
                out["dateparser"][2].append(f"dateparser {g['date']}: {ev[:70]} -> {found}")
    return {k: tuple(v) for k, v in out.items()}


def _fmt(score: Score) -> str:
    p, r, f = score.precision, score.recall, score.f1
    pct = lambda x: "  -  " if x is None else f"{x:5.2f}"  # noqa: E731
    return f"tp {score.tp:2d} fp {score.fp:3d} fn {score.fn:2d}  P {pct(p)} R {pct(r)} F1 {pct(f)}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default=str(ROOT / "samples" / "gold"))
    ap.add_argument("--text", default=str(ROOT / "samples" / "text"))
    ap.add_argument("--clean", action="store_true", help="run extractors.clean first (when it exists)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--pipeline", metavar="SUFFIX",
                    help="score the whole pipeline (extract_path: read, clean, parse, every extractor) on the "
                         "files in --text whose name is the gold stem + SUFFIX, e.g. '.pdf' or '.noisy.txt'")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)

    systems = ["ours"] + ([] if args.no_baseline else ["dateparser", "dateparser+cues"])
    totals = {s: {"dl": Score(), "strict": Score(), "date": Score(), "period": Score(), "secs": 0.0} for s in systems}
    report: dict = {"documents": {}}
    for gold_path in sorted(Path(args.gold).glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text_path = Path(args.text) / gold["doc"]
        if args.pipeline:
            text_path = Path(args.text) / (Path(gold["doc"]).stem + args.pipeline)
        if not text_path.exists():
            print(f"skip {gold_path.name}: {text_path} missing")
            continue
        if args.pipeline:
            from extractors.clean import clean_document
            from extractors.extract import extract_path
            from extractors.reader import read_document
            t_pipe = time.perf_counter()
            extraction = extract_path(text_path)
            t_pipe = time.perf_counter() - t_pipe
            doc = clean_document(read_document(text_path))
            parse_pages(doc.pages)
        else:
            extraction = None
            doc = _build_doc(text_path, args.clean)
        print(f"\n{gold['doc']}  (gold: {len(gold.get('deadlines', []))} deadlines, doc_date {gold.get('doc_date')}, "
              f"period {gold.get('period')})")
        anchor = None
        report["documents"][gold["doc"]] = {}
        for system in systems:
            t0 = time.perf_counter()
            if system == "ours" and extraction is not None:
                rec = extraction.document
                doc_date = dt.date.fromisoformat(rec.doc_date) if rec.doc_date else None
                period, rows = (rec.period_start, rec.period_end), extraction.deadlines
                anchor = doc_date
            elif system == "ours":
                doc_date, period, rows = ours(doc)
                anchor = doc_date
            else:
                doc_date, period, rows = baseline(doc, anchor, with_cues=system.endswith("cues"))
            secs = time.perf_counter() - t0
            if system == "ours" and extraction is not None:
                secs = t_pipe  # the whole pipeline on this file, not only the deadline stage
            dl = score_deadlines(rows, gold.get("deadlines", []))
            strict = score_deadlines(rows, gold.get("deadlines", []), strict=True)
            date_s = score_value(doc_date.isoformat() if doc_date else None, gold.get("doc_date"), norm_date)
            period_s = score_value(list(period) if period and period[0] else None, gold.get("period"), norm_period)
            t = totals[system]
            t["dl"] += dl
            t["strict"] += strict
            t["date"] += date_s
            t["period"] += period_s
            t["secs"] += secs
            print(f"  {system:16s} deadlines {_fmt(dl)} | strict F1 {strict.f1 or 0:4.2f} | doc_date "
                  f"{'ok ' if date_s.tp else 'BAD'} {doc_date} | period {'ok ' if period_s.tp else 'BAD'} "
                  f"{period[0]}-{period[1]} | {secs:5.2f}s")
            if args.verbose and system == "ours":
                for m in dl.misses:
                    print(f"      miss  {m}")
                for f in dl.false_positives:
                    print(f"      fp    {f}")
            report["documents"][gold["doc"]][system] = {
                "deadlines": dl.as_dict(details=args.verbose), "deadlines_strict": strict.as_dict(details=False),
                "doc_date": str(doc_date), "doc_date_ok": bool(date_s.tp),
                "period": list(period), "period_ok": bool(period_s.tp), "seconds": round(secs, 3)}
    if not args.no_baseline:
        print("\nNormalisation only (each gold deadline's evidence, anchored on the gold doc_date):")
        for system, (right, total, examples) in normalisation(Path(args.gold)).items():
            print(f"  {system:16s} exact date {right}/{total} = {right / total:.2f}")
            report.setdefault("normalisation", {})[system] = {"exact": right, "total": total}
            if args.verbose:
                for ex in examples[:12]:
                    print(f"      wrong {ex}")
    print("\nOverall")
    report["overall"] = {}
    for system in systems:
        t = totals[system]
        n = t["date"].tp + t["date"].fn
        print(f"  {system:16s} deadlines {_fmt(t['dl'])} | strict F1 {t['strict'].f1 or 0:4.2f} | doc_date "
              f"{t['date'].tp}/{n} | period {t['period'].tp}/{t['period'].tp + t['period'].fn} | {t['secs']:5.2f}s")
        report["overall"][system] = {"deadlines": t["dl"].as_dict(details=False),
                                     "deadlines_strict": t["strict"].as_dict(details=False),
                                     "doc_date_correct": t["date"].tp, "period_correct": t["period"].tp, "documents": n}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
