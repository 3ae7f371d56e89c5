"""Deadlines: date expressions that say when something is due, planned or takes effect.

Per page, every expression from `extractors.dates.find_dates` (anchored on the
document's date) is judged by general rules (`judge`) whose words live in
vocab/deadline_cues.yaml:

rejected  - the document's own date: its date line (letter head, version footer, adoption
            line, a form value alone on a line) and the same day in the head of page 1;
          - multi-year ranges: periods ("2024-2027"), not due dates; in a one-year plan its own
            year restated without a target or a planned step ("In 2016 ligt het accent op");
          - "voor 2024" read as "for 2024" (a noun before it or no completion word after);
          - a reference/statistic/history word right before it ("t.o.v. 2010", "d.d.", "sinds",
            "de evaluatie van 2023", "het voorstel van B&W van 24 november");
          - recurring periods ("jaarlijks in maart", a month or day range without a year in
            prose) and period boundaries ("loopt tot 2026", "tot en met 2026 beschikbaar");
          - the past: a period (or the named part of it: "begin 2024") that ended before the
            document's date, or one containing it in a past-tense clause without a strong
            due word; planning-list entries ("December '23: ...") are kept even when past;
kept      - with a relation/part word (uiterlijk, voor, per, vanaf, na, tot, begin/medio/eind),
            a planning-list entry, a cell of a planning table or a list row ending in its date
            (future only), a "Label: <date>" field, a meeting or entry-into-force date in the
            head ("Datum raadsvergadering: ..."), a relative future ("komend voorjaar"), a
            neutral preposition (in, op) with a date ahead of the document's date, a due word
            in the sentence, or a specific future day.
Without a document date the plan period's first day judges past/future, and yearless
expressions are dropped (their year is unknown).

Each deadline carries `cue`, `what` (the clause that is due, without the date), the
`actor` (subject from the dependency parse; None without a parser), a `theme_id` from
theme mentions in the sentence, the sentence text or the section heading, and provenance
(page, char offsets of the expression incl. its relation words, the sentence). A second
rendering of the same sentence (duplicated PDF text layer) yields no second deadline.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Optional

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from extractors import dates as dates_mod
from extractors.dates import DateExpression, find_dates
from extractors.docdates import HEAD_CHARS, is_adoption_line, is_date_line, is_meeting_line
from extractors.document import Document, Page
from extractors.records import Deadline, ThemeMention
from extractors.structure import Structure
from extractors.vocab import load_yaml, require

#: characters before an expression searched for reference/recurring words
CUE_WINDOW = 32
WHAT_MAX_WORDS = 18
#: two sentences this similar (rapidfuzz ratio, letters and digits only) with the same date
#: are one statement rendered twice (a second PDF text layer, with its own OCR noise)
DUPLICATE_SIMILARITY = 90


def _validate(data) -> None:
    require(isinstance(data, dict), "top level must be a mapping")
    for key in ("due_cues", "strong_cues", "completion_cues", "reference_cues", "recurring_cues",
                "past_finite", "perfect_auxiliaries", "future_markers", "participle_exceptions",
                "planning_entry_separators", "before_voor_words", "continuation_words", "clause_openers",
                "what_trim_words", "reference_fillers", "abbreviations", "period_verbs", "determiners",
                "target_cues", "period_labels", "modal_cues", "habitual_cues",
                "perfect_infinitive_verbs", "perfect_infinitive_breaks"):
        require(isinstance(data.get(key), list) and data[key], f"{key} must be a non-empty list")
        require(all(isinstance(w, str) and w.strip("\t") != "" or w == "\t" for w in data[key]),
                f"{key}: entries must be non-empty strings")


def _alt(words) -> str:
    """Alternation of vocabulary phrases; a "*" in a phrase stands for (the rest of) one word:
    "in de * maanden" matches "in de donkere maanden", "in de *maanden" "in de zomermaanden"."""
    ws = sorted({w.lower() for w in words}, key=len, reverse=True)
    word = lambda p: r"[\w-]*".join(re.escape(x) for x in p.split("*")) if "*" in p else re.escape(p)  # noqa: E731
    return "|".join(r"\s+".join(word(p) for p in w.split()) for w in ws)


@functools.cache
def _cues() -> dict:
    data = load_yaml("deadline_cues.yaml", validate=_validate)
    w = lambda key: re.compile(rf"(?<![\w.])(?:{_alt(data[key])})(?![\w])", re.I)  # noqa: E731
    return {
        "data": data,
        "due": w("due_cues"),
        "strong": w("strong_cues"),
        "completion": w("completion_cues"),
        "reference": re.compile(rf"(?<![\w.])(?:{_alt(data['reference_cues'])})[\s:]+"
                                rf"(?:(?:{_alt(data['reference_fillers'])})\s+)*$", re.I),
        "clause_split": re.compile(rf"[;:]|\s[–—-]\s|,\s+(?=(?:{_alt(data['clause_openers'])})\b)", re.I),
        "lead_trim": re.compile(rf"^(?:[\s,.;:•\-–—*()]|\b(?:{_alt(data['what_trim_words'])})\b)+", re.I),
        "abbrev": re.compile(rf"(?:\b\w\.){{2,}}$|\b(?:{_alt(data['abbreviations'])})$", re.I),
        "recurring": w("recurring_cues"),
        "habitual": w("habitual_cues"),
        "past_finite": w("past_finite"),
        "perfect": w("perfect_auxiliaries"),
        "future": w("future_markers"),
        # auxiliary, up to eight words of the same clause, an infinitive-for-participle verb and its infinitive
        # ("Het plan is dat zij in 2024 gaan samenwerken", "is om ... te gaan": the gap opens no new clause)
        "perfect_infinitive": re.compile(rf"(?<![\w])(?:{_alt(data['perfect_auxiliaries'])})\s+"
                                         rf"(?:(?!(?:{_alt(data['perfect_infinitive_breaks'])})(?![\w]))[^\s,;:.]+\s+){{0,8}}?"
                                         rf"(?:{_alt(data['perfect_infinitive_verbs'])})\s+[\w-]+n(?![\w])", re.I),
        "participle": re.compile(r"(?<![\w])ge\w{2,}(?:d|t|en)(?![\w])", re.I),
        "participle_exceptions": {x.lower() for x in data["participle_exceptions"]},
        "determiner": re.compile(rf"(?<![\w])(?:{_alt(data['determiners'])})[\s()\-]*$", re.I),
        "separators": tuple(data["planning_entry_separators"]),
        "before_voor": {x.lower() for x in data["before_voor_words"]},
        "continuation": {x.lower() for x in data["continuation_words"]},
        "weekdays": {x.lower() for x in data["docdate"]["weekdays"]},
        "period_verbs": w("period_verbs"),
        "period_labels": {x.lower() for x in data["period_labels"]},
        "target": re.compile(rf"(?<![\w.])(?:{_alt(data['target_cues'])})(?![\w])|\d\s*%", re.I),
    }


# ---------------------------------------------------------------- judgments


def _line_of(text: str, pos: int) -> tuple[int, str]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, text[start:end if end >= 0 else len(text)]


def _alone_on_line(line: str, expr: DateExpression) -> bool:
    """ "22.05.2024" or "donderdag 17 juni 2021" on a line of its own: a form's value, nothing due."""
    rest = line.replace(expr.text.split("\n")[0], " ", 1) if "\n" not in expr.text else line
    words = re.findall(r"[^\W\d_]+", rest)
    return not words or (len(words) == 1 and words[0].lower() in _cues()["weekdays"])


