"""The document's own date and the plan period it is about.

doc_date, best evidence first:
1. a labelled date line ("Datum 9 mei 2023", "Datum : 20-10-2023", "Datum 24032017") near the top
   of the document, or a row of labels whose values follow on the next lines (a flattened table:
   `label_rows`); a meeting's or entry-into-force label ("Datum raadsvergadering", "Datum
   inwerkingtreding") only when no other label dates the document;
2. an adoption statement among the cover's title lines, however long ("Vastgesteld door het
   Algemeen Bestuur van de Veiligheidsregio ... op 14 maart 2019");
3. a version/status or adoption line ("conceptversie 3.2 (5-09-2012)", "versie 1.0, 3 mei
   2021", "Vastgesteld door de gemeenteraad op 31 januari 2023"), often a repeated footer:
   the most frequent such date;
4. a place-and-date line in a letter head ("Den Haag, 3 mei 2023");
5. a day in the title lines without relation words ("Geldend van 06-01-2021" is a validity, not a date).
Only day-precision dates count here; without one, a cover that gives only a month ("mei 2020") dates
the document by its 15th with `doc_date_precision` "month" (`document_dating`).

Period: year ranges ("2019-2022", "2013 en 2014", "voor de jaren 2024-2027",
"2013 t/m 2014") and one-year plans in the title ("JAARPLAN 2016", "Jaarverslag 2023")
scored by where they occur and how often, skipping ranges that describe the past ("liep
van 2020 tot en met 2023"). Title lines (subject labels, headings, the cover's first short
lines, or a title the cleaner dropped as a running header) decide over body mentions; a
range the document names as the plan it implements ("Uitwerking van het IVP 2025-2028")
gives way to the period in its title. A text with no period in its title that says what happens in
one year ("In 2018 wordt ...", a heading "Ontwikkelingen in 2022") more often than it names any range is
a budget or annual-report chapter about that year (`_frame_years`).
The words (labels, plan nouns, past cues) live in vocab/deadline_cues.yaml under `docdate`.
"""
from __future__ import annotations

import collections
import datetime as dt
import functools
import re
from typing import Optional

from extractors.dates import DateExpression, find_dates
from extractors.document import Document
from extractors.vocab import load_yaml, require

#: characters of page 1 that count as the document's head (title, letter head).
HEAD_CHARS = 2500
TITLE_WEIGHT = 3
#: non-empty lines after a bare "Datum" label searched for its value (form layouts)
LABEL_LOOKAHEAD = 8
#: leading non-empty lines of page 1 that count as the title for a dated title
TITLE_LINES = 3
TITLE_MAX_CHARS = 120
#: leading short lines of page 1 that form the title block of a cover ("POLITIE / Eenheid ... / JAARPLAN 2016")
TITLE_BLOCK_LINES = 6
TITLE_BLOCK_MAX_CHARS = 80
#: the representative day of a document dated by its month only (DESIGN: "mei 2020" -> 2020-05-15)
MONTH_REPRESENTATIVE_DAY = 15
#: an adoption statement counts as a status line only when it is this short (a cover line or footer)
ADOPTION_MAX_CHARS = 120
#: ... and on the cover, where it may name the whole adopting body
HEAD_ADOPTION_MAX_CHARS = 300


def _validate(data) -> None:
    require(isinstance(data, dict) and isinstance(data.get("docdate"), dict), "missing 'docdate' mapping")
    d = data["docdate"]
    for key in ("date_labels", "version_words", "title_labels", "plan_nouns", "past_period_cues", "weekdays",
                "parent_plan_cues", "meeting_labels", "adoption_words", "frame_prepositions"):
        require(isinstance(d.get(key), list) and d[key], f"docdate.{key} must be a non-empty list")


@functools.cache
def _words() -> dict:
    return load_yaml("deadline_cues.yaml", validate=_validate)["docdate"]


def _month_names() -> list[str]:
    from extractors.dates import vocab as date_vocab
    return list(date_vocab()["full_month_names"])


