"""The document's own date and plan period (placeholder until the dates issue)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from extractors.document import Document


def document_date_and_period(doc: Document) -> tuple[Optional[dt.date], Optional[int], Optional[int]]:
    return None, None, None
