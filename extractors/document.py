"""The in-memory document every extractor works on.

A `Document` holds the cleaned text of each page. All character offsets that
extractors report index into `Page.text` of the page they name, so that any
fact can be shown in its sentence.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional


@dataclass
class Page:
    number: int  # 1-based, as a reader of the document would count
    text: str  # cleaned text; offsets of every record point into this
    has_tables: bool = False  # reader saw ruling lines / table layout here
    spacy_doc: Any = None  # spaCy Doc over `text`, set by extractors.nlp
    # lines the cleaner removed as page furniture (running headers/footers, page labels): drafts
    # carry their version date there, and a running header often repeats the title
    furniture: list[str] = field(default_factory=list)
    # where `text` comes from: "text" (the file's text layer), "ocr" (read from the page image),
    # "not_read" (a scanned page OCR skipped: the page cap or the page timeout; its text is empty)
    source: str = "text"
    ocr_confidence: Optional[float] = None  # Tesseract's mean word confidence (0-100) on an "ocr" page with text

    def sentences(self) -> Iterator[tuple[int, int, str]]:
        """(start, end, text) of each sentence; whole lines when no parse exists."""
        return iter(self._sentence_list())

    def _sentence_list(self) -> list[tuple[int, int, str]]:
        # Extractors walk a page's sentences dozens of times; spaCy builds new Span objects
        # on every walk. Kept per parse (a page parsed later gets its sentences anew).
        cached = self.__dict__.get("_sentences_cache")
        if cached is not None and cached[0] is self.spacy_doc:
            return cached[1]
        if self.spacy_doc is not None:
            found = [(sent.start_char, sent.end_char, sent.text) for sent in self.spacy_doc.sents]
        else:
            found, start = [], 0
            for line in self.text.split("\n"):
                if line.strip():
                    found.append((start, start + len(line), line))
                start += len(line) + 1
        self.__dict__["_sentences_cache"] = (self.spacy_doc, found)
        return found

    def sentence_at(self, char_start: int, char_end: int | None = None) -> tuple[int, int, str]:
        """The sentence that contains `char_start` (start, end, text), whitespace collapsed."""
        bounds = self._sentence_bounds()
        starts = [b[0] for b in bounds]
        i = max(0, bisect.bisect_right(starts, char_start) - 1)
        if not bounds:
            return 0, len(self.text), " ".join(self.text.split())
        s, e = bounds[i]
        if char_end is not None:
            # A match that crosses a sentence boundary keeps both sentences.
            while i + 1 < len(bounds) and bounds[i][1] < char_end:
                i += 1
                e = bounds[i][1]
        return s, e, " ".join(self.text[s:e].split())

    def _sentence_bounds(self) -> list[tuple[int, int]]:
        cached = self.__dict__.get("_bounds_cache")
        if cached is None or cached[0] is not self.spacy_doc:
            cached = (self.spacy_doc, [(s, e) for s, e, _ in self._sentence_list()])
            self.__dict__["_bounds_cache"] = cached
        return cached[1]


@dataclass
class Document:
    doc_id: str  # first 16 hex digits of the sha256 of the file's bytes
    source_path: str
    sha256: str
    source_format: str  # txt, md, pdf, docx
    pages: list[Page] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what cleaning/reading did, for the log
    # page 1 as the reader returned it: the cover's title block, which the cleaner may have
    # dropped because a running header repeats it on later pages
    first_page_as_read: str = ""

    @property
    def text(self) -> str:
        return "\n\f".join(p.text for p in self.pages)

    @property
    def n_chars(self) -> int:
        return sum(len(p.text) for p in self.pages)

    @property
    def ocr_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.source == "ocr"]

    @property
    def unread_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.source == "not_read"]

    def page(self, number: int) -> Page:
        return self.pages[number - 1]


def document_from_text(text: str, doc_id: str = "test", source_path: str = "<text>") -> Document:
    """A Document over in-memory text; form feeds split pages. For tests and `ivp extract -`."""
    import hashlib

    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    pages = [Page(i + 1, t) for i, t in enumerate(text.split("\f"))]
    return Document(doc_id=doc_id, source_path=source_path, sha256=sha, source_format="txt", pages=pages)
