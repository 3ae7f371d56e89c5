"""`ivp compare --out DIR`: which regions prioritize which themes, per plan period, and what is due when.

Reads the contract tables that `ivp run` wrote to DIR (DuckDB first, Parquet
otherwise) and writes, next to them:

- `compare_<by>_theme.{csv,parquet}`: one row per (group, theme): prioritized /
  mentioned / absent, with document and mention counts (long form, for tools);
- `compare_<by>_theme_matrix.{csv,parquet}`: the same as a matrix (one row per group);
- `compare_theme_period.{csv,parquet}`: one row per (plan period, theme);
- `compare_deadlines.{csv,parquet}`: the deadlines timeline, upcoming and overdue;
- `report.html` (self-contained) and `ivp.xlsx` (one sheet per table).

A document counts for every group it covers: a regional plan for the 62
municipalities of a police unit counts for each of them with `--by municipality`,
and for the three provinces it spans with `--by province`. Coverage comes from
the document's own columns, else from the municipalities it resolves to
(`documents.municipalities`, else those its region covered on the document's date).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Optional

from pipeline.compare import GROUPINGS, compare
from pipeline.compare_text import format_matrix
from pipeline.compare_write import write_outputs
from pipeline.read_tables import load_tables


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("outputs"), metavar="DIR",
                        help="the output folder of `ivp run` (default: outputs); results are written there too")
    parser.add_argument("--by", choices=GROUPINGS, default="region",
                        help="rows of the matrix (default: region)")
    parser.add_argument("--period", default=None,
                        help="plan period to compare: YYYY-YYYY, YYYY (periods covering it), latest, or all (default)")
    parser.add_argument("--top-level", action="store_true",
                        help="count sub-themes for their top-level theme (e.g. hennepteelt as ondermijning)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="reference day for upcoming/overdue deadlines (default: today)")
    parser.add_argument("--no-report", action="store_true", help="do not write report.html")
    parser.add_argument("--no-excel", action="store_true", help="do not write ivp.xlsx")


def run(args: argparse.Namespace) -> int:
    out_dir = Path(args.out)
    tables = load_tables(out_dir)
    if "documents" not in tables:
        print(f"ivp compare: no tables in {out_dir}; run `ivp run INPUT... --out {out_dir}` first", file=sys.stderr)
        return 1
    try:
        comparison = compare(tables, by=args.by, period=args.period, today=args.today,
                             top_level=getattr(args, "top_level", False))
    except ValueError as exc:
        print(f"ivp compare: {exc}", file=sys.stderr)
        return 2
    if comparison.documents.empty:
        print(f"ivp compare: no readable documents{' in period ' + args.period if args.period else ''} "
              f"in {out_dir}", file=sys.stderr)
        return 1
    errors: list[str] = []
    written = write_outputs(comparison, out_dir, with_report=not args.no_report, with_excel=not args.no_excel,
                            errors=errors)
    print(format_matrix(comparison))
    dl = comparison.deadlines
    if not dl.empty:
        upcoming = int((dl["status"] == "upcoming").sum())
        print(f"\ndeadlines: {len(dl)} ({upcoming} upcoming, {len(dl) - upcoming} overdue as of {comparison.today})")
    print("\nwrote: " + ", ".join(p.name for p in written))
    for error in errors:
        print(f"ivp compare: {error}", file=sys.stderr)
    return 1 if errors else 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="ivp compare", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