_BULLET = re.compile(r"^[\s\-\u2022\u25cf\u25aa\u25e6*\u2013\u2014>#|]*(?:\(?\d{1,2}[.)]\s+|[a-z][.)]\s+)?")


def is_planning_entry(text: str, expr: DateExpression) -> bool:
    """The expression opens a list line and is followed by a separator: "December '23: ..."."""
    line_start, line = _line_of(text, expr.full_start)
    lead = _BULLET.match(line)
    lead_end = line_start + (lead.end() if lead else 0)
    rest = text[expr.char_end:expr.char_end + 4]
    if expr.full_start > lead_end + 1:
        # "Fase 2 (mei–juni 2024): uitvoering": a short step label and the date in brackets
        label = text[lead_end:expr.full_start]
        return bool(_STEP_LABEL.fullmatch(label)) and rest.startswith(")") and \
            rest[1:].startswith(_cues()["separators"])
    return rest.startswith(_cues()["separators"])


_STEP_LABEL = re.compile(r"[^\W\d_]{2,20}\s+\d{1,2}[a-z]?\s*\(\s*")
#: "Oplevering: wk 36", "Wanneer: tweede helft 2024": a field label and a date as its whole value
_FIELD_LINE = re.compile(r"^[\s\-\u2022*]*(?P<label>[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,2})\s*:\s*$")