@functools.cache
def _continuation_words() -> frozenset:
    return frozenset(w.lower() for w in load_yaml("deadline_cues.yaml")["continuation_words"])


def _ocr_label_variants(labels) -> set[str]:
    """One-edit OCR misreadings of one-word labels, by the rules dates.yaml keeps for date words."""
    from extractors.dates import _ocr_variants, vocab as date_vocab
    spec = date_vocab()["ocr_variants"]
    real = {label.lower() for label in labels}
    return {v for label in real for v in _ocr_variants(label, spec)} - real or {"(?!)"}


def _alt(words) -> str:
    ws = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ws)


@functools.cache
def _patterns() -> dict[str, re.Pattern]:
    w = _words()
    return {
        # "Datum 9 mei 2023", "Datum : 20-10-2023", "**Datum:** 20 april 2018"
        "label": re.compile(rf"^[\s*_#>|-]*(?:(?:{_alt(w['date_labels'])})(?!\w)[\s*_]*[:.]?"
                            # an OCR-garbled label ("Daum:", "Datun:") only with its colon
                            rf"|(?:{_alt(_ocr_label_variants(w['date_labels']))})[\s*_]*:)[\s*_]*(?:(?=\S)|$)", re.I),
        "version": re.compile(rf"(?:{_alt(w['version_words'])})", re.I),
        "title": re.compile(rf"^[\s*_#>|-]*(?:{_alt(w['title_labels'])})\b[\s*_]*:?", re.I),
        "plan": re.compile(rf"(?:{_alt(w['plan_nouns'])})", re.I),
        "past": re.compile(rf"(?:{_alt(w['past_period_cues'])})\s+$", re.I),
        # "Datum raadsvergadering: 17 december 2015": when the council meets, not when the document was written
        "meeting": re.compile(rf"^[\s*_#>|-]*(?:{_alt(w['meeting_labels'])})(?!\w)", re.I),
        # "Vastgesteld door de gemeenteraad op 31 januari 2023" under a title or in a footer
        "adoption": re.compile(rf"^[\s*_#>|\u2022-]*(?:{_alt(w['adoption_words'])})(?!\w)", re.I),
        "parent": re.compile(rf"(?<!\w)(?:{_alt(w['parent_plan_cues'])})(?!\w)", re.I),
        # a line that is (a weekday and) a date, possibly followed by other header values
        "value_line": re.compile(rf"^\s*(?:(?:{_alt(w['weekdays'])})\s+)?\d{{1,2}}[\s.\-/]", re.I),
        "place_date": re.compile(r"^\s*[A-Z][\w'’. -]{1,40},\s*(?=\d{1,2}\s)", re.M),
        "place_month": re.compile(rf"^\s*[A-Z][\w'’. -]{{1,40}},\s*(?:{_alt(_month_names())})\s+\d{{4}}\s*$"),
    }


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def is_meeting_line(line: str) -> bool:
    """A head line that dates a meeting ("Datum raadsvergadering: 17 december 2015")."""
    return bool(_patterns()["meeting"].match(line))


def is_adoption_line(line: str) -> bool:
    """ "Vastgesteld door de gemeenteraad op 31 januari 2023", "Aldus vastgesteld in de vergadering van ..." """
    return _is_adoption_line(line)


def _is_adoption_line(line: str, max_chars: int = ADOPTION_MAX_CHARS) -> bool:
    return len(line.strip()) <= max_chars and bool(_patterns()["adoption"].match(line))


def _head_lines(text: str, n: int) -> list[str]:
    return [line for _, line in _lines(text[:HEAD_CHARS]) if line.strip()][:n]


def is_date_line(line: str) -> bool:
    """A line that states the document's own date (letter head label or version footer)."""
    p = _patterns()
    if p["label"].match(line) or p["meeting"].match(line):
        return True
    if _is_adoption_line(line) and any(e.precision == "day" for e in find_dates(line)):
        return True
    if len(line.strip()) < 60 and (p["place_date"].match(line) or p["place_month"].match(line)) \
            and re.search(r"\d{4}\s*$", line):
        return True  # "Den Haag, 3 mei 2023", a signing line "Oosterhout, januari 2023"
    return bool(p["version"].search(line)) and any(e.precision == "day" for e in find_dates(line))


