"""The `documents` row of a document that could not be extracted.

Its own light module (records and the file hash, no spaCy) so that the process that only
schedules and writes, and never parses, can record a worker's timeout or crash.
"""
from __future__ import annotations

from pathlib import Path

from extractors import extractor_version
from extractors.reader import file_identity
from extractors.records import DocumentRecord, Extraction


def failed_extraction(path: Path, status: str, message: str, retryable: bool = False) -> Extraction:
    sha256, doc_id = file_identity(path)
    record = DocumentRecord(doc_id=doc_id, source_path=str(path), sha256=sha256, status=status,
                            error=message, extractor_version=extractor_version(),
                            source_format=path.suffix.lower().lstrip("."), retryable=retryable)
    return Extraction(document=record)