def field_entry(text: str, expr: DateExpression) -> Optional[str]:
    """The label of a "Label: <date>" line whose value is the date alone, else None."""
    line_start, line = _line_of(text, expr.full_start)
    m = _FIELD_LINE.match(text[line_start:expr.full_start])
    if not m:
        return None
    tail_end = text.find("\n", expr.char_end)
    if text[expr.char_end:tail_end if tail_end >= 0 else len(text)].strip(" \t.;"):
        return None
    label = " ".join(m.group("label").lower().split())
    return None if label in _cues()["period_labels"] else label


#: a gap between two cells of a text-rendered table: a tab or three spaces inside a line
_CELL_GAP = re.compile(r"(?<=\S)(?:[ ]*\t[ \t]*|[ ]{3,})(?=\S)")
_ROW_NUMBER = re.compile(r"^\(?\d{1,2}(?:[.]\d{1,2})*[.)]?$")
_FIGURE = re.compile(r"^[\d\s.,%+\-–€]+$")


def is_table_row(line: str) -> bool:
    return bool(_CELL_GAP.search(line.strip()))


def table_cells(line: str) -> list[str]:
    return [c.strip() for c in _CELL_GAP.split(line.strip()) if c.strip()]


def table_cell_entry(text: str, expr: DateExpression) -> bool:
    """The expression fills a cell of a planning table's row ("1.3  Start meldpunt  gemeente  per 1 april 2025"):
    the row's only date, beside a cell that names an action, and no figures in the other cells
    (a statistics row "Woninginbraken   2023   412" is not a plan)."""
    line_start, line = _line_of(text, expr.full_start)
    if "\n" in text[expr.full_start:expr.char_end] or not is_table_row(line):
        return False
    cells = table_cells(line)
    own = " ".join(text[expr.full_start:expr.char_end].split())
    if own not in cells:
        return False
    others = [c for i, c in enumerate(cells) if c != own and not (i == 0 and _ROW_NUMBER.match(c))]
    if not any(re.search(r"[^\W\d_]{3,}", c) for c in others) or any(_FIGURE.match(c) for c in others):
        return False
    return len(find_dates(line)) == 1


#: a list or table line: bullet, "3.", "a)", a row/section number "1.2" or a row code "A2"
_ROW_LEAD = re.compile(r"^[ \t]*(?:[\u2022\u25cf\u25aa\u25e6*\-\u2013\u2014]\s|\(?\d{1,2}(?:\.\d{1,2})*[.)]?\s|[a-zA-Z][.)]\s"
                       r"|[A-Z]{1,2}\d{1,2}(?:\.\d{1,2})*[.)]?\s)")  # row codes: "A2", "B1.3"
#: words before a line-final date that make the line an entry rather than a heading or a name
ROW_MIN_WORDS = 3


def row_end_entry(text: str, expr: DateExpression) -> bool:
    """A list or table row whose last words are the date: "1.4 Herziening Bibob-beleid juridische zaken
    2e helft 2025" (a planning table after PDF extraction, which loses the column gaps)."""
    line_start, line = _line_of(text, expr.full_start)
    lead = _ROW_LEAD.match(line)
    if not lead:
        return False
    tail = text[expr.char_end:text.find("\n", expr.char_end) if "\n" in text[expr.char_end:] else len(text)]
    if tail.strip(" \t.;|)"):
        return False
    words = re.findall(r"[^\W\d_]{2,}", text[line_start + lead.end():expr.full_start])
    if len(words) < ROW_MIN_WORDS or len(find_dates(text[line_start:expr.char_end])) != 1:
        return False
    # rows come in lists; a numbered line on its own ("3.2 Doelen en ambities 2025") is a heading
    before = [ln for ln in text[:line_start].split("\n") if ln.strip()][-2:]
    after = [ln for ln in text[expr.char_end:].split("\n")[1:] if ln.strip()][:2]
    return any(_ROW_LEAD.match(ln) for ln in before + after)


def _in_dated_rows(text: str, expr: DateExpression) -> bool:
    """A list row ending in its date next to another row that ends in a date: a planning table
    whose columns PDF extraction ran together ("1.2 Controles ... gemeente / politie van maart t/m mei")."""
    if not row_end_entry(text, expr):
        return False
    line_start, _ = _line_of(text, expr.full_start)
    before = [ln for ln in text[:line_start].split("\n") if ln.strip()][-1:]
    after = [ln for ln in text[expr.char_end:].split("\n")[1:] if ln.strip()][:1]
    for ln in before + after:
        if not _ROW_LEAD.match(ln):
            continue
        found = find_dates(ln)
        if found and not ln[found[-1].char_end:].strip(" \t.;|)"):
            return True
    return False


