"""Headings, sections and lists of a document (placeholder until the structure issue)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from extractors.document import Document


@dataclass
class Heading:
    page: int
    char_start: int
    char_end: int
    text: str  # without numbering/markup
    level: int = 1
    number: Optional[str] = None  # "3.1", "1", "a"


@dataclass
class ListItem:
    page: int
    char_start: int
    char_end: int
    text: str  # lines joined, marker removed
    marker: str = ""  # "1.", "•", "a)"
    depth: int = 0


@dataclass
class ListBlock:
    page: int
    title: Optional[str]  # the heading or lead-in line the list belongs to
    items: list[ListItem] = field(default_factory=list)
    heading: Optional[Heading] = None
    ordered: bool = False


@dataclass
class Structure:
    headings: list[Heading] = field(default_factory=list)
    lists: list[ListBlock] = field(default_factory=list)

    def heading_at(self, page: int, offset: int) -> Optional[Heading]:
        """The last heading at or before (page, offset)."""
        best = None
        for h in self.headings:
            if (h.page, h.char_start) <= (page, offset):
                best = h
            else:
                break
        return best


def parse_structure(doc: Document) -> Structure:
    return Structure()