def _day_dates(line: str) -> list[DateExpression]:
    return [e for e in find_dates(line) if e.precision == "day" and e.date and not e.year_inferred]


def document_date(doc: Document) -> Optional[dt.date]:
    p = _patterns()
    if not doc.pages:
        return None
    # 1. labelled line near the top (first page, or the first 2 pages of a short head);
    #    form layouts put the value on a later line ("Datum" / "Onderwerp" / "10 september 2024")
    #    A meeting's date ("Datum raadsvergadering") only when no other label dates the document.
    meeting: Optional[dt.date] = None
    for page in doc.pages[:2]:
        lines = [line for _, line in _lines(page.text[:HEAD_CHARS * 2]) if line.strip()]
        in_rows = {label: day for label, _, day in label_rows(page.text)}
        for i, line in enumerate(lines):
            if p["label"].match(line) or p["meeting"].match(line):
                key = " ".join(line.split())
                if key in in_rows:
                    value = dt.date.fromisoformat(in_rows[key]) if in_rows[key] else None
                else:
                    value = _label_value(line, lines[i + 1:i + 1 + LABEL_LOOKAHEAD])
                if value is None:
                    continue
                if not p["meeting"].match(line):
                    return value
                meeting = meeting or value
    if meeting is not None:
        return meeting
    # 2. an adoption statement among the cover's title lines, however long the body it names
    #    ("Vastgesteld door het Algemeen Bestuur van de Veiligheidsregio ... op 14 maart 2019")
    for line in _head_lines(doc.pages[0].text, TITLE_BLOCK_LINES):
        if _is_adoption_line(line, HEAD_ADOPTION_MAX_CHARS):
            found = _day_dates(line)
            if found:
                return dt.date.fromisoformat(found[0].date)
    # 3. version/status lines anywhere (footers repeat): the most frequent date
    found = _version_date(page.text for page in doc.pages)
    if found is None:
        # The cleaner drops running footers, which is where drafts carry their date, or the day
        # the file was printed ("5/16/2023 10:32 AM")
        found = _version_date(_furniture_texts(doc), timestamps=True)
    if found is not None:
        return found
    # 4. "Plaats, 3 mei 2023" in the head of page 1
    for _, line in _lines(doc.pages[0].text[:HEAD_CHARS]):
        if p["place_date"].match(line):
            found = _day_dates(line)
            if found:
                return dt.date.fromisoformat(found[0].date)
    # 5. a day in the title lines: "Besluitenlijst raadsvergadering 29 juni 2015", "Verslag ... d.d. 18 maart 2024"
    head = [line for _, line in _lines(doc.pages[0].text[:HEAD_CHARS]) if line.strip()][:TITLE_LINES]
    for line in head:
        if len(line.strip()) > TITLE_MAX_CHARS or line.rstrip().endswith((".", "?", "!")):
            continue  # a sentence, not a title
        found = [e for e in _day_dates(line) if e.relation_text is None]  # not "Geldend van <dag>"
        if found:
            return dt.date.fromisoformat(found[0].date)
    return None


