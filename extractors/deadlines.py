"""Deadlines (placeholder until the dates issue)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from extractors.document import Document
from extractors.records import Deadline, ThemeMention
from extractors.structure import Structure


def extract_deadlines(doc: Document, doc_date: Optional[dt.date], period: tuple[Optional[int], Optional[int]],
                      structure: Structure, mentions: list[ThemeMention]) -> list[Deadline]:
    return []
