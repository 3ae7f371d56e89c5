"""Document metadata: title, type, issuer, region (placeholder until the structure issue)."""
from __future__ import annotations

from extractors.document import Document
from extractors.structure import Structure


def extract_metadata(doc: Document, structure: Structure) -> dict:
    """Fields of DocumentRecord: title, doc_type, issuer, region, police_unit, province, municipalities."""
    return {}
