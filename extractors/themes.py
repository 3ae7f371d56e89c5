"""Theme mentions and per-document theme summary (minimal until the themes issue)."""
from __future__ import annotations

from extractors.document import Document
from extractors.records import PriorityItem, Theme, ThemeMention
from extractors.structure import Structure


def find_mentions(doc: Document) -> list[ThemeMention]:
    return []


def summarize(doc: Document, mentions: list[ThemeMention], structure: Structure,
              priorities: list[PriorityItem]) -> list[Theme]:
    return []


def theme_for_text(text: str) -> str | None:
    """The main theme a short text (heading, list item, table header) names, or None."""
    return None
