"""The text of a run summary: what `ivp run` prints and what the nightly flow logs.

Its own module so that both the CLI (on top) and the scheduled flow (below it) can use it
without importing each other.
"""
from __future__ import annotations

from pathlib import Path


def format_summary(summary) -> str:
    """`summary`: a `pipeline.run.RunSummary`."""
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary.statuses.items())) or "nothing extracted"
    lines = [
        f"ivp run {summary.run_id}: {summary.n_new} new, {summary.n_changed} changed, "
        f"{summary.n_unchanged} unchanged, {summary.n_removed} removed; {statuses} "
        f"in {summary.seconds:.1f} s",
    ]
    for path, status, message in summary.problems:
        lines.append(f"  {status:9} {Path(path).name}: {message}")
    if summary.skipped:
        lines.append(f"  skipped {len(summary.skipped)} files that are not documents (.pdf/.txt/.md/.docx) or are "
                     "README/SOURCES/.ivpignore'd")
    lines.append(f"tables in {summary.out_dir}/ (ivp.duckdb, *.parquet, *.csv)")
    return "\n".join(lines)