@functools.lru_cache(maxsize=64)
def label_rows(text: str) -> tuple[tuple[str, int, Optional[str]], ...]:
    """(label, offset of its value's line, ISO day; -1 and None for an empty cell) for rows of labels whose values follow on later lines
    ("Datum inwerkingtreding / Terugwerkende kracht / Datum ondertekening" above "14-03-2024..." and
    "21-12-2023"): a flattened table. Empty cells drop out of the value row, so the labels and the dates
    keep their order from both ends: the first date label takes the first date, the last the last."""
    p = _patterns()
    lines = [(pos, line) for pos, line in _lines(text[:HEAD_CHARS * 2]) if line.strip()]
    out: list[tuple[str, int, str]] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and not re.search(r"\d", lines[j][1]):
            j += 1
        labels = [line for _, line in lines[i:j] if p["label"].match(line) or p["meeting"].match(line)]
        values = []
        for pos, line in lines[j:j + LABEL_LOOKAHEAD]:
            if not re.search(r"\d", line):
                break
            values += [(pos, e.date) for e in _day_dates(line)[:1]]
        if len(labels) >= 2 and values:
            pairs = list(zip(labels, values)) if len(values) >= len(labels) else \
                list(zip(labels[:len(values) - 1], values[:len(values) - 1])) + [(labels[-1], values[-1])]
            paired = {label for label, _ in pairs}
            out += [(" ".join(label.split()), pos, day) for label, (pos, day) in pairs]
            out += [(" ".join(label.split()), -1, None) for label in labels if label not in paired]  # empty cells
        i = max(j, i + 1)
    return tuple(out)


def value_label(text: str, pos: int) -> Optional[str]:
    """The label of a row of labels whose value sits on the line at `pos`, if any."""
    line_start = text.rfind("\n", 0, pos) + 1
    return next((label for label, at, _ in label_rows(text) if at == line_start), None)


def _label_value(line: str, later_lines: list[str]) -> Optional[dt.date]:
    """The day on a label's line, or on one of the next lines (form layouts)."""
    found = _day_dates(line)
    if found:
        return dt.date.fromisoformat(found[0].date)
    for later in later_lines:
        found = _day_dates(later)
        if found and _patterns()["value_line"].match(later):
            return dt.date.fromisoformat(found[0].date)
    return None


#: a day and a clock time: a print or export stamp in a running footer
_TIMESTAMP = re.compile(r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?![\d])")


def _version_date(texts, timestamps: bool = False) -> Optional[dt.date]:
    p = _patterns()
    counts: collections.Counter = collections.Counter()
    for text in texts:
        for _, line in _lines(text):
            stamp = timestamps and len(line) < 80 and _TIMESTAMP.search(line)
            if len(line) < 200 and (p["version"].search(line) or _is_adoption_line(line) or stamp):
                for e in _day_dates(line):
                    counts[e.date] += 1
    return dt.date.fromisoformat(counts.most_common(1)[0][0]) if counts else None


def _furniture_texts(doc: Document):
    """The lines the cleaner removed as page furniture (running headers/footers), page by page."""
    for page in doc.pages:
        if page.furniture:
            yield "\n".join(page.furniture)