def _past_tense(sentence: str, spacy_sent=None) -> bool:
    c = _cues()
    if spacy_sent is not None and any(t.morph.get("Tense") == ["Past"] and t.morph.get("VerbForm") == ["Fin"]
                                      for t in spacy_sent):
        return True
    if c["past_finite"].search(sentence):
        return True
    # "is in 2016 onder druk komen te staan", "zijn gaan samenwerken": a perfect whose participle is an
    # infinitive; its own verb ("gaan", "moeten") is no future marker, one elsewhere is ("zal ... zijn gaan")
    for m in c["perfect_infinitive"].finditer(sentence):
        if not c["future"].search(sentence[:m.start()] + " " * (m.end() - m.start()) + sentence[m.end():]):
            return True
    if c["future"].search(sentence):
        return False
    if c["perfect"].search(sentence):
        # "ge...en" is also a plural noun ("gemeenten", "gedetineerden", "gesprekken"): not after a determiner
        parts = [m.group(0).lower() for m in c["participle"].finditer(sentence)
                 if not c["determiner"].search(sentence[max(0, m.start() - 16):m.start()])]
        if spacy_sent is not None:
            nouns = {t.lower_ for t in spacy_sent if t.pos_ in ("NOUN", "PROPN")}
            parts = [p for p in parts if p not in nouns]
            # participles without ge- ("veranderd", "besproken") need the tagger
            parts += [t.lower_ for t in spacy_sent if t.morph.get("VerbForm") == ["Part"] and t.lower_ in sentence.lower()]
        return any(p not in c["participle_exceptions"] for p in parts)
    return False


def _relation_cue(expr: DateExpression) -> Optional[str]:
    if expr.relation and expr.relation != "NEUTRAL":
        # "gaat in per 1 januari": the verb particle "in" reads as a neutral relation; the cue is "per"
        rels = dates_mod._grammar().v["relations"]
        words = expr.relation_text.split()
        while len(words) > 1 and rels.get(words[0].lower()) == "NEUTRAL" and " ".join(words[1:]).lower() in rels:
            words = words[1:]
        return " ".join(words)
    if expr.part:
        # the part word itself ("eind"), not the lead-in ("aan het")
        glue = dates_mod.vocab()["glue"]
        lead = {w.lower() for w in glue["part_lead"] + glue["articles"]}
        words = [w for w in re.findall(r"\w+", expr.text.lower()) if w not in lead]
        return words[0] if words else expr.part.lower()
    return None


def _voor_means_before(expr: DateExpression, text: str) -> bool:
    """ "moet voor 2025 gereed zijn" (before) vs "het plan voor 2024 is vastgesteld" (for):
    before when a verb/adverb precedes "voor" and a completion word follows the year."""
    c = _cues()
    start = expr.relation_start if expr.relation_start is not None else expr.char_start
    prev = re.findall(r"[\w'’]+", text[max(0, start - 40):start])
    after = text[expr.char_end:expr.char_end + 80].split(".")[0]
    return bool(prev) and prev[-1].lower() in c["before_voor"] and bool(c["completion"].search(after))


