"""What each spaCy component buys: the corpus and the seeds scored with components left out, per tier.

Every variant runs in its own process: the pipeline is loaded, some components are switched off
(the UD model's trained `senter` gives the sentences when the parser is off), the corpus
(../shared/corpus/docs) and the seeds are extracted and written through the real store, and
../shared/tools/score.py scores both. Printed per variant: the scorer's figures, the CPU seconds of
the spaCy pass and of the whole extraction, and whether the tables equal the full pipeline's
(digest as in bench_speed.py).

    .venv/bin/python bench/bench_nlp.py                 # both tiers
    .venv/bin/python bench/bench_nlp.py --tier ud       # one tier

Other sessions edit extractors/ and vocab/ while this runs (~10 min): run it from a snapshot
(`git archive HEAD | tar -x -C /tmp/snap`, then /tmp/snap/bench/bench_nlp.py) so that every
variant runs the same extractor code.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")
UD_MODEL = SHARED / "models" / "nl_ud_small_fallback"
SETS = {"corpus": (SHARED / "corpus" / "docs", SHARED / "corpus" / "gold"),
        "seeds": (SHARED / "seeds", SHARED / "gold")}
FIELDS = ("theme_recall", "theme_precision", "priority_f1", "deadline_f1", "doc_date_acc", "period_acc")

def _without(*names):
    def switch(nlp) -> None:
        for name in names:
            nlp.disable_pipe(name)
    return switch


def _rule_sentences(nlp) -> None:
    """The blank tier's rule-based sentences in place of the parser's."""
    nlp.remove_pipe("parser")
    nlp.add_pipe("sentencizer", first=True)


#: variant -> how the loaded pipeline is changed (the loaded state is ivp's current one)
VARIANTS = {
    "ud": {
        "parser, no tagger (ivp before)": lambda nlp: None,
        "full parse, tagger on": lambda nlp: nlp.enable_pipe("tagger"),
        "no morphologizer": _without("morphologizer"),
        "no trainable lemmatizer": _without("trainable_lemmatizer"),
        "rule sentences, no parser": _rule_sentences,
    },
    "blank": {
        "full": lambda nlp: None,
        "no lemmatizer": _without("ivp_simplemma_lemmatizer"),
    },
}


def child(tier: str, variant: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from extractors import nlp as nlp_mod

    if tier == "ud":
        os.environ["IVP_SPACY_MODEL"] = str(UD_MODEL)
    else:
        os.environ.pop("IVP_SPACY_MODEL", None)
    model = nlp_mod.load_model()
    VARIANTS[tier][variant](model.nlp)
    import bench.bench_speed as bs
    from extractors.extract import extract_paths
    from pipeline.store import Store

    spacy_cpu = [0.0]
    real_parse = nlp_mod.parse_pages

    def timed_parse(pages, *a, **k):
        c0 = time.process_time()
        try:
            return real_parse(pages, *a, **k)
        finally:
            spacy_cpu[0] += time.process_time() - c0

    import extractors.extract as X

    X.parse_pages = timed_parse
    result = {"tier": tier, "variant": variant, "components": list(model.nlp.pipe_names), "sets": {}}
    for name, (docs, gold) in SETS.items():
        files = sorted(p for p in docs.iterdir() if p.suffix == ".txt")
        spacy_cpu[0] = 0.0
        c0 = time.process_time()
        extractions = list(extract_paths(files))
        cpu = time.process_time() - c0
        out = Path(tempfile.mkdtemp(prefix="ivp-bench-nlp-"))
        try:
            with Store(out) as store:
                store.replace_documents(extractions, files={})
                store.export()
            scored = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), str(out), str(gold)],
                                    capture_output=True, text=True, timeout=300).stdout.strip().splitlines()
        finally:
            shutil.rmtree(out, ignore_errors=True)
        figures = dict(kv.split("=", 1) for kv in scored[-1].split() if "=" in kv) if scored else {}
        rows = {}
        for e in extractions:
            for table, table_rows in e.tables().items():
                rows.setdefault(table, []).extend(table_rows)
        result["sets"][name] = {"figures": {f: figures.get(f) for f in FIELDS}, "cpu_s": cpu,
                                "spacy_cpu_s": spacy_cpu[0], "digest": json.dumps(bs.table_digest(rows)["tables"], sort_keys=True),
                                "ok": sum(e.document.status == "ok" for e in extractions), "docs": len(extractions)}
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tier", choices=sorted(VARIANTS), action="append")
    ap.add_argument("--variant", action="append", help="only these variants (the first is the reference)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    for tier in args.tier or ["ud", "blank"]:
        full = None
        print(f"\n== {tier} tier ({'UD fallback model' if tier == 'ud' else 'IVP_SPACY_MODEL unset'})")
        print(f"{'variant':40} {'set':7} " + " ".join(f"{f[:14]:>14}" for f in FIELDS)
              + f" {'spaCy CPU-s':>11} {'all CPU-s':>9} {'ok':>6} tables")
        for variant in [v for v in VARIANTS[tier] if not args.variant or v in args.variant]:
            done = subprocess.run([sys.executable, __file__, "--child", tier, variant], capture_output=True,
                                  text=True, cwd=ROOT, timeout=1800)
            if done.returncode != 0:
                print(f"{variant:40} failed: {done.stderr[-800:]}")
                continue
            res = json.loads(done.stdout.strip().splitlines()[-1])
            full = full or res  # the first variant is the reference of the "tables" column
            for name, s in res["sets"].items():
                same = "= full" if s["digest"] == full["sets"][name]["digest"] else "differ"
                print(f"{variant:40} {name:7} " + " ".join(f"{s['figures'][f] or '-':>14}" for f in FIELDS)
                      + f" {s['spacy_cpu_s']:11.1f} {s['cpu_s']:9.1f} {s['ok']:>3}/{s['docs']:<2} {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
