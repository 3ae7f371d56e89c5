"""The `ivp` command line.

Exit codes: 0 done (some documents may have failed: see the summary), 1 nothing
could be read or a command failed, 2 usage error, 3 the output folder is in use.
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3

DESCRIPTION = """\
ivp reads Dutch safety-policy documents (integraal veiligheidsplannen, regional
safety strategies, police plans, letters and memos to councils) and writes their
themes, priorities and deadlines as tables you can query: Parquet, CSV and DuckDB.
"""

EPILOG = """\
examples:
  ivp run samples/ --out outputs/          extract every document under samples/
  ivp run archive/ --out tables/ --workers 2   nightly: only new or changed files are read
  ivp extract plan.pdf                     one document as JSON, no tables written
  ivp eval samples/gold --docs samples/text   precision/recall against gold annotations
  ivp compare --out outputs/ --by region   themes per region, report.html, ivp.xlsx
  duckdb outputs/ivp.duckdb "select * from themes where prioritized"

set IVP_SPACY_MODEL to a spaCy package name or model folder to choose the pipeline.
"""

#: subcommands whose argument parsing lives in their own module: name -> (module, help)
PLUGGED = {
    "eval": ("pipeline.evaluate", "score the extraction against gold annotations"),
    "compare": ("pipeline.compare_cli", "compare themes across regions and periods; HTML report and Excel"),
    "serve": ("pipeline.serve", "run `ivp run` on a schedule with Prefect's scheduler"),
}


def _setup_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * verbosity if verbosity >= 0 else logging.ERROR
    logging.basicConfig(level=max(logging.DEBUG, level), format="%(levelname)s %(name)s: %(message)s")


def build_parser() -> argparse.ArgumentParser:
    from extractors import __version__

    parser = argparse.ArgumentParser(prog="ivp", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ivp {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    common.add_argument("-q", "--quiet", action="store_true", help="only errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("run", parents=[common], help="extract documents into the tables (a Prefect flow)",
                       description="Extract documents into DIR: <table>.parquet, <table>.csv and ivp.duckdb. "
                                   "Only new or changed documents (by content and extractor version) are read; "
                                   "a document that cannot be read becomes a row with its status and error.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders (.pdf, .txt, .md, .docx)")
    p.add_argument("--out", type=Path, default=Path("outputs"), metavar="DIR", help="output folder (default: outputs)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default: 1)")
    p.add_argument("--full", action="store_true", help="re-extract everything, changed or not")
    p.add_argument("--prune", action="store_true", help="drop the rows of removed files instead of flagging them")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S",
                   help="seconds one document may go without progress (a stage of its extraction or a spaCy "
                        "batch finishing) before it is recorded as failed (default: 300)")
    p.add_argument("--wait", action="store_true", help="wait for another run on the same --out instead of refusing")
    p.add_argument("--batch-size", type=int, default=8, metavar="N", help="documents per Prefect task (default: 8)")
    p.add_argument("--dask-address", metavar="tcp://HOST:PORT", help="run the tasks on an existing Dask cluster")

    p = sub.add_parser("extract", parents=[common], help="print one document's extraction as JSON (no Prefect)")
    p.add_argument("file", type=Path)
    p.add_argument("--compact", action="store_true", help="one line of JSON")

    p = sub.add_parser("setup", parents=[common], help="install the spaCy model nl_core_news_sm, or explain the fallback; "
                                                      "say whether OCR of scans is available")

    for name, (module, help_text) in PLUGGED.items():
        mod = importlib.import_module(module)
        p = sub.add_parser(name, parents=[common], help=help_text, description=(mod.__doc__ or "").strip() or None,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
        p.set_defaults(plugin=mod)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(-1 if args.quiet else args.verbose)
    try:
        if getattr(args, "plugin", None) is not None:
            return int(args.plugin.run(args) or 0)
        return {"run": cmd_run, "extract": cmd_extract, "setup": cmd_setup}[args.command](args)
    except KeyboardInterrupt:
        print("interrupted; the previous tables are intact, run again to finish", file=sys.stderr)
        return 130


def cmd_run(args) -> int:
    from pipeline.run import run
    from pipeline.store import OutputLocked
    from pipeline.summary import format_summary

    if args.workers < 1:
        print("ivp run: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = run(args.inputs, args.out, workers_n=args.workers, full=args.full, prune=args.prune,
                      timeout=args.timeout, wait=args.wait, dask_address=args.dask_address,
                      batch_size=args.batch_size, verbose=args.verbose > 0)
    except OutputLocked as exc:
        print(f"ivp run: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except FileNotFoundError as exc:
        print(f"ivp run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        print(format_summary(summary))
    extracted = sum(summary.statuses.values())
    if extracted and not summary.n_ok and not summary.n_unchanged:
        print("ivp run: no document could be read; see the messages above", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_extract(args) -> int:
    from extractors.extract import extract_path

    if not args.file.exists():
        print(f"ivp extract: {args.file} does not exist", file=sys.stderr)
        return EXIT_USAGE
    extraction = extract_path(args.file)
    payload = extraction.tables()
    payload["warnings"] = extraction.warnings
    print(json.dumps(payload, ensure_ascii=False, indent=None if args.compact else 2, default=str))
    return EXIT_OK if extraction.document.status == "ok" else EXIT_FAILED


def cmd_setup(args) -> int:
    import subprocess

    from extractors import ocr
    from extractors.nlp import PRODUCT_MODEL

    available, how = ocr.availability()
    print(f"OCR of scanned pages: available ({how})." if available else
          f"OCR of scanned pages: not available; scans get status needs_ocr. {how[0].upper()}{how[1:]}.")
    try:
        importlib.import_module(PRODUCT_MODEL)
        print(f"{PRODUCT_MODEL} is installed; ivp uses it.")
        return EXIT_OK
    except ImportError:
        pass
    print(f"installing {PRODUCT_MODEL} (python -m spacy download {PRODUCT_MODEL}) ...")
    done = subprocess.run([sys.executable, "-m", "spacy", "download", PRODUCT_MODEL],
                          capture_output=True, text=True, timeout=600)
    if done.returncode == 0:
        print(f"{PRODUCT_MODEL} installed.")
        return EXIT_OK
    env_model = os.environ.get("IVP_SPACY_MODEL")
    fallback = (f"IVP_SPACY_MODEL={env_model} is set and will be used" if env_model else
                "ivp falls back to spacy.blank('nl') + sentencizer + simplemma lemmas (no POS or parser: "
                "sentence splits are rule-based and deadline actors stay empty)")
    print(f"could not download {PRODUCT_MODEL} (offline?). {fallback}.\n"
          f"Install the model later with `python -m spacy download {PRODUCT_MODEL}` or "
          f"`pip install https://github.com/explosion/spacy-models/releases/download/"
          f"{PRODUCT_MODEL}-3.8.0/{PRODUCT_MODEL}-3.8.0-py3-none-any.whl`, "
          "or point IVP_SPACY_MODEL at a model folder.")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
