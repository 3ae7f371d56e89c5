#!/usr/bin/env python3
"""Incremental runs at archive scale: what a nightly `ivp run` costs.

    python bench/bench_incremental.py              # 210 documents, figures on stdout
    python bench/bench_incremental.py --docs 400 --keep

Builds a corpus under bench/out/incremental/ (git-ignored) from samples/text and the
text-layer PDFs of samples/pdf: round-robin copies, each with a small edit so that every
copy has its own bytes (bench/corpus.py's stamping). Then, each through the real CLI in
a subprocess (`python -m pipeline.cli run`, ephemeral Prefect):

  1. first run, --workers 1 (every document new)       -> time, docs/s with 1 worker
  2. second run, nothing changed                       -> time, must be <= 10% of 1, all unchanged
  3. run after editing 5% of the files                 -> time, those counted as changed
  4. first run again on a fresh output, --workers 2    -> docs/s with 2 workers
Peak memory is the largest sum of RSS over the run's process tree (the CLI, its Prefect
server and its extraction workers), sampled every 0.2 s.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus as corpus_tools  # noqa: E402  (bench/corpus.py: PDF stamping and text variation)

WORK = ROOT / "bench" / "out" / "incremental"
SUMMARY = re.compile(r"(\d+) new, (\d+) changed, (\d+) unchanged, (\d+) removed; (.*) in ([\d.]+) s")


def sources() -> list[Path]:
    texts = sorted((ROOT / "samples" / "text").glob("*.txt"))
    pdfs = [p for p in sorted((ROOT / "samples" / "pdf").glob("*.pdf"))
            if (lambda pc: pc[1] >= corpus_tools.MIN_CHARS_PER_PAGE * pc[0])(corpus_tools.pdf_pages_and_chars(p))]
    return texts + pdfs


def make_copy(src: Path, dst: Path, copy: int) -> None:
    if src.suffix == ".pdf":
        corpus_tools.varied_pdf(src, dst, copy)
    else:
        corpus_tools.varied_text(src, dst, copy)


def build_corpus(folder: Path, n_docs: int) -> list[Path]:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    srcs = sources()
    files = []
    copy = 0
    while len(files) < n_docs:
        copy += 1
        for src in srcs:
            if len(files) >= n_docs:
                break
            dst = folder / f"c{copy:03d}_{src.name}"
            make_copy(src, dst, copy)
            files.append(dst)
    return files


def edit(files: list[Path], fraction: float) -> list[Path]:
    """Change `fraction` of the files, spread over the corpus: a new stamp or one more line."""
    step = max(1, round(1 / fraction))
    chosen = files[::step][:max(1, round(len(files) * fraction))]
    for path in chosen:
        if path.suffix == ".pdf":
            src = next(s for s in sources() if path.name.endswith("_" + s.name))
            make_copy(src, path, 9000 + files.index(path))
        else:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write("Bijgewerkt na de evaluatie.\n")
    return chosen


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        members = [proc] + proc.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    for p in members:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def ivp_run(folder: Path, out: Path, workers: int, home: Path) -> dict:
    env = dict(os.environ, PREFECT_HOME=str(home), IVP_PROGRESS="0")
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out), "--workers", str(workers)]
    clock = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(watched))
        time.sleep(0.2)
    seconds = time.perf_counter() - clock
    stdout, stderr = proc.communicate()
    match = SUMMARY.search(stdout)
    if proc.returncode != 0 or not match:
        raise SystemExit(f"ivp run failed ({proc.returncode}):\n{stdout[-2000:]}\n{stderr[-3000:]}")
    new, changed, unchanged, removed = map(int, match.groups()[:4])
    return {"seconds": seconds, "peak_mb": peak / 1e6, "new": new, "changed": changed, "unchanged": unchanged,
            "removed": removed, "statuses": match.group(5), "summary": stdout.splitlines()[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=210, help="documents in the corpus (default 210)")
    ap.add_argument("--changed", type=float, default=0.05, help="fraction edited before run 3 (default 0.05)")
    ap.add_argument("--no-workers-2", action="store_true", help="skip the --workers 2 run")
    ap.add_argument("--keep", action="store_true", help="keep bench/out/incremental afterwards")
    args = ap.parse_args(argv)
    os.environ.setdefault("IVP_SPACY_MODEL", str(ROOT.parent / "shared" / "models" / "nl_ud_small_fallback"))

    folder, home = WORK / "corpus", WORK / ".prefect"
    t0 = time.perf_counter()
    files = build_corpus(folder, args.docs)
    kinds = {s: sum(1 for f in files if f.suffix == s) for s in (".txt", ".pdf")}
    print(f"corpus: {len(files)} documents ({kinds['.txt']} text, {kinds['.pdf']} PDF, "
          f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB) built in {time.perf_counter() - t0:.1f} s; "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", flush=True)

    results = {}
    for out in (WORK / "out1", WORK / "out2"):
        shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    results["first"] = first = ivp_run(folder, WORK / "out1", 1, home)
    print(f"1. first run, 1 worker:      {first['seconds']:7.1f} s  {len(files) / first['seconds']:.2f} docs/s  "
          f"peak {first['peak_mb']:.0f} MB  [{first['statuses']}]", flush=True)
    results["second"] = second = ivp_run(folder, WORK / "out1", 1, home)
    ratio = second["seconds"] / first["seconds"]
    ok = second["unchanged"] == len(files) and second["new"] == second["changed"] == 0
    print(f"2. nothing changed:          {second['seconds']:7.1f} s  = {100 * ratio:.1f}% of the first  "
          f"peak {second['peak_mb']:.0f} MB  {second['unchanged']} unchanged  "
          f"[{'PASS' if ratio <= 0.10 and ok else 'FAIL'}: <= 10% and all unchanged]", flush=True)
    chosen = edit(files, args.changed)
    results["changed"] = changed = ivp_run(folder, WORK / "out1", 1, home)
    print(f"3. {len(chosen)} edited ({100 * args.changed:.0f}%):       {changed['seconds']:7.1f} s  "
          f"{changed['changed']} changed, {changed['unchanged']} unchanged  peak {changed['peak_mb']:.0f} MB  "
          f"[{'PASS' if changed['changed'] == len(chosen) else 'FAIL'}: the edited files and only those]", flush=True)
    if not args.no_workers_2:
        # Same bytes as run 1 saw are gone (5% edited); the 2-worker run reads the current corpus.
        results["two"] = two = ivp_run(folder, WORK / "out2", 2, home)
        print(f"4. first run, 2 workers:     {two['seconds']:7.1f} s  {len(files) / two['seconds']:.2f} docs/s  "
              f"peak {two['peak_mb']:.0f} MB  speed-up x{first['seconds'] / two['seconds']:.2f}", flush=True)
    print(f"peak memory (process tree): {max(r['peak_mb'] for r in results.values()):.0f} MB")
    if not args.keep:
        shutil.rmtree(WORK / "out2", ignore_errors=True)
    return 0 if ratio <= 0.10 and ok else 1


if __name__ == "__main__":
    sys.exit(main())