def judge(expr: DateExpression, text: str, sentence: str, doc_date: Optional[dt.date],
          spacy_sent=None, reference_day: Optional[dt.date] = None,
          in_head: bool = False) -> tuple[bool, Optional[str], str]:
    """(is_deadline, cue, reason) for one expression in page text `text`.

    `reference_day` stands in for a missing doc_date when judging past/future (e.g. the
    first day of the plan period); it never resolves a year. `in_head`: the expression is
    in the head of the first page, where the document's own date is stated.
    """
    c = _cues()
    if expr.date is None:
        return False, None, "no year"
    _, line = _line_of(text, expr.char_start)
    # "Datum raadsvergadering: 17 december 2015" beside "Datum collegebesluit": the decision is planned
    meeting = (is_meeting_line(line) and expr.precision == "day" and not expr.relation_text
               and (doc_date is None or expr.date != doc_date.isoformat()))
    # a draft decision's "Aldus vastgesteld in de vergadering van <later day>": the adoption is planned
    adoption = (not meeting and is_adoption_line(line) and doc_date is not None and expr.precision == "day"
                and expr.date > doc_date.isoformat())
    meeting = meeting or adoption
    if is_date_line(line) and not meeting:
        return False, None, "document date line"
    if expr.relation_text is None and _alone_on_line(line, expr):
        return False, None, "a date alone on its line (a header value)"
    if expr.kind == "year_range":
        return False, None, "period"
    before = text[max(0, expr.full_start - CUE_WINDOW):expr.full_start]
    before_core = text[max(0, expr.char_start - CUE_WINDOW):expr.char_start]
    if c["reference"].search(before) or c["reference"].search(before_core):
        return False, None, "reference"
    if c["recurring"].search(before):
        return False, None, "recurring"
    if expr.year_inferred and not expr.relative and c["habitual"].search(before):
        # "twee keer per jaar, in het voorjaar": a season or month without a year, every year
        return False, None, "recurring"
    cell = table_cell_entry(text, expr)
    planning = is_planning_entry(text, expr)
    if expr.is_range and expr.year_inferred and not expr.relative and not (planning or cell or _in_dated_rows(text, expr)):
        # "van juni tot en met augustus" in prose is what happens every year; in a planning
        # list or table of one year it is that year's slot
        return False, None, "recurring range"
    due = c["strong"].search(sentence) or c["due"].search(sentence)  # the strongest word names the cue
    strong = c["strong"].search(sentence) or expr.relation == "ON_OR_BEFORE"
    if expr.for_reading:
        if not _voor_means_before(expr, text):
            return False, None, "voor = for"
        # "moet voor 2025 gereed zijn": before the year starts
        expr.relation, expr.for_reading = "BEFORE", False
        dates_mod._finish(expr)
    start = dt.date.fromisoformat(expr.start) if expr.start else None
    end = dt.date.fromisoformat(expr.end) if expr.end else None
    if start and end and expr.part:
        # "begin 2024" is over by April: judge the part of the period the words name
        quarter = (end - start) / 4
        if expr.part == "START":
            end = start + quarter
        elif expr.part == "END":
            start = end - quarter
        else:
            start, end = start + quarter, end - quarter
    rel_cue = _relation_cue(expr)
    if doc_date and expr.precision == "day" and start == doc_date and (
            in_head or (not rel_cue and not due and not expr.relation_text)):
        return False, None, "the document's own date"
    if doc_date is None and reference_day is not None:
        doc_date = reference_day  # judge past/future from the plan period, never output
    if doc_date and end and end < doc_date:
        if planning:
            return True, "planning", "planning entry (past)"
        # "tot de zomer wordt extra gesurveilleerd" in October: next summer. Only with words that
        # look ahead: "voor de zomer is het plan besproken" reports the summer that has passed.
        ahead = c["future"].search(sentence) or (due and not c["perfect"].search(sentence))
        if (expr.relation in ("BEFORE", "ON_OR_BEFORE") and not expr.relative and expr.year_inferred and ahead
                and not _past_tense(sentence, spacy_sent) and dates_mod.roll_forward(expr, doc_date)):
            return True, rel_cue, "a yearless bound points ahead"
        return False, None, "past"
    if meeting:
        if adoption:
            return True, "vastgesteld", "a planned adoption"
        label = re.match(r"[\s*_#>|-]*([^:\d]+)", line)
        return True, " ".join(label.group(1).split()).lower() if label else None, "a meeting dated in the head"
    if cell:
        # a table's cells carry no verbs: the planning column is the cue (past rows were dropped above)
        return True, "planning", "planning table cell"
    if not rel_cue and not due and row_end_entry(text, expr):
        return True, "planning", "list row ending in its date"
    label = None if rel_cue else field_entry(text, expr)
    if label:
        return True, label, "a field whose value is the date"
    contains_doc_date = doc_date is not None and start is not None and start <= doc_date
    if (contains_doc_date or doc_date is None) and not strong and not planning and _past_tense(sentence, spacy_sent):
        return False, None, "past tense"
    if planning:
        return True, "planning", "planning entry"
    if rel_cue:
        if expr.relation in ("BEFORE", "ON_OR_BEFORE", "ON_OR_AFTER") and c["period_verbs"].search(sentence):
            return False, None, "a period's boundary ('loopt tot 2026')"
        return True, rel_cue, "relation"
    future = doc_date is None or (start is not None and start > doc_date) or (end is not None and end >= doc_date)
    ahead = (start is None or start > doc_date or (expr.kind == "season" and expr.date > doc_date.isoformat())
             if doc_date else True)  # "komend voorjaar" on 10 March: this spring, under way but ahead
    if expr.relative and future and expr.year_inferred and ahead:
        # "komend voorjaar", "volgend jaar": relative words that point ahead
        articles = {w.lower() for w in dates_mod.vocab()["glue"]["articles"]}
        words = [w for w in expr.text.lower().split() if w not in articles]
        return True, (words or expr.text.split())[0].lower(), "relative future"
    if doc_date is None and not due:
        return False, None, "no date to tell the future from"
    if expr.relation_text and future and expr.kind == "season" and expr.year_inferred and not due:
        # seasons without a year describe what usually happens ("in de zomer is het druk")
        return False, None, "yearless season, no due word"
    if expr.relation_text and future:
        # a neutral preposition ("in 2014", "op 9 november") with a future date
        return True, due.group(0).lower() if due else expr.relation_text.split()[-1], "preposition + future"
    if due and future and expr.precision != "year":
        return True, due.group(0).lower(), "due word"
    if expr.precision == "day" and future and doc_date is not None:
        return True, None, "future day"
    return False, None, "no cue"


