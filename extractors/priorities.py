"""Priority lists (placeholder until the structure issue)."""
from __future__ import annotations

from extractors.document import Document
from extractors.records import PriorityItem
from extractors.structure import Structure


def extract_priorities(doc: Document, structure: Structure) -> list[PriorityItem]:
    return []