def plan_period(doc: Document, doc_date: Optional[dt.date] = None) -> tuple[Optional[int], Optional[int]]:
    p = _patterns()
    scores: collections.Counter = collections.Counter()
    first_seen: dict[tuple[int, int], int] = {}
    parents: set[tuple[int, int]] = set()  # ranges named as the plan this document implements
    titled: set[tuple[int, int]] = set()  # candidates in title lines
    order = 0
    block = _title_block(doc.pages[0].text) if doc.pages else set()
    ranges_seen: collections.Counter = collections.Counter()  # mentions of each range
    frames: collections.Counter = collections.Counter()  # "In 2016 ondernemen we ...": the year the text is about
    for page in doc.pages:
        for pos, line in _lines(page.text):
            head = page.number == 1 and pos < HEAD_CHARS
            title_line = head and (p["title"].match(line) or line.lstrip().startswith("#")
                                   or (page is doc.pages[0] and pos in block))
            found = find_dates(line)
            frames.update(_frame_years(line, found))
            for e in found:
                if e.kind != "year_range" or not e.range_start:
                    continue
                y1, y2 = int(e.range_start[:4]), int(e.date[:4])
                if p["past"].search(line[:e.char_start]):
                    continue
                if _names_parent(line[:e.char_start]):
                    parents.add((y1, y2))
                if doc_date and y2 < doc_date.year:
                    continue  # a plan period still running or ahead, not a past one
                weight = 1
                if title_line:
                    weight += TITLE_WEIGHT
                    titled.add((y1, y2))
                elif head:
                    weight += 1
                if p["plan"].search(line[max(0, e.char_start - 60):e.char_start]):
                    weight += 1
                scores[(y1, y2)] += weight
                ranges_seen[(y1, y2)] += 1
                first_seen.setdefault((y1, y2), order)
                order += 1
            if title_line or (head and pos == _first_line_pos(page.text)):
                # "Jaarplan politie 2024": a one-year plan named in the title
                for y in _plan_years(line):
                    titled.add((y, y))
                    scores[(y, y)] += 1 + TITLE_WEIGHT
                    first_seen.setdefault((y, y), order)
                    order += 1
    if not titled:
        # A running header repeats the title on every page, so the cleaner drops it from page 1 too
        # ("Jaarverslag 2023" above each page): read the title block of the page as it came in.
        for line in _removed_title_lines(doc):
            for e in find_dates(line):
                if e.kind == "year_range" and e.range_start:
                    key = (int(e.range_start[:4]), int(e.date[:4]))
                    scores[key] += 1 + TITLE_WEIGHT
                    titled.add(key)
                    first_seen.setdefault(key, -1)
            for y in _plan_years(line):
                scores[(y, y)] += 1 + TITLE_WEIGHT
                titled.add((y, y))
                first_seen.setdefault((y, y), -1)
    # The title names the document: a period written there (or a one-year plan, "JAARPLAN 2016") beats
    # ranges the body mentions more often, and a parent plan the document implements gives way to it.
    candidates = (titled - parents) or set(scores)
    candidates &= set(scores)
    if not titled and frames:
        # a budget or annual-report chapter names no period in its title and says what happens in its
        # year ("In 2018 wordt ...", "Ontwikkelingen in 2022"); the ranges it mentions are other plans
        year, count = max(frames.items(), key=lambda kv: (kv[1], -kv[0]))
        busiest = max(ranges_seen, key=lambda k: (ranges_seen[k], -first_seen[k]), default=None)
        # statistics of earlier years ("de stijging is in 2011 het grootst") do not make a plan's year
        if count > ranges_seen.get(busiest, 0) and (busiest is None or year >= busiest[0]):
            return year, year
    if candidates:
        return max(candidates, key=lambda k: (scores[k], -first_seen[k]))
    return None, None


def _frame_years(line: str, found: list[DateExpression]) -> list[int]:
    """Years a sentence of the line is set in: "In 2016 ondernemen we ...", "Ontwikkelingen in 2022" - the
    sentence's only date, a bare year after "in" (a heading counts twice). A sentence with a second date
    compares or plans ahead ("moet in 2022 verbeterd zijn ten opzichte van 2018") and sets no frame, nor
    does a target ("een pakkans van 25% in 2014")."""
    frame_words = {w.lower() for w in _words()["frame_prepositions"]}
    out = []
    for s_start, s_end in _sentence_bounds(line):
        inside = [e for e in found if s_start <= e.char_start < s_end and e.date]
        if len(inside) != 1:
            continue
        e = inside[0]
        if _target_rx().search(line[s_start:s_end]):
            continue  # "een pakkans van 25% in 2014": a target, the year it is due
        if (e.kind == "year" and not e.part and not e.relative and e.date and not e.year_inferred
                and (e.relation_text or "").lower() in frame_words):
            # a heading ("Ontwikkelingen in 2022", "Wat verandert er in 2017?") frames what follows it
            heading = len(line.strip()) <= FRAME_HEADING_MAX_CHARS and not line.rstrip().endswith(".")
            out += [int(e.date[:4])] * (2 if heading else 1)
    return out


@functools.cache
def _target_rx() -> re.Pattern:
    words = load_yaml("deadline_cues.yaml")["target_cues"]
    return re.compile(rf"(?<![\w])(?:{_alt(words)})(?![\w])|\d\s*%", re.I)


