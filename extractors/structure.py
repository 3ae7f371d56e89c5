"""Headings, sections and lists of a document.

Works line by line on the cleaned page text, so it reads markdown, plain text and
the text layer of PDFs alike. PDF text breaks list items over lines (sometimes
with blank lines in between) and loses bold type, so headings are also recognised
by their shape: numbered ("3.1. Prioriteit ..."), keyword-led ("Thema 1: ..."),
or short lines that start with a capital and carry no closing punctuation.
Every offset indexes into `Page.text` of the page named.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from extractors.document import Document
from extractors.vocab import load_yaml, require


@dataclass
class Heading:
    page: int
    char_start: int
    char_end: int
    text: str  # without numbering/markup
    level: int = 1
    number: Optional[str] = None  # "3.1", "1", "a"
    kind: str = "plain"  # markdown, bold, numbered, keyword, plain
    keyword: Optional[str] = None  # "thema" for "Thema 1: Ondermijning"
    raw: str = ""  # the line as written, markup stripped


@dataclass
class ListItem:
    page: int
    char_start: int
    char_end: int
    text: str  # lines joined, marker removed
    marker: str = ""  # "1.", "•", "a)"
    depth: int = 0
    number: Optional[str] = None  # "1", "5.a", "b" for ordered markers
    family: str = ""  # bullet, digit, letter, roman


@dataclass
class ListBlock:
    page: int
    title: Optional[str]  # the heading or lead-in line the list belongs to
    items: list[ListItem] = field(default_factory=list)
    heading: Optional[Heading] = None
    ordered: bool = False
    lead_in: Optional[str] = None  # the sentence ending in ':' right before the list
    lead_in_context: Optional[str] = None  # the sentence before a weak lead-in ("Het gaat om:")
    char_start: int = 0
    char_end: int = 0
    table_like: bool = False  # rows that end in runs of numbers: a table, not a list

    @property
    def top_items(self) -> list[ListItem]:
        return [i for i in self.items if i.depth == 0]


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

    def heading_chain(self, page: int, offset: int) -> list[Heading]:
        """The nearest heading and the ones above it of ever lower level, nearest first."""
        chain: list[Heading] = []
        for h in reversed(self.headings):
            if (h.page, h.char_start) > (page, offset):
                continue
            if not chain or h.level < chain[-1].level:
                chain.append(h)
                if h.level <= 1:
                    break
        return chain

    def headings_between(self, a: tuple[int, int], b: tuple[int, int]) -> list[Heading]:
        return [h for h in self.headings if a < (h.page, h.char_start) < b]


# ---------------------------------------------------------------- vocabulary

@functools.cache
def vocab() -> dict:
    def validate(data):
        require(isinstance(data, dict), "expected a mapping")
        for key in ("heading_keywords", "priority_heading_keywords", "list_cues_re", "non_priority_cues_re",
                    "ranking_cues_re", "reported_cues_re", "own_cues_re", "example_cues_re", "summary_headings_re", "weak_lead_in_re",
                    "continuation_words", "sentence_starters", "bullets", "field_labels", "tables",
                    "max_median_item_words", "fuzzy_cue_words", "fuzzy_cue_min_ratio"):
            require(key in data, f"missing key {key!r}")
        for key in [k for k in data if k.endswith("_re")]:
            require(isinstance(data[key], list) and data[key], f"{key} must be a non-empty list")
            for pattern in data[key]:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise AssertionError(f"{key}: bad pattern {pattern!r}: {exc}")
        tables = data["tables"]
        require(isinstance(tables, dict) and {"marks", "empty_cells", "total_labels", "min_municipality_rows"} <= set(tables),
                "tables needs marks, empty_cells, total_labels and min_municipality_rows")
        hk = data["heading_keywords"]
        require(isinstance(hk, dict) and set(hk) == {"level1", "level2"}, "heading_keywords needs level1 and level2")

    data = load_yaml("structure.yaml", validate)
    out = dict(data)
    for key in [k for k in data if k.endswith("_re")]:
        out[key[:-3] + "_rx"] = [re.compile(p, re.IGNORECASE) for p in data[key]]
    kw1 = [k.lower() for k in data["heading_keywords"]["level1"]]
    kw2 = [k.lower() for k in data["heading_keywords"]["level2"]]
    out["kw_level"] = {**{k: 2 for k in kw2}, **{k: 1 for k in kw1}}
    words = sorted(out["kw_level"], key=len, reverse=True)
    out["keyword_heading_rx"] = re.compile(
        r"^(?P<kw>" + "|".join(re.escape(w) for w in words) + r")\b"
        r"(?:\s+(?P<num>\d{1,3}(?:\.\d{1,2})*[a-z]?|[IVXLC]{1,6}|[A-Z])\b)?"
        r"\s*(?P<sep>[:.\-–—]?)\s*(?P<rest>.*)$", re.IGNORECASE)
    out["continuation_set"] = {w.lower() for w in data["continuation_words"]}
    out["starter_set"] = set(data["sentence_starters"])
    single = [b for b in data["bullets"] if b != "o"]
    out["bullet_rx"] = re.compile(
        r"^(?P<indent>[ \t]*)(?P<marker>[" + "".join(re.escape(b) for b in single) + r"]|o(?=[ \t]{2,}|\t))"
        r"[ \t]+(?P<text>\S.*)$")
    labels = sorted({l.lower() for l in data["field_labels"]}, key=len, reverse=True)
    # Labels that are also ordinary words or heading keywords ("Van", "Bijlage 2: ...") need a
    # colon, a tab or a wide gap; the others also count with a single space ("Datum 9 mei 2023").
    ambiguous = set(out["kw_level"]) | {"aan", "van", "cc", "ons", "bijlagen", "uw brief", "afdeling"}
    loose = [l for l in labels if l not in ambiguous]
    out["field_rx"] = re.compile(
        r"^(?:(?:" + "|".join(re.escape(l) for l in labels) + r")(?:\s*:|\t|\s{2,})"
        r"|(?:" + "|".join(re.escape(l) for l in loose) + r")\s+\S)", re.IGNORECASE)
    return out


# Ordered markers: "1.", "1)", "(1)", "5.a", "a.", "a)", "iv."; upper-case letters only with ")"
# so that initials ("J. Wienen") are not list items.
_ORDERED_RX = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>\(?(?P<num>\d{1,3}(?:\.[a-z])?|[a-z]|[ivx]{1,4}|[IVX]{2,5}|[IVX](?=\.\s+[A-Z][a-z])|[A-Z](?=\)))(?P<punct>[.)])"
    r"(?:(?<=\d\.)(?P<sub>[a-z])\b)?)[ \t]+(?P<text>\S.*)$")
_SUBLETTER_RX = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>(?P<num>\d{1,3}\.[a-z]))[ \t]+(?P<text>\S.*)$")
_MULTI_NUM_RX = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?P<text>[^\W\d_].*)$")
_SINGLE_NUM_RX = re.compile(r"^(?P<num>\d{1,2}|[a-z])[.)]\s+(?P<text>[^\W\d_].*)$")
_MD_RX = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*$")
_BOLD_RX = re.compile(r"^(?:\*\*|__)(?P<text>[^*_].*?)(?:\*\*|__)\s*:?$")
_LINK_RX = re.compile(r"^\[(?P<text>[^\]]+)\]\([^)]*\)$")
_TAG_RX = re.compile(r"<[^>]+>")
_WS_RX = re.compile(r"\s+")
_NUMERIC_TOKEN = re.compile(r"^[\d.,%€+-]+$")
_ROMAN = re.compile(r"^[ivx]{1,4}$")


@dataclass
class _Line:
    page: int
    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    raw: str  # the whole line as in the page text
    text: str  # stripped

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def indent(self) -> int:
        lead = self.raw[: len(self.raw) - len(self.raw.lstrip())]
        return len(lead.replace("\t", "    "))


def _lines(page_no: int, text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        out.append(_Line(page_no, pos + lead, pos + lead + len(stripped), raw, stripped))
        pos += len(raw) + 1
    return out


def strip_markup(text: str) -> str:
    """Markdown emphasis, links and html tags removed; whitespace collapsed."""
    text = _TAG_RX.sub("", text)
    m = _LINK_RX.match(text.strip())
    if m:
        text = m.group("text")
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return _WS_RX.sub(" ", text).strip()


def collapse(text: str) -> str:
    return _WS_RX.sub(" ", text).strip()


# ---------------------------------------------------------------- line classification

def _list_marker(line: _Line) -> Optional[dict]:
    """The marker of a list item line, or None."""
    v = vocab()
    m = _SUBLETTER_RX.match(line.raw)
    if m:
        return {"marker": m.group("marker"), "num": m.group("num"), "family": "digit", "text": m.group("text"),
                "punct": "."}
    m = _ORDERED_RX.match(line.raw)
    if m:
        num = m.group("num")
        if m.group("sub"):
            num = f"{num}.{m.group('sub')}"
        if num[0].isdigit():
            family = "digit"
        elif re.fullmatch(r"[IVX]+", num) or (_ROMAN.match(num) and num != "i"):
            family = "roman"
        else:
            family = "letter"
        return {"marker": m.group("marker").strip(), "num": num, "family": family, "text": m.group("text"),
                "punct": m.group("punct")}
    m = v["bullet_rx"].match(line.raw)
    if m:
        text = m.group("text")
        # "- 3 -" page numbers and "--- " rules are not items
        if re.fullmatch(r"[-–—*\s\d]*", text):
            return None
        return {"marker": m.group("marker"), "num": None, "family": "bullet", "text": text}
    return None


def _is_field_line(text: str) -> bool:
    return bool(vocab()["field_rx"].match(text))


def is_field_line(text: str) -> bool:
    """A letter-head field ("Datum: ...", "Kenmerk 2024/17"), never a heading or a title."""
    return _is_field_line(text)


def _ends_open(text: str) -> bool:
    """True when a line stops mid-phrase: no closing punctuation, or a hyphen/comma/function word."""
    t = text.rstrip()
    if not t:
        return False
    if t[-1] in ",-–(/&+":
        return True
    if t[-1] in ".;:!?)”’'\"*":
        return False
    if t[-1].isdigit():
        return False  # "Onze top 3 voor 2024": a number closes the phrase the word before it opened
    last = re.findall(r"[^\W\d_]+", t.lower())
    return bool(last) and last[-1] in vocab()["continuation_set"]


def _continues(prev_text: str, nxt: _Line) -> bool:
    """Whether line `nxt` continues the sentence broken after `prev_text`."""
    t = nxt.text
    if not t:
        return False
    first = t[0]
    if first.islower():
        return prev_text.rstrip()[-1:] not in ".!?" or prev_text.rstrip().endswith("etc.")
    if first.isdigit() or first in "(&%":
        return _ends_open(prev_text) or prev_text.rstrip()[-1:] not in ".;:!?"
    # "(High Impact" / "Crime)": a bracket left open goes on on the next line
    return _ends_open(prev_text) or (prev_text.count("(") > prev_text.count(")") and ")" in t)


_YEAR_END = re.compile(r"(?<=\S)\s+(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?$")
_YEARS = re.compile(r"^(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?$")


def _numeric_tail(text: str, titles: bool = False) -> int:
    """How many numeric tokens end the line (table rows: 'Assen 1 1 1 1').

    With `titles`, one year or year range at the end of a line with words before it
    is part of a title ("Integraal Veiligheidsplan 2023-2026", "Jaarverslag 2023").
    """
    n = 0
    toks = text.split()
    for tok in reversed(toks):
        if _NUMERIC_TOKEN.match(tok):
            n += 1
        else:
            break
    if titles and n == 1 and len(toks) >= 2 and _YEARS.match(toks[-1]):
        return 0
    return n


def _heading_from_line(i: int, lines: list[_Line], numbered_nearby, heading_lines: set = frozenset()) -> Optional[Heading]:
    line = lines[i]
    t = line.text
    if not t or len(t) > 160:
        return None
    v = vocab()
    prev = next((l for l in reversed(lines[:i]) if not l.blank), None)
    prev_adjacent = i > 0 and not lines[i - 1].blank
    nxt = lines[i + 1] if i + 1 < len(lines) else None

    def make(text, level, kind, number=None, keyword=None):
        text = strip_markup(text).strip()
        text = re.sub(r"\s*:$", "", text).strip()
        if not text:
            return None
        return Heading(line.page, line.start, line.end, text, level, number, kind, keyword, strip_markup(t))

    m = _MD_RX.match(t)
    if m:
        inner = strip_markup(m.group("text"))
        level = len(m.group("hashes"))
        n = _SINGLE_NUM_RX.match(inner) or _MULTI_NUM_RX.match(inner)
        if n:
            return make(n.group("text"), level, "markdown", n.group("num"))
        k = v["keyword_heading_rx"].match(inner)
        if k and k.group("num"):
            return make(k.group("rest") or inner, level, "markdown", k.group("num"), k.group("kw").lower())
        return make(inner, level, "markdown")
    if _is_field_line(t):
        return None
    lower_next = nxt is not None and not nxt.blank and nxt.text[:1].islower()
    m = _BOLD_RX.match(t)
    if m:
        inner = strip_markup(m.group("text"))
        n = _SINGLE_NUM_RX.match(inner) or _MULTI_NUM_RX.match(inner)
        if n:
            return make(n.group("text"), 3, "bold", n.group("num"))
        return make(inner, 3, "bold")
    m = _LINK_RX.match(t)
    if m and len(m.group("text").split()) <= 12:
        return make(m.group("text"), 3, "plain")
    words = t.split()
    closed = t.rstrip()[-1:] in ".;,"
    if _ends_open(t):
        return None  # a line broken mid-phrase is running text, whatever its shape
    m = v["keyword_heading_rx"].match(t)
    if m and lower_next and not (m.group("num") and m.group("sep") == ":"):
        return None
    if m and len(words) <= 16 and not closed:
        kw = m.group("kw").lower()
        rest = m.group("rest")
        if rest[:1].islower() and m.group("sep") != ":":
            return None  # "Bijlage 3 geeft een overzicht ...": a sentence, not a heading
        # "Thema 1: X", "Bijlage 2: X", "Cluster II X" or a short "Thema Zorg en Veiligheid";
        # not a sentence that merely starts with the word ("Thema's die ...").
        if m.group("num") or (m.group("sep") == ":" and rest) or (len(words) <= 8 and t[0].isupper()
                                                                    and (not rest or rest[:1].isupper())):
            if m.group("num") or rest[:1] not in ("'", "’"):
                return make(rest or t, v["kw_level"][kw], "keyword", m.group("num"), kw)
    if lower_next:
        return None
    m = _MULTI_NUM_RX.match(t)
    if m and len(words) <= 16 and not closed and _numeric_tail(t) == 0:
        return make(m.group("text"), m.group("num").count(".") + 1, "numbered", m.group("num"))
    m = _SINGLE_NUM_RX.match(t)
    if m:
        if (len(words) <= 12 and not closed and m.group("num").isdigit() and t[len(m.group("num")) + 2:][:1].isupper()
                and _numeric_tail(t) == 0 and not numbered_nearby(i, m.group("num"))):
            return make(m.group("text"), 1, "numbered", m.group("num"))
        return None
    if _list_marker(line):
        return None
    # A short line that starts with a capital and has no closing punctuation, set apart
    # from running text (PDF text loses bold type, this is what is left of it).
    if (1 <= len(words) <= 10 and len(t) <= 90 and t[0].isupper() and not closed
            and not (t.endswith(":") and len(words) > 4)
            and _numeric_tail(t, titles=True) < max(1, len(words) // 2)
            and sum(c.isdigit() for c in _YEAR_END.sub("", t)) <= len(t) * 0.3):
        prev_is_heading = prev_adjacent and ((i - 1) in heading_lines or _is_field_line(prev.text))
        if (prev is None or not prev_adjacent or prev.text.rstrip()[-1:] in ".!?:;" or _is_heading_shape(prev.text)
                or prev_is_heading):
            return make(t, 4, "plain")
    return None


def _is_heading_shape(text: str) -> bool:
    return bool(_MD_RX.match(text) or _BOLD_RX.match(text))


# ---------------------------------------------------------------- parsing

_TOC_ENTRY_RX = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)[.)]?\s+(?P<text>[^\W\d_].*)$")
_TOC_PAGE_NO = re.compile(r"(?:\s*\.{2,}\s*|\s*…+\s*|\s{2,}|\t+|\s+)\d{1,3}$")


def _toc_key(text: str) -> str:
    text = _TOC_PAGE_NO.sub("", collapse(text))
    return re.sub(r"[\s.:]+$", "", text).casefold()


def _toc_section_lines(doc: Document) -> dict[int, dict[int, str]]:
    """Numbered lines that repeat an entry of a table of contents: section headings.

    A contents list ("1. Inleiding", "2. Prioriteiten 2025", ...) numbers the same
    sections the document numbers later, so "2. Prioriteiten 2025" looks like an item
    of a list that began at "1. Inleiding" a few lines up. An entry counts as a
    heading when it repeats a contents entry (same number, same words) and running
    text separates it from the next repeated entry; a list that is merely repeated
    (a summary, then the chapter) has no text between its items.
    Returns page -> line index -> number.
    """
    flat: list[tuple[int, int, Optional[tuple[str, str]]]] = []  # page, line index, (num, key) of an entry
    for page in doc.pages:
        for i, line in enumerate(_lines(page.number, page.text)):
            if line.blank:
                continue
            t = line.text
            m = None if _is_heading_shape(t) else _TOC_ENTRY_RX.match(t)
            entry = None
            if m:
                body = m.group("text")
                key = _toc_key(body)
                words = key.split()
                if (1 <= len(words) <= 12 and body[:1].isupper() and not body.rstrip().endswith((";", ",", "?", "!"))
                        and not _ends_open(_TOC_PAGE_NO.sub("", body))):
                    entry = (m.group("num"), key)
            flat.append((page.number, i, entry))
    out: dict[int, dict[int, str]] = {}
    where: dict[tuple[str, str], list[int]] = {}  # entry -> its positions in `flat`, ascending
    plain = [0]  # plain[x]: lines that are no entry among flat[:x]
    for x, (_, _, entry) in enumerate(flat):
        if entry is not None:
            where.setdefault(entry, []).append(x)
        plain.append(plain[-1] + (entry is None))
    k = 0
    while k < len(flat):
        # a contents run: adjacent entries whose top-level numbers go 1, 2, 3, ...
        run, j, expect = [], k, 1
        while j < len(flat) and flat[j][2] is not None:
            num = flat[j][2][0]
            top = int(num.split(".")[0])
            if "." not in num:
                if top != expect:
                    break
                expect += 1
            elif top != expect - 1:
                break
            run.append(j)
            j += 1
        if expect - 1 < 3:
            k = max(k + 1, j if run else k + 1)
            continue
        found = []
        for e in {flat[r][2] for r in run}:
            later = where[e][bisect.bisect_left(where[e], j):]
            if later:
                found.append(later[0])
        found.sort()
        spread = all(plain[b] - plain[a + 1] > 0 for a, b in zip(found, found[1:]))
        if len(found) >= 2 and spread:
            for x in found:
                out.setdefault(flat[x][0], {})[flat[x][1]] = flat[x][2][0]
        k = j
    return out


def parse_structure(doc: Document) -> Structure:
    headings: list[Heading] = []
    lists: list[ListBlock] = []
    sections = _toc_section_lines(doc)
    parsed = {page.number: _parse_page(page.number, page.text, sections.get(page.number, {})) for page in doc.pages}
    # sections numbered across pages (PDF text: "2. Thema's" on one page, "3. Partners" on the next)
    for page_no, extra in _cross_page_sections(doc, parsed).items():
        merged = {**sections.get(page_no, {}), **extra}
        parsed[page_no] = _parse_page(page_no, doc.page(page_no).text, merged)
    for page in doc.pages:
        h, l = parsed[page.number]
        headings.extend(h)
        lists.extend(l)
    structure = Structure(headings, [])
    for block in lists:
        block.heading = structure.heading_at(block.page, block.char_start)
        if block.title is None and block.heading is not None:
            block.title = block.heading.text
    structure.lists = lists
    return structure


def _cross_page_sections(doc: Document, parsed: dict) -> dict[int, dict[int, str]]:
    """Digit-marker lines that number sections when the whole document is read at once:
    the same test as within a page (_section_run_lines), over the pages joined. Only lines
    not already read as headings are returned (page -> line index -> number)."""
    if len(doc.pages) < 2:
        return {}
    flat: list[Optional[dict]] = []
    where: list[tuple[int, int, _Line]] = []
    strong: dict[int, str] = {}
    known: set[tuple[int, int]] = set()
    for page in doc.pages:
        heads = {h.char_start: h for h in parsed[page.number][0]}
        lines = _lines(page.number, page.text)
        for i, line in enumerate(lines):
            if line.blank:
                continue
            h = heads.get(line.start)
            if h is not None:
                known.add((page.number, i))
                if _opens_subsections(h):
                    strong[len(flat)] = h.number
            flat.append(_list_marker(line))
            where.append((page.number, i, line))
    out: dict[int, dict[int, str]] = {}
    for k in _section_run_lines(flat, strong):
        page_no, i, line = where[k]
        mk = flat[k]
        text = strip_markup(mk["text"]).strip()
        if ((page_no, i) in known or not text or len(text.split()) > 12 or text.rstrip()[-1:] in ".;,?!"
                or not text[0].isupper() or "." in mk["num"]):
            continue
        if k + 1 < len(flat) and not flat[k + 1] and where[k + 1][2].text[:1].islower():
            continue  # the line runs on: an item broken over lines
        out.setdefault(page_no, {})[i] = mk["num"]
    return out


@dataclass
class _PageLines:
    """The lines of one page, their list markers and the headings found so far."""
    lines: list[_Line]
    markers: list[Optional[dict]]
    heading_at_line: dict[int, Heading] = field(default_factory=dict)

    def __post_init__(self):
        self.nonblank_idx = [i for i, l in enumerate(self.lines) if not l.blank]
        self.pos_in_nonblank = {i: k for k, i in enumerate(self.nonblank_idx)}

    def numbered_nearby(self, i: int, num: str, window: int = 15) -> bool:
        """Another item with the neighbouring number close by: then "N. Text" is a list item."""
        if not num.isdigit():
            return False
        before, after = str(int(num) - 1), str(int(num) + 1)
        own = self.markers[i]
        k = self.pos_in_nonblank[i]
        # the closest digit marker on each side must continue the sequence
        prev_mk = next_mk = None
        for j in reversed(self.nonblank_idx[max(0, k - window): k]):
            if self.markers[j] and self.markers[j]["family"] == "digit":
                prev_mk = self.markers[j]
                break
        for j in self.nonblank_idx[k + 1: k + window + 1]:
            if self.markers[j] and self.markers[j]["family"] == "digit":
                next_mk = self.markers[j]
                break
        for mk, want in ((prev_mk, before), (next_mk, after)):
            if (mk and mk["num"].split(".")[0] == want
                    and (own is None or mk.get("punct") == own.get("punct"))):
                return True
        return False

    def next_nonblank(self, i: int) -> Optional[int]:
        j = i + 1
        while j < len(self.lines) and self.lines[j].blank:
            j += 1
        return j if j < len(self.lines) else None

    def numbering_goes_on(self, i: int, mk: dict, max_lines: int = 8) -> bool:
        """The same kind of marker with the next number follows before any other marker or heading."""
        seen = 0
        for j in range(i + 1, len(self.lines)):
            if self.lines[j].blank:
                continue
            if j in self.heading_at_line:
                return False
            other = self.markers[j]
            if other:
                return other["family"] == mk["family"] and _follows(mk["num"], other["num"])
            seen += 1
            if seen > max_lines:
                return False
        return False

    def ends_a_sequence(self, i: int, mk: dict, window: int = 15) -> bool:
        """The nearest marker above of the same kind has the number before this one ("c)" above
        "d)"): the last item of a list that running text follows, not a heading."""
        k = self.pos_in_nonblank[i]
        for j in reversed(self.nonblank_idx[max(0, k - window): k]):
            other = self.markers[j]
            if other and other["family"] == mk["family"]:
                return other.get("punct") == mk.get("punct") and _follows(other["num"], mk["num"])
        return False


def _line_headings(pl: _PageLines, sections: dict[int, str]) -> None:
    """Headings by their own shape (numbered, keyword-led, markup, short title lines) and the
    lines that repeat an entry of the table of contents."""
    lines, markers, heading_at_line = pl.lines, pl.markers, pl.heading_at_line
    numbered_nearby = pl.numbered_nearby
    for i in range(len(lines)):
        if i in sections:
            line = lines[i]
            m = _TOC_ENTRY_RX.match(line.text)
            body = re.sub(r"\s*:$", "", strip_markup(m.group("text")))
            h = Heading(line.page, line.start, line.end, body, sections[i].count(".") + 1, sections[i], "numbered",
                        None, strip_markup(line.text))
        else:
            h = _heading_from_line(i, lines, numbered_nearby, heading_at_line.keys())
        if h:
            heading_at_line[i] = h


def _section_run_headings(pl: _PageLines) -> None:
    lines, markers, heading_at_line = pl.lines, pl.markers, pl.heading_at_line
    next_nonblank = pl.next_nonblank
    # A numbered run that goes on after another list restarted at 1 in between ("2. Analyse",
    # "1. ...", "2. ...", "3. Onze keuzes") numbers sections: its title-like lines are headings.
    strong = {i: h.number for i, h in heading_at_line.items() if _opens_subsections(h)}
    for i in _section_run_lines(markers, strong):
        mk = markers[i]
        text = strip_markup(mk["text"]).strip()
        if (i in heading_at_line or not text or len(text.split()) > 12 or text.rstrip()[-1:] in ".;,?!"
                or not text[0].isupper()):
            continue
        j = next_nonblank(i)
        if j is not None and not markers[j] and lines[j].text[:1].islower():
            continue  # the line runs on: an item broken over lines
        line = lines[i]
        heading_at_line[i] = Heading(line.page, line.start, line.end, re.sub(r"\s*:$", "", text), 1, mk["num"],
                                     "numbered", None, collapse(line.text))
        markers[i] = None


def _marker_headings(pl: _PageLines) -> set[int]:
    """Returns the lines a wrapped heading took over."""
    lines, markers, heading_at_line = pl.lines, pl.markers, pl.heading_at_line
    numbered_nearby, next_nonblank = pl.numbered_nearby, pl.next_nonblank
    numbering_goes_on, ends_a_sequence = pl.numbering_goes_on, pl.ends_a_sequence
    # Marker lines that head a section rather than open an item: "a. De top 10 ...:" right
    # above a numbered list, or "2. De Veiligheidsstrategie" followed by running text and
    # no "3." soon after. PDF text has no blank lines or bold type to tell them apart.
    consumed: set[int] = set()
    for i, mk in enumerate(markers):
        if not mk or mk["family"] == "bullet" or i in heading_at_line:
            continue
        text = strip_markup(mk["text"]).strip()
        if (not text or len(text.split()) > 12 or text.rstrip()[-1:] in ".;,?!" or not text[0].isupper()
                or (mk["family"] == "digit" and numbered_nearby(i, mk["num"].split(".")[0]))):
            continue
        j = next_nonblank(i)
        spans = [i]
        if j is not None and not markers[j] and _ends_open(text) and len(lines[j].text.split()) <= 4 \
                and lines[j].text.rstrip()[-1:] not in ".;,:" and j not in heading_at_line:
            spans.append(j)  # a heading wrapped onto a second line
            j = next_nonblank(j)
        if j is None:
            continue
        nxt = markers[j]
        if nxt:
            is_heading = nxt["family"] not in (mk["family"], "bullet")
        else:
            is_heading = (j not in heading_at_line and lines[j].text[:1].isupper()
                          and not numbering_goes_on(spans[-1], mk) and not ends_a_sequence(i, mk))
        if not is_heading:
            continue
        first, last = lines[spans[0]], lines[spans[-1]]
        full = collapse(" ".join([text] + [lines[k].text for k in spans[1:]]))
        level = 2 if mk["family"] == "letter" else 1
        h = Heading(first.page, first.start, last.end, re.sub(r"\s*:$", "", full), level, mk["num"], "numbered",
                    None, collapse(" ".join(lines[k].text for k in spans)))
        heading_at_line[i] = h
        consumed.update(spans[1:])
        markers[i] = None
    for k in consumed:
        markers[k] = None
        heading_at_line.pop(k, None)
    return consumed


class _ListReader:
    """Reads the list blocks of one page, line by line, once its headings are known."""

    def __init__(self, page_no: int, lines: list[_Line], markers: list[Optional[dict]],
                 heading_at_line: dict[int, Heading], consumed: set[int], width: int):
        self.page_no, self.lines, self.markers = page_no, lines, markers
        self.heading_at_line, self.consumed, self.width = heading_at_line, consumed, width
        self.blocks: list[ListBlock] = []
        self.current: Optional[ListBlock] = None
        self.item_lines: list[_Line] = []  # lines of the open item
        self.open_item: Optional[dict] = None
        self.base_indent = 0
        self.top_family = ""

    def close_item(self):
        if self.open_item is None or self.current is None:
            self.open_item, self.item_lines = None, []
            return
        first = self.item_lines[0]
        start = first.start + len(first.text) - len(self.open_item["text"].strip())
        end = self.item_lines[-1].end
        parts = [self.open_item["text"].strip()] + [l.text for l in self.item_lines[1:]]
        joined = parts[0]
        for p in parts[1:]:
            # "vreemde-\nlingenketen", "Hoogezand-\nSappemeer": the hyphen stays, the break goes
            if re.search(r"[^\W\d_]-$", joined) and p[:1].isalpha() and not re.match(r"(en|of|tot)\b", p):
                joined += p
            else:
                joined += " " + p
        item_text = strip_markup(joined)
        item_text = re.sub(r"\s*[;,]\s*(?:en|of)?$", "", item_text).strip()
        self.current.items.append(ListItem(first.page, start, end, item_text, self.open_item["marker"], self.open_item["depth"],
                                      self.open_item["num"], self.open_item["family"]))
        self.current.char_end = end
        self.open_item, self.item_lines = None, []

    def close_block(self):
        self.close_item()
        if self.current is not None and self.current.items:
            tops = self.current.top_items
            self.current.table_like = sum(1 for it in tops if _numeric_tail(it.text) >= 1) >= max(2, 0.6 * len(tops))
            self.blocks.append(self.current)
        self.current = None

    def lead_in_for(self, i: int) -> tuple[Optional[str], Optional[str]]:
        """The sentence ending in ':' just above line i, and the one before it."""
        j = i - 1
        while j >= 0 and self.lines[j].blank:
            j -= 1
        if j < 0 or j in self.heading_at_line or self.markers[j]:
            return None, None
        if not self.lines[j].text.endswith(":") and not re.search(r"\b(?:volgende|onderstaande|hieronder)\b[^.!?]*[.]?$",
                                                            self.lines[j].text, re.IGNORECASE):
            return None, None
        # collect the paragraph
        k = j
        while k - 1 >= 0 and not self.lines[k - 1].blank and (k - 1) not in self.heading_at_line and not self.markers[k - 1]:
            k -= 1
        para = collapse(" ".join(l.text for l in self.lines[k: j + 1]))
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z‘'\"(])", para)
        lead = strip_markup(sentences[-1]) if sentences else None
        context = strip_markup(sentences[-2]) if len(sentences) >= 2 else None
        return lead, context

    def _numbering_resumes(self, i: int, max_lines: int = 8) -> bool:
        tops = [it for it in self.current.items if it.depth == 0] if self.current else []
        if self.open_item and self.open_item["depth"] == 0:
            last_num = self.open_item["num"]
        else:
            last_num = tops[-1].number if tops else None
        if not last_num or not last_num.split(".")[0].isdigit():
            return False
        seen = 0
        for j in range(i + 1, len(self.lines)):
            if self.lines[j].blank:
                continue
            if j in self.heading_at_line:
                return False
            mk = self.markers[j]
            if mk:
                return (mk["family"] == self.top_family and mk["num"] is not None
                        and mk["num"].split(".")[0] == str(int(last_num.split(".")[0]) + 1))
            seen += 1
            if seen > max_lines:
                return False
        return False

    def read(self) -> list[ListBlock]:
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if i in self.heading_at_line or i in self.consumed:
                self.close_block()
                i += 1
                continue
            if line.blank:
                i += 1
                continue
            mk = self.markers[i]
            if mk:
                if self.current is None:
                    lead, context = self.lead_in_for(i)
                    self.current = ListBlock(self.page_no, lead, [], None, False, lead, context, line.start, line.end)
                    self.base_indent = line.indent
                    self.top_family = mk["family"]
                if (mk["family"] not in (self.top_family, "bullet") and line.indent <= self.base_indent
                        and i > 0 and self.lines[i - 1].blank):
                    # "a)" at the margin after a blank line under "3. ...": a new list, not a sub-list
                    self.close_block()
                    lead, context = self.lead_in_for(i)
                    self.current = ListBlock(self.page_no, lead, [], None, False, lead, context, line.start, line.end)
                    self.base_indent = line.indent
                    self.top_family = mk["family"]
                depth = 0
                if mk["family"] != self.top_family or line.indent >= self.base_indent + 3:
                    depth = 1
                    if line.indent < self.base_indent and mk["family"] != "bullet":
                        depth = 0
                if (depth == 1 and mk["family"] not in (self.top_family, "bullet") and not _starts_sequence(mk["num"])
                        and not _same_sub_family(self.current, self.open_item, mk)):
                    # "4. Planning" after "- mensenhandel.": a sub-list starts at 1 or a, so this
                    # continues an outer numbering (PDF text has no blank line to show it)
                    self.close_block()
                    continue
                self.close_item()
                if depth == 0 and mk["family"] != "bullet":
                    self.current.ordered = True
                self.open_item = dict(mk, depth=depth)
                self.item_lines = [line]
                i += 1
                continue
            # a non-marker line: continuation of the open item, or the end of the block
            if self.open_item is not None:
                prev_text = self.item_lines[-1].text
                gap = i > 0 and self.lines[i - 1].blank
                wrapped = (len(self.item_lines[-1].raw.rstrip()) >= 0.75 * self.width and prev_text.rstrip()[-1:] not in ".!?:;"
                           and line.text.split(" ", 1)[0] not in vocab()["starter_set"])
                if (not gap and (_continues(prev_text, line) or line.indent > self.item_lines[0].indent + 1 or wrapped)) or \
                        (gap and ((line.text[:1].islower() and _ends_open_or_unclosed(prev_text)) or _ends_open(prev_text))):
                    self.item_lines.append(line)
                    i += 1
                    continue
            if self.open_item is not None and self._numbering_resumes(i):
                # an explanation under an item ("1. Thema X" / "Hieronder vallen ..."): the list goes on
                self.close_item()
                i += 1
                continue
            self.close_block()
            i += 1
        self.close_block()
        return self.blocks


def _parse_page(page_no: int, text: str, sections: dict[int, str] = {}) -> tuple[list[Heading], list[ListBlock]]:
    lines = _lines(page_no, text)
    markers = [_list_marker(l) if not l.blank and i not in sections else None for i, l in enumerate(lines)]
    # "i." is a letter unless the next marker is "ii.": then it opens a roman list
    later = [m for m in markers if m]
    for k, m in enumerate(later[:-1]):
        if m["family"] == "letter" and m["num"] in ("i", "I") and later[k + 1]["family"] == "roman" \
                and _roman_value(later[k + 1]["num"]) == 2:
            m["family"] = "roman"
    pl = _PageLines(lines, markers)
    _line_headings(pl, sections)
    _section_run_headings(pl)
    consumed = _marker_headings(pl)
    headings = sorted(pl.heading_at_line.values(), key=lambda h: h.char_start)
    # the width of a full line of running text: a line that long was wrapped, not ended
    lengths = sorted(len(l.raw.rstrip()) for l in lines if not l.blank)
    width = lengths[int(len(lengths) * 0.8)] if lengths else 80
    return headings, _ListReader(page_no, lines, markers, pl.heading_at_line, consumed, width).read()


def _opens_subsections(h: Heading) -> bool:
    """'Thema 1: ...' (a numbering that starts again) or '2.1 ...' (a sub-section number)."""
    return bool(h.number) and ((h.kind == "keyword" and h.number == "1")
                               or (h.kind == "numbered" and re.fullmatch(r"\d+\.\d+", h.number) is not None))


def _section_run_lines(markers: list[Optional[dict]], strong_headings: dict[int, str] = {}) -> list[int]:
    """Line indexes of digit markers whose sequence encloses a list that restarts at 1, or
    encloses headings that start a numbering of their own ("2. Thema's" / "Thema 1: ..." /
    "3. Partners", or "2. Aanpak" / "2.1 ..."): the numbers number sections (PDF text has no
    blank lines to tell). Cluster headings that group items of one list ("Cluster II") are
    not such headings."""
    open_runs: list[dict] = []  # innermost last
    all_runs: list[dict] = []
    for i, mk in enumerate(markers):
        if not mk or mk["family"] != "digit":
            continue
        base = int(mk["num"].split(".")[0])
        punct = mk.get("punct", ".")
        target = None
        for k in range(len(open_runs) - 1, -1, -1):
            r = open_runs[k]
            if r["punct"] == punct and (base == r["last"] + 1 or (base == r["last"] and "." in mk["num"])):
                target = k
                break
        if target is None:
            run = {"punct": punct, "first": base, "last": base, "lines": [i], "section": False}
            open_runs.append(run)
            all_runs.append(run)
            continue
        inner = open_runs[target + 1:]
        if any(r["first"] == 1 and len(r["lines"]) >= 2 for r in inner):
            open_runs[target]["section"] = True
        del open_runs[target + 1:]
        open_runs[target]["last"] = base
        open_runs[target]["lines"].append(i)
    for r in all_runs:
        lines = r["lines"]
        for a, b in zip(lines, lines[1:]):
            base = markers[a]["num"].split(".")[0]
            if any(a < h < b and (num == "1" or num.split(".")[0] == base) for h, num in strong_headings.items()):
                r["section"] = True
                break
    return sorted(i for r in all_runs if r["section"] for i in r["lines"])


def _starts_sequence(num: Optional[str]) -> bool:
    """'1', 'a', 'i', '5.a': the first number of a (sub-)list."""
    if not num:
        return True
    last = num.split(".")[-1].lower()
    return last in ("1", "a", "i")


def _same_sub_family(block: Optional[ListBlock], open_item: Optional[dict], mk: dict) -> bool:
    """A sub-item of this kind is already open under the current item."""
    if open_item is not None and open_item["depth"] == 1 and open_item["family"] == mk["family"]:
        return True
    return bool(block and block.items and block.items[-1].depth == 1 and block.items[-1].family == mk["family"])


_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ROMAN_FORM = re.compile(r"^(?:c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")


def _roman_value(s: str) -> int:
    """The value of a well-formed roman numeral ("iv" -> 4, "IX" -> 9), else 0."""
    low = s.lower()
    if not low or not _ROMAN_FORM.match(low):
        return 0
    total = 0
    for k, ch in enumerate(low):
        v = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[low[k + 1]] if k + 1 < len(low) else 0
        total += -v if v < nxt else v
    return total


def _follows(a: Optional[str], b: Optional[str]) -> bool:
    """b is the number/letter right after a ("1" -> "2", "a" -> "b", "5.a" -> "5.b" or "6")."""
    if not a or not b:
        return False
    if a.isdigit() and b.split(".")[0].isdigit():
        return int(b.split(".")[0]) == int(a) + 1
    if len(a) == 1 and len(b) == 1 and a.isalpha() and b.isalpha() and ord(b) == ord(a) + 1:
        return True
    ra, rb = _roman_value(a), _roman_value(b)
    if ra and rb and (a.isupper() == b.isupper()):
        return rb == ra + 1
    if len(a) == 1 and len(b) == 1 and a.isalpha() and b.isalpha():
        return False
    ma, mb = re.match(r"(\d+)\.([a-z])$", a), re.match(r"(\d+)(?:\.([a-z]))?$", b)
    if ma and mb:
        return (mb.group(2) and mb.group(1) == ma.group(1) and ord(mb.group(2)) == ord(ma.group(2)) + 1) or \
            (not mb.group(2) and int(mb.group(1)) == int(ma.group(1)) + 1)
    return False


def _ends_open_or_unclosed(text: str) -> bool:
    return _ends_open(text) or text.rstrip()[-1:] not in ".;:!?"