# ---------------------------------------------------------------- what / actor / theme


_TAIL_TRIM = re.compile(r"[\s,.;:•\-–—*(]+$")


def what_of(text: str, expr: DateExpression, sent_start: int, sent_end: int) -> Optional[str]:
    if table_cell_entry(text, expr):
        _, line = _line_of(text, expr.full_start)
        own = " ".join(text[expr.full_start:expr.char_end].split())
        cells = [c for i, c in enumerate(table_cells(line)) if c != own and not (i == 0 and _ROW_NUMBER.match(c))]
        return _clip(" | ".join(cells)) or None
    if is_planning_entry(text, expr):
        _, line = _line_of(text, expr.char_end)
        rest = text[expr.char_end:].split("\n", 1)[0]
        rest = rest.lstrip(":-–\t |").rstrip(" |").strip()
        return _clip(rest) or None
    # the clause around the expression, with the date words taken out
    sent = text[sent_start:sent_end]
    a, b = expr.full_start - sent_start, expr.char_end - sent_start
    left = sent[:max(a, 0)]
    right = sent[max(b, 0):]
    c = _cues()
    cut_left = [m.end() for m in c["clause_split"].finditer(left)]
    left = left[cut_left[-1]:] if cut_left else left
    m = c["clause_split"].search(right)
    right = right[:m.start()] if m else right
    clause = " ".join((left + " " + right).split())
    clause = c["lead_trim"].sub("", clause)
    clause = _TAIL_TRIM.sub("", clause)
    clause = re.sub(r"\(\s*\)", "", clause).strip()
    return _clip(clause) or None


def _clip(s: str) -> str:
    words = " ".join(s.split()).split(" ")
    out = " ".join(words[:WHAT_MAX_WORDS])
    return (out + " …") if len(words) > WHAT_MAX_WORDS else out