def _sentence_bounds(line: str):
    start = 0
    for m in re.finditer(r"[.!?](?:\s+|$)", line):
        yield start, m.end()
        start = m.end()
    if start < len(line):
        yield start, len(line)


#: a line this short without a full stop is a heading when it sets a frame year
FRAME_HEADING_MAX_CHARS = 80
#: characters before a range searched for a parent-plan cue ("uitwerking van het Integraal Veiligheidsplan")
PARENT_WINDOW = 70


def _names_parent(before: str) -> bool:
    """A parent-plan cue between the previous year (if any) and the range."""
    window = before[-PARENT_WINDOW:]
    years = list(re.finditer(r"(?:19|20)\d\d", window))
    if years:
        window = window[years[-1].end():]
    return bool(_patterns()["parent"].search(window))


def _title_block(text: str) -> set[int]:
    """Start offsets of the cover's title lines: the first short non-empty lines, up to the first sentence."""
    out: set[int] = set()
    seen = 0
    for pos, line in _lines(text[:HEAD_CHARS]):
        body = line.strip()
        if not body:
            continue
        seen += 1
        if seen > TITLE_BLOCK_LINES or len(body) > TITLE_BLOCK_MAX_CHARS or body.endswith((".", "?", "!", ",")):
            break
        if body.rsplit(None, 1)[-1].lower() in _continuation_words():
            break  # "... het eerste regionaal beleidsplan 2013 en" runs on: prose, not a title
        out.add(pos)
    return out


def _removed_title_lines(doc: Document) -> list[str]:
    """Title-block lines of page 1 as the reader returned it that the cleaned page 1 lacks."""
    first = doc.first_page_as_read
    if not doc.pages or not first or not doc.pages[0].furniture:
        return []  # the cleaner removed nothing from page 1: it is as it came in
    cleaned = " ".join(doc.pages[0].text.split())
    lines = [first[pos:first.find("\n", pos) if "\n" in first[pos:] else len(first)] for pos in sorted(_title_block(first))]
    return [ln for ln in lines if " ".join(ln.split()) not in cleaned]


def _first_line_pos(text: str) -> int:
    return len(text) - len(text.lstrip())


def _plan_years(line: str) -> list[int]:
    """The year of a one-year plan in a title line: a plan noun before a lone year."""
    p = _patterns()
    years = [e for e in find_dates(line) if e.kind == "year" and not e.part and not e.relative and e.date]
    if len(years) != 1 or not p["plan"].search(line[:years[0].char_start]):
        return []
    return [int(years[0].date[:4])]


def document_dating(doc: Document) -> tuple[Optional[dt.date], Optional[str]]:
    """(doc_date, doc_date_precision): a day by `document_date`, else a cover that gives only a month
    ("mei 2020", "Zwolle, januari 2023", "Datum: maart 2024") as its 15th, precision "month"."""
    day = document_date(doc)
    if day is not None:
        return day, "day"
    month = _cover_month(doc)
    return (month, "month") if month is not None else (None, None)


def _cover_month(doc: Document) -> Optional[dt.date]:
    p = _patterns()
    if not doc.pages:
        return None
    for line in _head_lines(doc.pages[0].text, TITLE_BLOCK_LINES * 2):
        found = find_dates(line)
        if len(found) != 1 or found[0].kind != "month" or found[0].year_inferred or found[0].relation_text:
            continue
        e = found[0]
        rest = (line[:e.char_start] + line[e.char_end:]).strip(" \t*_#|-")
        label = p["label"].match(line[:e.char_start] + " ")
        place = re.fullmatch(r"[A-Z][\w'’. -]{1,40},", rest)
        if not rest or place or (label and not line[label.end():e.char_start].strip()):
            return dt.date.fromisoformat(e.start).replace(day=MONTH_REPRESENTATIVE_DAY)
    return None


def document_date_and_period(doc: Document) -> tuple[Optional[dt.date], Optional[int], Optional[int]]:
    doc_date, _ = document_dating(doc)
    start, end = plan_period(doc, doc_date)
    return doc_date, start, end
