"""Plain records the extractors return; one dataclass per contract table.

Field names are the column names of the output contract (see README). Extra
fields are allowed; renaming one breaks users' scripts.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Optional


@dataclass
class DocumentRecord:
    doc_id: str
    source_path: str
    sha256: str
    title: Optional[str] = None
    doc_type: Optional[str] = None
    issuer: Optional[str] = None
    region: Optional[str] = None
    police_unit: Optional[str] = None
    province: Optional[str] = None
    doc_date: Optional[str] = None  # ISO YYYY-MM-DD
    period_start: Optional[int] = None  # first year of the plan period
    period_end: Optional[int] = None
    pages: int = 0
    n_chars: int = 0
    language: Optional[str] = None
    status: str = "ok"  # ok, partial (some scanned pages not read), failed, empty, needs_ocr, not_dutch
    error: Optional[str] = None
    extractor_version: str = ""
    source_format: Optional[str] = None
    municipalities: Optional[str] = None  # ';'-joined CBS codes the region resolves to
    spacy_model: Optional[str] = None
    # True when the failure may pass on its own (timeout, crashed worker, I/O); the next run
    # retries it. A damaged or encrypted file fails the same way until its bytes change.
    retryable: bool = False
    ocr_pages: int = 0  # pages whose text Tesseract read from the page image (no text layer)
    ocr_confidence: Optional[float] = None  # mean of those pages' word confidence, 0-100
    doc_date_precision: Optional[str] = None  # day, or month for a cover that gives only "mei 2020" (the 15th)


@dataclass
class ThemeMention:
    doc_id: str
    theme_id: str
    surface: str  # the text as written
    match_kind: str  # exact, lemma, abbreviation, fuzzy; item (a chosen item, mapped), document (its own words)
    score: float  # 100 for exact matches
    page: int
    char_start: int
    char_end: int
    sentence: str
    term: str = ""  # the vocabulary term that matched
    # where the page's text comes from: "text" (the file's text layer) or "ocr" (Tesseract), and
    # Tesseract's mean word confidence (0-100) on an OCR page, for reviewing low-quality pages
    page_source: str = "text"
    ocr_confidence: Optional[float] = None


@dataclass
class Theme:
    doc_id: str
    theme_id: str
    theme_label: str
    parent_theme_id: Optional[str]
    vng_field: Optional[str]
    prioritized: bool
    rank: Optional[int]
    mentions: int
    first_page: int
    evidence: Optional[str] = None  # the heading/list item that made it a priority


@dataclass
class PriorityItem:
    doc_id: str
    list_title: str
    ranked: bool
    rank: Optional[int]  # position in the list when ranked, else None
    item_text: str
    theme_id: Optional[str]
    page: int
    list_index: int = 0  # which list of the document (0-based)
    position: int = 0  # 1-based order in the list, ranked or not
    char_start: int = 0
    char_end: int = 0
    adopted: bool = True  # the issuer's own list, not one it reports from others
    # where the page's text comes from: "text" (the file's text layer) or "ocr" (Tesseract), and
    # Tesseract's mean word confidence (0-100) on an OCR page, for reviewing low-quality pages
    page_source: str = "text"
    ocr_confidence: Optional[float] = None


@dataclass
class Deadline:
    doc_id: str
    date: str  # ISO YYYY-MM-DD, the representative day of `precision`
    precision: str  # day, month, quarter, half, year
    timex: str  # TIMEX3 value truncated to what the text says
    mod: Optional[str]  # TIMEX3 modifier
    date_text: str  # the date expression as written
    cue: Optional[str]  # the word that makes it a deadline (uiterlijk, gereed, ...)
    what: Optional[str]  # what is due, a short clause
    theme_id: Optional[str]
    page: int
    char_start: int
    char_end: int
    sentence: str
    year_inferred: bool = False
    actor: Optional[str] = None
    # "uiterlijk eind 2014": mod END, relation ON_OR_BEFORE (TIMEX3 has one mod; both matter)
    relation: Optional[str] = None
    range_start: Optional[str] = None  # ISO first day when the expression is a range ("April/mei '23")
    # where the page's text comes from: "text" (the file's text layer) or "ocr" (Tesseract), and
    # Tesseract's mean word confidence (0-100) on an OCR page, for reviewing low-quality pages
    page_source: str = "text"
    ocr_confidence: Optional[float] = None


@dataclass
class MunicipalityPriority:
    doc_id: str
    municipality: str  # as written
    cbs_code: Optional[str]
    column_label: str
    theme_id: Optional[str]
    value: Optional[str]
    page: int = 0


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: DocumentRecord
    themes: list[Theme] = field(default_factory=list)
    theme_mentions: list[ThemeMention] = field(default_factory=list)
    priorities: list[PriorityItem] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    municipality_priorities: list[MunicipalityPriority] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds, for bench/

    def tables(self) -> dict[str, list[dict]]:
        return {
            "documents": [asdict(self.document)],
            "themes": [asdict(r) for r in self.themes],
            "theme_mentions": [asdict(r) for r in self.theme_mentions],
            "priorities": [asdict(r) for r in self.priorities],
            "deadlines": [asdict(r) for r in self.deadlines],
            "municipality_priorities": [asdict(r) for r in self.municipality_priorities],
        }


#: contract table -> record class; the writer uses it for column order and empty tables.
TABLE_RECORDS = {
    "documents": DocumentRecord,
    "themes": Theme,
    "theme_mentions": ThemeMention,
    "priorities": PriorityItem,
    "deadlines": Deadline,
    "municipality_priorities": MunicipalityPriority,
}


def columns(record_cls) -> list[str]:
    return [f.name for f in fields(record_cls)]
