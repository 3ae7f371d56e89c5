"""What reading each line's date expressions once saves docdates and deadlines, in one run.

    .venv/bin/python bench/bench_dates_pass.py [--repeat 3] [folders ...]

docdates asks for the expressions of the same lines again and again (is it a date line, a title,
a row of labels, a plan period?), and deadlines asks again for every line it judges (a table row,
a list row, the document's date line). `extractors.dates.find_dates` keeps the expressions of short
texts per anchor. This script runs docdates + deadlines over the same cleaned documents with that
memory off (the baseline) and on, and prints the time of each, their ratio, the number of
`find_dates` calls and how many of them were repeats, and whether the rows are identical.
No spaCy: the blank tier's work, which is where the date grammar's share is largest.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors import dates  # noqa: E402
from extractors.clean import clean_document  # noqa: E402
from extractors.deadlines import extract_deadlines  # noqa: E402
from extractors.docdates import document_dating, plan_period  # noqa: E402
from extractors.reader import read_document  # noqa: E402
from extractors.structure import Structure  # noqa: E402

DEFAULT_FOLDERS = [ROOT.parent / "shared" / "corpus" / "docs", ROOT / "samples" / "text",
                   ROOT / "samples" / "heldout" / "text", ROOT / "samples" / "blind" / "text"]


def _rows(docs) -> list:
    out = []
    for doc in docs:
        day, precision = document_dating(doc)
        period = plan_period(doc, day)
        rows = extract_deadlines(doc, day, period, Structure(), [])
        out.append((day, precision, period, [(r.date, r.precision, r.page, r.char_start, r.cue, r.what) for r in rows]))
    return out


def _timed(docs, cache_max: int, repeat: int) -> tuple[float, list]:
    dates.LINE_CACHE_MAX_CHARS = cache_max
    best, rows = float("inf"), []
    for _ in range(repeat):
        dates._find_dates_cached.cache_clear()
        start = time.perf_counter()
        rows = _rows(docs)
        best = min(best, time.perf_counter() - start)
    return best, rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", type=Path, default=DEFAULT_FOLDERS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    paths = sorted(p for folder in args.folders if folder.is_dir() for p in folder.glob("*.txt"))
    docs = [clean_document(read_document(p)) for p in paths]
    keep = dates.LINE_CACHE_MAX_CHARS
    _rows(docs[:3])  # load the vocabularies and compile the grammar outside the timings
    calls = {"n": 0}
    inner = dates._find_dates

    def counting(text, anchor=None):
        calls["n"] += 1
        return inner(text, anchor)

    dates._find_dates = counting
    base, base_rows = _timed(docs, -1, args.repeat)
    scans_before = calls["n"] // args.repeat
    calls["n"] = 0
    once, once_rows = _timed(docs, keep, args.repeat)
    scans_after = calls["n"] // args.repeat
    dates._find_dates, dates.LINE_CACHE_MAX_CHARS = inner, keep
    digest = lambda rows: hashlib.sha256(repr(rows).encode()).hexdigest()[:16]  # noqa: E731
    print(f"{len(docs)} documents, {sum(len(d.pages) for d in docs)} pages; best of {args.repeat}")
    print(f"  every call scans : {base * 1000:8.0f} ms  {scans_before:6d} grammar scans")
    print(f"  lines read once  : {once * 1000:8.0f} ms  {scans_after:6d} grammar scans  "
          f"(ratio {base / once:.2f}x, {1 - scans_after / scans_before:.0%} fewer scans)")
    print(f"  rows identical   : {base_rows == once_rows}  ({digest(base_rows)} / {digest(once_rows)})")


if __name__ == "__main__":
    main()
