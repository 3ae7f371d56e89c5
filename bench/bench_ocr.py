#!/usr/bin/env python3
"""OCR benchmark: scanned pages against the same pages with a text layer, in one run.

    python bench/bench_ocr.py                 # the seeds' PDF renderings up to 9 pages, 2 workers
    python bench/bench_ocr.py --pages 45      # every page of the four seeds (~5 min on 2 idle cores)

The inputs are samples/rendered/*.pdf (text layer) and the same files rasterised by
scripts/rasterise_pdf.py (200 dpi grey JPEG pictures, no text layer) into a temporary
folder, so both paths read the same pages and the same text. For each:
- the reader alone in this process (`read_document`: text layer, or render + Tesseract),
  seconds per page on one core;
- `ivp run --workers N` end to end (bench_speed's run_cli: wall, CPU, peak RSS summed over
  the process tree), pages/s.
Then the ratios scan/text, and how much of the text-layer's characters OCR gives back.
Other sessions share this machine: the load average is printed, and CPU-seconds are the
figures that compare between runs.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_speed import cli_command, run_cli  # noqa: E402  (one CLI measurement, not two)

_spec = importlib.util.spec_from_file_location("rasterise_pdf", ROOT / "scripts" / "rasterise_pdf.py")
rasterise = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rasterise)


def choose_documents(budget: int) -> list[Path]:
    """Rendered seeds, smallest first, until `budget` pages."""
    import pypdfium2 as pdfium

    sized = []
    for path in sorted((ROOT / "samples" / "rendered").glob("*.pdf")):
        pdf = pdfium.PdfDocument(path)
        sized.append((len(pdf), path.name, path))
        pdf.close()
    chosen, pages = [], 0
    for n, _, path in sorted(sized):
        if pages + n > budget and chosen:
            break
        chosen.append(path)
        pages += n
    return chosen


def read_only(paths: list[Path]) -> dict:
    """The reader alone, in this process: seconds and characters per page."""
    from extractors.reader import read_document

    start, cpu0 = time.perf_counter(), time.process_time()
    pages = chars = ocr_pages = 0
    confidences = []
    for path in paths:
        doc = read_document(path)
        pages += len(doc.pages)
        chars += sum(len(p.text) for p in doc.pages)
        for page in doc.pages:
            if page.source == "ocr":
                ocr_pages += 1
                confidences.append(page.ocr_confidence)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    return {"pages": pages, "chars": chars, "ocr_pages": ocr_pages, "wall_s": wall, "cpu_s": cpu,
            "s_per_page": wall / max(pages, 1),
            "mean_confidence": sum(confidences) / len(confidences) if confidences else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=9, help="page budget over the rendered seeds (default 9)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    from extractors import ocr

    available, how = ocr.availability()
    if not available:
        print(f"OCR is not available here: {how}", file=sys.stderr)
        return 1
    # The bench measures OCR, not the limits that keep a night run short.
    os.environ.setdefault("IVP_OCR_MAX_SECONDS", "100000")
    os.environ.setdefault("IVP_OCR_MAX_PAGES", "100000")
    # a loaded machine starts Prefect's temporary server slowly; a failed start is no figure
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "600")
    texts = choose_documents(args.pages)
    cmd = cli_command()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; OCR: {how}")
    with tempfile.TemporaryDirectory(prefix="ivp-bench-ocr-") as tmp:
        scans = []
        for path in texts:
            scan = Path(tmp) / path.name
            scan.write_bytes(rasterise.rasterise_pdf(path))
            scans.append(scan)
        report = {"documents": [p.name for p in texts]}
        for kind, paths in (("text", texts), ("scan", scans)):
            report[f"read_{kind}"] = read_only(paths)
            report[f"cli_{kind}"] = run_cli(cmd, [str(p) for p in paths], args.workers, full=True)
    rt, rs = report["read_text"], report["read_scan"]
    ct, cs = report["cli_text"], report["cli_scan"]
    pages = rt["pages"]
    print(f"{len(texts)} documents, {pages} pages: {', '.join(report['documents'])}")
    print(f"reader alone, 1 core:  text layer {1000 * rt['s_per_page']:8.1f} ms/page   "
          f"OCR {1000 * rs['s_per_page']:8.1f} ms/page   ratio {rs['s_per_page'] / rt['s_per_page']:.0f}x   "
          f"({rs['ocr_pages']} pages OCR'd, mean confidence {rs['mean_confidence'] or 0:.1f})")
    print(f"  per CPU-second:      text layer {1000 * rt['cpu_s'] / pages:8.1f} ms/page   "
          f"OCR {1000 * rs['cpu_s'] / pages:8.1f} ms/page   ratio {rs['cpu_s'] / max(rt['cpu_s'], 1e-9):.0f}x")
    print(f"characters: OCR gives {rs['chars']:,} of the text layer's {rt['chars']:,} ({rs['chars'] / rt['chars']:.1%})")
    for name, run in (("text", ct), ("scan", cs)):
        print(f"ivp run --workers {args.workers}, {name:4}: {run['wall_s']:7.1f} s wall, {run['cpu_s']:7.1f} s CPU, "
              f"{pages / run['wall_s']:.2f} pages/s, peak RSS {run['peak_rss_mb_tree']:.0f} MB (tree)  "
              f"rc {run['returncode']}")
    if ct["returncode"] or cs["returncode"]:
        print("an ivp run failed (see stderr_tail in the details): no ratios for the CLI")
    else:
        print(f"ratios scan/text: wall {cs['wall_s'] / ct['wall_s']:.1f}x, CPU {cs['cpu_s'] / ct['cpu_s']:.1f}x, "
              f"pages/s {ct['wall_s'] / cs['wall_s']:.3f}, peak RSS {cs['peak_rss_mb_tree'] / ct['peak_rss_mb_tree']:.2f}x")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    target = out / f"bench-ocr-{time.strftime('%Y%m%d-%H%M%S')}.json"
    target.write_text(json.dumps(report, indent=1, default=str))
    print(f"details in {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
