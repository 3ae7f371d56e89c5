"""Municipality x priority tables (placeholder until the structure issue)."""
from __future__ import annotations

from extractors.document import Document
from extractors.records import MunicipalityPriority


def extract_municipality_priorities(doc: Document) -> tuple[list[MunicipalityPriority], list[str]]:
    """Rows and warnings (e.g. a column whose sum differs from its TOTAAL row)."""
    return [], []