def actor_of(page: Page, expr: DateExpression) -> Optional[str]:
    """Subject of the verb that governs the date, from the dependency parse."""
    doc = page.spacy_doc
    if doc is None or not doc.has_annotation("DEP"):
        return None
    span = doc.char_span(expr.char_start, expr.char_end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    verb = None
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") or tok.dep_ == "ROOT":
            verb = tok
            break
        if tok.head is tok:
            break
        tok = tok.head
    if verb is None:
        return None
    chain = [verb]
    if verb.dep_ == "conj" and verb.head is not verb:
        chain.append(verb.head)  # "Gemeenten pakken ... en formuleren uiterlijk in 2014"
    for v in chain:
        for child in v.children:
            if child.dep_ == "nsubj":
                return _phrase(child, span)
        for child in v.children:
            if child.dep_ in ("obl:agent",):
                return _phrase(child, span, drop_case=True)
    return None


#: subjects that refer back or fill a slot; they name no actor
_EMPTY_SUBJECTS = {"dit", "dat", "het", "er", "deze", "die", "dit alles", "wat", "hier"}


def _phrase(tok, date_span, drop_case: bool = False) -> Optional[str]:
    words = [t for t in tok.subtree if not (drop_case and t.dep_ == "case")]
    if not words or len(words) > 8:
        words = [tok]
    if any(t.i >= date_span.start and t.i < date_span.end for t in words):
        return None
    if any("\n" in t.text or t.is_punct and t.text in ":;" for t in words):
        return None
    text = " ".join(" ".join(t.text for t in words).split())
    if not any(ch.isalpha() for ch in text) or text.lower() in _EMPTY_SUBJECTS:
        return None
    return text


def theme_of(page: Page, sent_start: int, sent_end: int, sentence: str, structure: Structure,
             mentions: list[ThemeMention]) -> Optional[str]:
    for m in mentions:
        if m.page == page.number and sent_start <= m.char_start < sent_end:
            return m.theme_id
    try:
        from extractors.themes import theme_for_text
    except ImportError:  # themes module mid-rewrite: no theme rather than no deadline
        return None
    theme = theme_for_text(sentence)
    if theme:
        return theme
    heading = structure.heading_at(page.number, sent_start) if structure is not None else None
    if heading is not None:
        return theme_for_text(heading.text)
    return None


# ---------------------------------------------------------------- sentences

# Provenance sentences are cut here rather than by the parser: the small parsers split
# "31 oktober '23: ophalen input" after the colon and run headings into the next line.
# Boundaries: sentence-final punctuation before a capital/digit/bullet; a line that opens
# with a list marker or a tab (one paragraph per line layers); a blank line unless the
# text simply continues in lower case (PDF page/column breaks); a short line without
# final punctuation followed by a capital (a heading).
_LIST_START = re.compile(r"\n[ \t]*(?:[\u2022\u25cf\u25aa\u25e6*\-\u2013\u2014]\s|\||\(?\d{1,2}[.)]\s|[a-z][.)]\s"
                         r"|\d{1,2}(?:\.\d{1,2})+\.?\s)")
_SENT_END = re.compile(r"[.!?][\"'\u2019)\]]*\s+(?=[A-Z\u00C0-\u00DD\d\u2022\"'\u2018(])")
_BLANK = re.compile(r"\n[ \t\f]*\n\s*")
MAX_SENTENCE = 600


def _boundaries(text: str) -> list[int]:
    c = _cues()
    cuts = {0, len(text)}
    for m in _SENT_END.finditer(text):
        head = text[max(0, m.start() - 12):m.start()]
        line_start = text.rfind("\n", 0, m.start()) + 1
        if c["abbrev"].search(head):
            continue
        if re.fullmatch(r"[ \t]*(?:\d{1,2}|[a-z])", text[line_start:m.start()]):
            continue  # "1. Herkent u ..." list number
        cuts.add(m.end())
    for m in _LIST_START.finditer(text):
        cuts.add(m.start() + 1)
    for m in re.finditer(r"\n\t(?=\S)", text):
        cuts.add(m.start() + 1)
    for m in _BLANK.finditer(text):
        prev = text[:m.start()].rstrip()
        nxt = text[m.end():m.end() + 1]
        if prev and nxt and nxt.islower() and prev[-1] not in ".!?:;":
            continue
        cuts.add(m.end())
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        body = line.strip()
        if is_table_row(line):
            cuts.update((pos, end + 1 if end < len(text) else end))
        nxt = text[end + 1:end + 80].lstrip(" \t")[:1]
        last_word = body.rsplit(None, 1)[-1].lower() if body else ""
        if body and len(body) < 50 and body[-1] not in ".,;:-(\u2013" and nxt and (nxt.isupper() or nxt.isdigit()) \
                and last_word not in c["continuation"]:
            cuts.add(end + 1)
        pos = end + 1
    return sorted(cuts)


def page_sentences(page: Page):
    """(start, end, collapsed text) of every sentence of the page, as deadlines cut them."""
    cuts = _boundaries(page.text)
    for s, e in zip(cuts, cuts[1:]):
        if page.text[s:e].strip():
            yield s, e, " ".join(page.text[s:e].split())


def sentence_span(page: Page, start: int, end: int) -> tuple[int, int, str]:
    """(start, end, whitespace-collapsed text) of the sentence around [start, end)."""
    text = page.text
    cuts = getattr(page, "_ivp_sentence_cuts", None)
    if cuts is None:
        cuts = _boundaries(text)
        object.__setattr__(page, "_ivp_sentence_cuts", cuts)
    import bisect
    i = bisect.bisect_right(cuts, start) - 1
    s = cuts[max(i, 0)]
    j = bisect.bisect_left(cuts, max(end, start + 1))
    e = cuts[min(j, len(cuts) - 1)]
    if e - s > MAX_SENTENCE:
        s = max(s, text.rfind(" ", 0, max(0, start - MAX_SENTENCE // 2)) + 1)
        e2 = text.find(" ", end + MAX_SENTENCE // 2)
        e = min(e, e2 if e2 >= 0 else len(text))
    lead = _BULLET.match(text[s:e])
    if lead and lead.end() and s + lead.end() <= start:
        s += lead.end()
    return s, e, " ".join(text[s:e].split())


# ---------------------------------------------------------------- driver


def _spacy_sent(page: Page, start: int):
    doc = page.spacy_doc
    if doc is None:
        return None
    span = doc.char_span(start, min(start + 1, len(page.text)), alignment_mode="expand")
    if span is None or not len(span):
        return None
    try:
        return span.sent
    except ValueError:  # a pipeline without sentence boundaries
        return None


def extract_deadlines(doc: Document, doc_date: Optional[dt.date], period: tuple[Optional[int], Optional[int]],
                      structure: Structure, mentions: list[ThemeMention]) -> list[Deadline]:
    out: list[Deadline] = []
    seen: set = set()
    kept_sentences: dict[tuple, list[str]] = {}
    reference_day = dt.date(period[0], 1, 1) if doc_date is None and period and period[0] else None
    for page in doc.pages:
        text = page.text
        for expr in find_dates(text, doc_date):
            s_start, s_end, sentence = sentence_span(page, expr.full_start, expr.char_end)
            if _is_plan_period(expr, period) or _restates_one_year_period(expr, period, sentence):
                continue
            ok, cue, _reason = judge(expr, text, sentence, doc_date, _spacy_sent(page, expr.char_start),
                                     reference_day=reference_day,
                                     in_head=page.number == 1 and expr.char_start < HEAD_CHARS)
            if not ok:
                continue
            # A PDF with a second text layer repeats every sentence: one deadline per (date, wording).
            flat = _flat(sentence)
            keys = {(expr.date, expr.precision, flat)}
            keys |= {(expr.date, expr.precision, side) for side in _local_context(sentence, expr.text)}
            if keys & seen or any(fuzz.ratio(flat, other) >= DUPLICATE_SIMILARITY
                                  for other in kept_sentences.get((expr.date, expr.precision), ())):
                continue  # OCR noise differs between the two renderings
            seen |= keys
            kept_sentences.setdefault((expr.date, expr.precision), []).append(flat)
            out.append(Deadline(
                doc_id=doc.doc_id, date=expr.date, precision=expr.precision, timex=expr.timex, mod=expr.mod,
                date_text=" ".join(text[expr.full_start:expr.char_end].split()), cue=cue,
                what=what_of(text, expr, s_start, s_end),
                theme_id=theme_of(page, s_start, s_end, sentence, structure, mentions),
                page=page.number, char_start=expr.full_start, char_end=expr.char_end, sentence=sentence,
                year_inferred=expr.year_inferred,
                actor=None if cue == "planning" else actor_of(page, expr),
                relation=expr.relation, range_start=expr.range_start,
            ))
    return out


def _is_plan_period(expr: DateExpression, period: tuple[Optional[int], Optional[int]]) -> bool:
    start, end = period if period else (None, None)
    if start is None or end is None or start == end:
        return False
    return expr.kind == "year_range" and expr.range_start is not None and \
        int(expr.range_start[:4]) == start and int(expr.date[:4]) == end


def _restates_one_year_period(expr: DateExpression, period: tuple[Optional[int], Optional[int]],
                              sentence: str) -> bool:
    """ "In 2016 legt het parket het accent op fraude" in the jaarplan 2016: the plan's own year, not a
    due date. A target ("bedraagt in 2016 minimaal 10%") or a planned step ("in 2016 start de pilot")
    in the sentence keeps it a deadline; a bare modal ("moet", "zal") does not."""
    start, end = period if period else (None, None)
    if start is None or start != end or expr.kind != "year" or expr.part or expr.relative or not expr.date:
        return False
    if expr.relation not in (None, "NEUTRAL") or int(expr.date[:4]) != start:
        return False
    if _has_target(sentence):
        return False
    c = _cues()
    modal = {w.lower() for w in c["data"]["modal_cues"]}
    return not any(m.group(0).lower() not in modal for m in c["due"].finditer(sentence))


#: target words this long also match with one edit or swap (a scan's "doelstellig", "doelstellnig")
TARGET_FUZZY_MIN = 8


def _has_target(sentence: str) -> bool:
    c = _cues()
    if c["target"].search(sentence):
        return True
    long_cues = [w.lower() for w in c["data"]["target_cues"] if len(w) >= TARGET_FUZZY_MIN and " " not in w]
    return any(OSA.distance(tok, cue, score_cutoff=1) <= 1
               for tok in re.findall(r"[^\W\d_]{%d,}" % (TARGET_FUZZY_MIN - 1), sentence.lower()) for cue in long_cues)


def _flat(s: str) -> str:
    """Letters and digits only: "VNG- model" and "VNG-model" are the same wording."""
    return re.sub(r"[\W_]+", "", s.casefold())


def _local_context(sentence: str, expr_text: str) -> set[str]:
    """The wording on each side of the expression (when there is enough of it to be telling):
    two renderings of one sentence may be cut differently on one side, never on both."""
    flat, s = _flat(expr_text), _flat(sentence)
    i = s.find(flat)
    if i < 0:
        return set()
    left, right = s[max(0, i - 30):i], s[i + len(flat):i + len(flat) + 30]
    return {x for x in ("<" + left + flat if len(left) >= 12 else "", flat + right + ">" if len(right) >= 12 else "") if x}
