"""One document, end to end: read -> clean -> parse -> every extractor -> records.

`extract_paths` is the only entry point the pipeline needs; it batches the spaCy
pass over all pages of a batch of documents. A document that cannot be read
becomes an `Extraction` whose `documents` row carries the status and message.
"""
from __future__ import annotations

import functools
import logging
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from extractors import deadlines, docdates, metadata, priorities, tables, themes
from extractors import extractor_version
from extractors.clean import clean_document
from extractors.document import Document
from extractors.errors import DocumentError
from extractors.failed import failed_extraction
from extractors.language import check_dutch
from extractors.nlp import load_model, parse_pages
from extractors.reader import read_document
from extractors.records import DocumentRecord, Extraction
from extractors.structure import parse_structure

log = logging.getLogger(__name__)


#: called with a stage name whenever a stage of a document (or a spaCy batch) is done: a worker
#: reports it to the parent, whose timeout then measures time without progress, not a big
#: document's whole length
Progress = Optional[Callable[[str], None]]


@contextmanager
def _timed_stage(timings: dict[str, float], stage: str, progress: Progress = None):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
        if progress is not None:
            progress(stage)


def extract_document(doc: Document, timings: dict[str, float] | None = None, progress: Progress = None) -> Extraction:
    """Every extractor over a cleaned, parsed document."""
    timings = {} if timings is None else timings
    _timed = functools.partial(_timed_stage, progress=progress)
    with _timed(timings, "structure"):
        structure = parse_structure(doc)
    with _timed(timings, "docdates"):
        doc_date, doc_date_precision = docdates.document_dating(doc)
        period_start, period_end = docdates.plan_period(doc, doc_date)
    with _timed(timings, "metadata"):
        meta = metadata.extract_metadata(doc, structure, doc_date)
    with _timed(timings, "themes"):
        mentions = themes.find_mentions(doc)
    with _timed(timings, "priorities"):
        priority_tree = priorities.extract_priority_tree(doc, structure)
        priority_items = [item for item, _subs in priority_tree]
    with _timed(timings, "themes"):
        theme_rows = themes.summarize(doc, mentions, structure, priority_items, priority_tree)
    with _timed(timings, "deadlines"):
        due = deadlines.extract_deadlines(doc, doc_date, (period_start, period_end), structure, mentions)
    with _timed(timings, "tables"):
        matrix, warnings = tables.extract_municipality_priorities(doc)
    record = DocumentRecord(
        doc_id=doc.doc_id, source_path=doc.source_path, sha256=doc.sha256,
        doc_date=doc_date.isoformat() if doc_date else None, doc_date_precision=doc_date_precision,
        period_start=period_start, period_end=period_end,
        pages=len(doc.pages), n_chars=doc.n_chars, language="nl",
        extractor_version=extractor_version(), source_format=doc.source_format,
        spacy_model=load_model().name,
        **meta, **_ocr_status(doc),
    )
    mentions = mentions + themes.item_mentions(doc, priority_tree)  # the document's own words for its choices
    _mark_page_sources(doc, [mentions, priority_items, due])
    return Extraction(document=record, themes=theme_rows, theme_mentions=mentions,
                      priorities=priority_items, deadlines=due, municipality_priorities=matrix,
                      warnings=list(doc.notes) + warnings, timings=timings)


def _mark_page_sources(doc: Document, record_lists: list[list]) -> None:
    """Facts on a page read by OCR say so, with the page's confidence."""
    for records in record_lists:
        for record in records:
            if 1 <= record.page <= len(doc.pages) and doc.page(record.page).source == "ocr":
                record.page_source = "ocr"
                record.ocr_confidence = round(doc.page(record.page).ocr_confidence, 1)


def _ocr_status(doc: Document) -> dict:
    """The documents row's OCR columns; `partial` when scanned pages were left unread."""
    confidences = [p.ocr_confidence for p in doc.pages if p.ocr_confidence is not None]
    fields = {"ocr_pages": len(doc.ocr_pages), "status": "ok", "error": None,
              "ocr_confidence": round(sum(confidences) / len(confidences), 1) if confidences else None}
    if doc.unread_pages:
        from extractors.ocr import unread_message

        fields.update(status="partial", error=unread_message(doc.unread_pages, len(doc.pages)))
    return fields


def extract_paths(paths: Iterable[Path], progress: Progress = None) -> Iterator[Extraction]:
    """Extract a batch of files; one spaCy pass over all their pages."""
    _timed = functools.partial(_timed_stage, progress=progress)
    loaded: list[tuple[Path, Document | Extraction]] = []
    timings: dict[str, dict[str, float]] = {}
    for path in paths:
        path = Path(path)
        timings[str(path)] = stage = {}
        try:
            with _timed(stage, "read"):
                raw = read_document(path)
            with _timed(stage, "clean"):
                doc = clean_document(raw)
                check_dutch(doc)
            loaded.append((path, doc))
        except DocumentError as exc:
            loaded.append((path, failed_extraction(path, exc.status, exc.message, retryable=exc.retryable)))
        except Exception as exc:  # a reader bug must not stop the batch
            log.debug("reading %s failed", path, exc_info=True)
            loaded.append((path, failed_extraction(path, "failed", f"could not read the file: {exc!r}",
                                                   retryable=True)))
    docs = [d for _, d in loaded if isinstance(d, Document)]
    start = time.perf_counter()
    parse_pages((p for d in docs for p in d.pages), on_batch=progress and (lambda: progress("nlp")))
    total_pages = sum(len(d.pages) for d in docs) or 1
    for path, doc in loaded:
        if isinstance(doc, Document):  # the batch's spaCy time, shared out by pages
            timings[str(path)]["nlp"] = (time.perf_counter() - start) * len(doc.pages) / total_pages
    for path, item in loaded:
        if isinstance(item, Extraction):
            yield item
            continue
        try:
            yield extract_document(item, timings[str(path)], progress)
        except Exception as exc:
            log.warning("extraction failed for %s: %s", path, exc)
            log.debug("traceback", exc_info=True)
            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = (f"extraction failed: {exc!r} at {Path(where.filename).name}:{where.lineno}; "
                       "a bug in ivp: please report it with the file (run `ivp extract FILE -vv` for details)")
            yield failed_extraction(path, "failed", message, retryable=True)


def extract_path(path: Path, progress: Progress = None) -> Extraction:
    return next(extract_paths([path], progress))
