"""Why a document could not be read, in words that say what to do next."""
from __future__ import annotations


class DocumentError(Exception):
    """A document that yields a `documents` row with a non-ok status instead of records."""

    status = "failed"

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.message = message
        # the same bytes may read on a later run (a tool installed since): the next run tries again
        self.retryable = retryable


class UnreadableDocument(DocumentError):
    status = "failed"


class EmptyDocument(DocumentError):
    status = "empty"


class NeedsOCR(DocumentError):
    status = "needs_ocr"


class NotDutch(DocumentError):
    status = "not_dutch"
