"""Deadlines: date expressions that say when something is due, planned or takes effect.

Per page, every expression from `extractors.dates.find_dates` (anchored on the document's
date) is judged by `judge`: the rules in `RULES`, tried in order, the first that speaks
decides; their words live in vocab/deadline_cues.yaml. Read them top to bottom:

1. no year; digits run together ("24032017": a field's value)              -> dropped
2. the document's own date line, a date alone on its line (a header value) -> dropped
3. a range of years ("2024-2027"): a period                                -> dropped
4. a reference, statistic or recurrence before it ("t.o.v. 2010", "sinds", "jaarlijks in
   maart", "de jaarlijkse rapportages die ... in oktober"), a yearless range in prose -> dropped
5. "voor 2024": before (with a completion word), a goal's year ("een ambitie voor 2018"),
   else "for"                                                               -> kept / dropped
6. the document's own day in its head                                      -> dropped
7. a table-of-contents entry ("2 Onze aanpak in 2026 ... 7")                -> dropped
8. a year that qualifies a noun before a later date ("de wijken die in 2018 ..., moeten in
   2022"): a baseline                                                       -> dropped
9. the past (the period ends before the anchor): kept only as a planning entry that does not
   report the past, a yearless bound that points ahead, or, in an undated text, a clause in
   the future tense ("worden na de zomer 2016 vastgesteld")                 -> dropped
10. a meeting or entry-into-force date in the head (also a value below a row of labels), a
    planning-table cell, a list row ending in its date, a "Label: <date>" field -> kept
11. a clause about the past: the tense of the clause that holds the date (word lists on both
    tiers, the tagger's past forms too): a simple past always, a perfect unless a strong due
    word or a target ("in 2026 is het aantal gedaald"); a perfect in a condition looks ahead
                                                                            -> dropped
12. a planning entry; a relation or part word (uiterlijk, voor, per, vanaf, na, tot,
    begin/medio/eind) unless it bounds a duration ("loopt tot 2026"); a relative date ahead
    or under way ("komend voorjaar", "dit jaar") unless it ends a period   -> kept
13. a neutral preposition (in, op) or a due word with a date ahead of the anchor, a specific
    future day                                                              -> kept
Without a document date the plan period's first day is the anchor: it gives a yearless date
its year ("in december" in a plan 2018-2022 is December 2018), while the tenses decide past
and future. A one-year plan's own year restated without a target, a planned step or a
future ("In 2016 ligt het accent op") is no deadline either (`_restates_one_year_period`).

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
from extractors.docdates import HEAD_CHARS, is_adoption_line, is_date_line, is_meeting_line, value_label
from extractors.document import Document, Page
from extractors.nlp import parse_sentence
from extractors.records import Deadline, ThemeMention
from extractors.structure import Structure
from extractors.vocab import load_yaml, require

#: characters before an expression searched for reference/recurring words
CUE_WINDOW = 32
WHAT_MAX_WORDS = 18
#: two sentences this similar (rapidfuzz ratio, letters and digits only) with the same date
#: are one statement rendered twice (a second PDF text layer, with its own OCR noise)
DUPLICATE_SIMILARITY = 90
#: letters on one side of an expression that identify its sentence in a second rendering; fewer (a
#: sentence that opens "Wij formuleren in 2021") are shared by different sentences
SIDE_CONTEXT = 20


def _validate(data) -> None:
    require(isinstance(data, dict), "top level must be a mapping")
    for key in ("due_cues", "strong_cues", "completion_cues", "reference_cues", "recurring_cues",
                "past_finite", "perfect_auxiliaries", "future_markers", "participle_exceptions",
                "planning_entry_separators", "before_voor_words", "continuation_words", "clause_openers",
                "what_trim_words", "reference_fillers", "abbreviations", "period_verbs", "determiners",
                "target_cues", "period_labels", "modal_cues", "habitual_cues",
                "perfect_infinitive_verbs", "perfect_infinitive_breaks", "separable_prefixes",
                "inseparable_prefixes", "attributive_leads", "coordinators", "condition_openers",
                "participles_without_ge", "goal_cues"):
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
        # clause boundaries for tense: the above and a coordinating word between two clauses
        "clause_bound": re.compile(rf"[;:]|\s[–—-]\s|,\s+(?=(?:{_alt(data['clause_openers'])})\b)"
                                   rf"|\s(?:{_alt(data['coordinators'])})\s", re.I),
        "condition": re.compile(rf"(?<![\w])(?:{_alt(data['condition_openers'])})(?![\w])", re.I),
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
        # "gemaakt", "vastgesteld", "ingezet", "aangenomen"; without ge- only the -d forms of be-/ver-/ont-
        # verbs ("verbeterd", "ontwikkeld"): their -t forms are mostly present tense ("bevat", "verwacht")
        "participle": re.compile(rf"(?<![\w])(?:(?:{_alt(data['separable_prefixes'])})?ge\w{{2,}}(?:d|t|en)"
                                 rf"|(?:{_alt(data['inseparable_prefixes'])})\w{{2,}}d)(?![\w])", re.I),
        "attributive_leads": {x.lower() for x in data["attributive_leads"]},
        "bare_participle": w("participles_without_ge"),
        "goal": w("goal_cues"),
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


#: "4 Wonen en werken in 2030: ambities en aanpak 12": a numbered title and its page number
_CONTENTS_ENTRY = re.compile(r"^[ \t]*\d{1,2}(?:\.\d{1,2})*\.?[ \t]+[^\W\d_].*?(?:[ \t.…]+)\d{1,3}[ \t]*$")


def is_contents_line(text: str, pos: int) -> bool:
    """The line at `pos` is an entry of a table of contents: it and a neighbouring line are numbered
    titles that end in a page number."""
    start, line = _line_of(text, pos)
    if not _CONTENTS_ENTRY.match(line):
        return False
    before = [ln for ln in text[:start].split("\n") if ln.strip()][-1:]
    after = [ln for ln in text[start + len(line):].split("\n") if ln.strip()][:1]
    return any(_CONTENTS_ENTRY.match(ln) for ln in before + after)


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


PAST, PERFECT, FUTURE, PRESENT = "past", "perfect", "future", "present"


def clause_tense(sentence: str, spacy_sent=None) -> str:
    """PAST (a finite past form: "was", "voerden we"), PERFECT (an auxiliary and a participle:
    "is ... vastgesteld", "zijn gaan samenwerken"), FUTURE (a future marker: "zal", "wordt", "gaan")
    or PRESENT. Word lists in deadline_cues.yaml; with a tagger its finite past forms and participles
    count too, so the blank tier and the UD tier judge the same shapes."""
    c = _cues()
    if spacy_sent is not None and any(_tagged_past(t) for t in spacy_sent):
        return PAST
    if c["past_finite"].search(sentence):
        return PAST
    # "is in 2016 onder druk komen te staan", "zijn gaan samenwerken": a perfect whose participle is an
    # infinitive; its own verb ("gaan", "moeten") is no future marker, one elsewhere is ("zal ... zijn gaan")
    for m in c["perfect_infinitive"].finditer(sentence):
        if not c["future"].search(sentence[:m.start()] + " " * (m.end() - m.start()) + sentence[m.end():]):
            return PERFECT
    if c["future"].search(sentence):
        return FUTURE
    if c["perfect"].search(sentence) and _participles(sentence, spacy_sent):
        return PERFECT
    return PRESENT


def date_clause_tense(sentence: str, expr: DateExpression, spacy_sent=None) -> str:
    """The tense of the clause that holds the expression, not of the whole sentence: "... dat vandaag is
    besproken en in december aan de orde komt" is about December ahead. A clause that only holds the
    auxiliary of a perfect ("In 2024 is het aantal inbraken | en overvallen gedaald") or no verb form the
    word lists know takes the sentence's tense; a perfect in a condition ("als het is gepubliceerd in
    april") looks ahead."""
    c = _cues()
    needle = " ".join(f"{expr.relation_text or ''} {expr.text}".split())  # "tot en met 2023": no clause break
    i = sentence.find(needle)
    whole = clause_tense(sentence, spacy_sent)
    if i < 0:
        return whole
    left, right = sentence[:i], sentence[i + len(needle):]
    cuts = [m for m in c["clause_bound"].finditer(left)]
    start = cuts[-1].end() if cuts else 0
    m = c["clause_bound"].search(right)
    conditions = list(c["condition"].finditer(sentence, start, i))
    if conditions:
        start = conditions[-1].start()  # "bijwerken zodra de monitor verschijnt in maart": the condition
    clause = sentence[start:i + len(needle) + (m.start() if m else len(right))]
    tokens = _tokens_of(spacy_sent, clause, needle)
    tense = clause_tense(clause, tokens)
    if conditions and tense == PERFECT:
        return FUTURE
    if tense != PRESENT or whole == PRESENT:
        return tense
    if c["perfect"].search(clause) or not cuts and not m:
        return whole
    return PRESENT


def _tagged_past(tok) -> bool:
    """A finite past verb by the tagger, except its known misreadings: a due word ("gereed") and a
    participle used as an adjective before its noun ("het in 2017 ontwikkelde beleid")."""
    if tok.morph.get("Tense") != ["Past"] or tok.morph.get("VerbForm") != ["Fin"] or _cues()["due"].fullmatch(tok.text):
        return False
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return not (tok.lower_.endswith("e") and nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ"))


def _tokens_of(spacy_sent, part: str, date_text: str):
    """The parsed tokens of a part of the sentence, without the date's own words (the small tagger
    reads "eind" in "eind dit jaar" as a verb)."""
    if spacy_sent is None:
        return None
    words = set(re.findall(r"\w+", part.lower())) - set(re.findall(r"\w+", date_text.lower()))
    return [t for t in spacy_sent if t.lower_ in words]


def entry_tense(sentence: str, expr: DateExpression, spacy_sent=None) -> str:
    """The tense of a planning entry's text: what follows its date ("17 november - De raad gaf ...")."""
    needle = " ".join(expr.text.split())
    i = sentence.find(needle)
    rest = sentence[i + len(needle):] if i >= 0 else sentence
    return clause_tense(rest, _tokens_of(spacy_sent, rest, needle))


def _participles(sentence: str, spacy_sent=None) -> list[str]:
    c = _cues()
    # "ge...en" is also a plural noun ("gemeenten", "gedetineerden", "gesprekken"): not after a determiner
    found = [m.group(0).lower() for m in c["participle"].finditer(sentence)
             if not c["determiner"].search(sentence[max(0, m.start() - 16):m.start()])]
    if spacy_sent is not None:
        nouns = {t.lower_ for t in spacy_sent if t.pos_ in ("NOUN", "PROPN")}
        found = [p for p in found if p not in nouns]
        # participles the word shapes miss ("besproken") need the tagger
        found += [t.lower_ for t in spacy_sent if t.morph.get("VerbForm") == ["Part"]]
    found += [m.group(0).lower() for m in c["bare_participle"].finditer(sentence)]
    return [p for p in found if p not in c["participle_exceptions"]]


def _past_tense(sentence: str, spacy_sent=None) -> bool:
    return clause_tense(sentence, spacy_sent) in (PAST, PERFECT)


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


class _Facts:
    """What the rules of `judge` look at, computed once per expression (lazily where it costs)."""

    def __init__(self, expr: DateExpression, text: str, sentence: str, doc_date: Optional[dt.date],
                 spacy_sent, reference_day: Optional[dt.date], in_head: bool, sentence_dates):
        self.expr, self.text, self.sentence, self.spacy_sent = expr, text, sentence, spacy_sent
        self.doc_date, self.in_head = doc_date, in_head
        # without a date of its own the document is judged from its plan period's first day, and its
        # tenses decide: the day is a guess, so it never makes a clause in the present "past"
        self.dated = doc_date is not None
        self.anchor = doc_date or reference_day
        self.sentence_dates = list(sentence_dates)
        self.line = _line_of(text, expr.char_start)[1]
        self.before = text[max(0, expr.full_start - CUE_WINDOW):expr.full_start]
        self.before_core = text[max(0, expr.char_start - CUE_WINDOW):expr.char_start]

    @functools.cached_property
    def start_end(self) -> tuple[Optional[dt.date], Optional[dt.date]]:
        """The period the expression names; "begin 2024" is over by April: the part the words name."""
        e = self.expr
        start = dt.date.fromisoformat(e.start) if e.start else None
        end = dt.date.fromisoformat(e.end) if e.end else None
        if start and end and e.part:
            quarter = (end - start) / 4
            if e.part == "START":
                end = start + quarter
            elif e.part == "END":
                start = end - quarter
            else:
                start, end = start + quarter, end - quarter
        return start, end

    @functools.cached_property
    def meeting(self) -> bool:
        """A meeting or entry-into-force date in the head, or a draft's later adoption day."""
        e, doc_date = self.expr, self.doc_date
        label = value_label(self.text, e.char_start) or self.line  # a value below a row of labels
        meeting = (is_meeting_line(label) and e.precision == "day" and not e.relation_text
                   and (doc_date is None or e.date != doc_date.isoformat()))
        return meeting or self.adoption

    @functools.cached_property
    def adoption(self) -> bool:
        e = self.expr
        return (is_adoption_line(self.line) and self.doc_date is not None and e.precision == "day"
                and e.date > self.doc_date.isoformat() and not is_meeting_line(self.line))

    @functools.cached_property
    def due(self):
        c = _cues()
        return c["strong"].search(self.sentence) or c["due"].search(self.sentence)  # the strongest names the cue

    @functools.cached_property
    def strong(self) -> bool:
        return bool(_cues()["strong"].search(self.sentence))

    @functools.cached_property
    def target(self) -> bool:
        return _has_target(self.sentence)

    @functools.cached_property
    def tense(self) -> str:
        return date_clause_tense(self.sentence, self.expr, self.spacy_sent)

    @functools.cached_property
    def planning(self) -> bool:
        return is_planning_entry(self.text, self.expr)

    @functools.cached_property
    def cell(self) -> bool:
        return table_cell_entry(self.text, self.expr)

    @functools.cached_property
    def rel_cue(self) -> Optional[str]:
        return _relation_cue(self.expr)

    @property
    def future(self) -> bool:
        """The period ends at or after the anchor (always, without one)."""
        start, end = self.start_end
        a = self.anchor
        return a is None or (start is not None and start > a) or (end is not None and end >= a)

    @property
    def contains_anchor(self) -> bool:
        start = self.start_end[0]
        return self.anchor is not None and start is not None and start <= self.anchor


Verdict = Optional[tuple[bool, Optional[str], str]]
KEEP, DROP = True, False


# -- the rules, in the order they are tried: the first that speaks decides --------------------------

def _no_year(f: _Facts) -> Verdict:
    if f.expr.date is None:
        return DROP, None, "no year"
    if f.expr.compact:
        return DROP, None, "digits run together: a field's value, not a statement"
    return None


def _document_date_line(f: _Facts) -> Verdict:
    if is_date_line(f.line) and not f.meeting:
        return DROP, None, "document date line"
    if f.expr.relation_text is None and _alone_on_line(f.line, f.expr):
        return DROP, None, "a date alone on its line (a header value)"
    return None


def _period_range(f: _Facts) -> Verdict:
    return (DROP, None, "period") if f.expr.kind == "year_range" else None


def _reference_or_recurring(f: _Facts) -> Verdict:
    c, e = _cues(), f.expr
    if c["reference"].search(f.before) or c["reference"].search(f.before_core):
        return DROP, None, "reference"
    if c["recurring"].search(f.before):
        return DROP, None, "recurring"
    if e.year_inferred and not e.relative and (c["habitual"].search(f.before) or (
            e.relation in (None, "NEUTRAL") and c["recurring"].search(f.sentence))):
        # a season or month without a year, every year: "twee keer per jaar, in het voorjaar", "de
        # jaarlijkse plannen die de raad in januari bespreekt"; a start stays ("vanaf 1 maart maandelijks")
        return DROP, None, "recurring"
    if e.is_range and e.year_inferred and not e.relative and not (f.planning or f.cell or _in_dated_rows(f.text, e)):
        # "van juni tot en met augustus" in prose is what happens every year; in a planning
        # list or table of one year it is that year's slot
        return DROP, None, "recurring range"
    return None


def _voor_for(f: _Facts) -> Verdict:
    """ "voor 2024": "before 2024" (a completion due) or "for 2024" (nothing due, unless a target)."""
    e = f.expr
    if not e.for_reading:
        return None
    if _voor_means_before(e, f.text):
        # "moet voor 2025 gereed zijn": before the year starts
        e.relation, e.for_reading = "BEFORE", False
        dates_mod._finish(e)
        return None
    if _cues()["goal"].search(f.sentence) and f.tense != PAST:
        return KEEP, "voor", "a goal set for the year ('een ambitie voor 2018')"
    return DROP, None, "voor = for"


def _own_date(f: _Facts) -> Verdict:
    e, d = f.expr, f.doc_date
    if d and e.precision == "day" and f.start_end[0] == d and (
            f.in_head or (not f.rel_cue and not f.due and not e.relation_text)):
        return DROP, None, "the document's own date"
    return None


def _contents_entry(f: _Facts) -> Verdict:
    return (DROP, None, "a table-of-contents entry") if is_contents_line(f.text, f.expr.char_start) else None


def _baseline(f: _Facts) -> Verdict:
    """ "de wijken die in 2018 lager scoren, moeten in 2022 ...", "het in 2017 ontwikkelde beleid wordt in
    2018 vastgesteld": a year that qualifies a noun is the baseline of a later date in the sentence."""
    e = f.expr
    if e.kind != "year" or e.part or e.relative or e.relation not in (None, "NEUTRAL"):
        return None
    words = re.findall(r"[\w']+", f.text[max(0, e.full_start - 24):e.full_start])
    of_noun = (e.relation_text or "").lower() in {w.lower() for w in dates_mod.vocab()["glue"]["of"]}  # "de index van 2018"
    if not of_noun and (not words or words[-1].lower() not in _cues()["attributive_leads"]):
        return None
    if any(o.date and not o.is_range and o.date > e.date and o.char_start > e.char_start for o in f.sentence_dates):
        return DROP, None, "the baseline of a later date"
    return None


def _in_the_past(f: _Facts) -> Verdict:
    c, e = _cues(), f.expr
    end = f.start_end[1]
    if not (f.anchor and end and end < f.anchor):
        return None
    if f.planning:
        if entry_tense(f.sentence, f.expr, f.spacy_sent) == PAST:
            return DROP, None, "a dated entry that reports the past ('17 november - De raad gaf ...')"
        return KEEP, "planning", "planning entry (past)"
    # "tot de zomer wordt extra gesurveilleerd" in October: next summer. Only with words that
    # look ahead: "voor de zomer is het plan besproken" reports the summer that has passed.
    ahead = c["future"].search(f.sentence) or (f.due and not c["perfect"].search(f.sentence))
    if (e.relation in ("BEFORE", "ON_OR_BEFORE") and not e.relative and e.year_inferred and ahead
            and not _past_tense(f.sentence, f.spacy_sent) and dates_mod.roll_forward(e, f.anchor)):
        return KEEP, f.rel_cue, "a yearless bound points ahead"
    if not f.dated and f.tense == FUTURE and not e.year_inferred:
        # an undated budget for 2017 says "worden na de zomer 2016 vastgesteld": written before its year
        return KEEP, f.rel_cue or (f.due.group(0).lower() if f.due else None), "future tense, undated document"
    return DROP, None, "past"


def _head_or_table_entry(f: _Facts) -> Verdict:
    e = f.expr
    if f.meeting:
        if f.adoption:
            return KEEP, "vastgesteld", "a planned adoption"
        label = re.match(r"[\s*_#>|-]*([^:\d]+)", value_label(f.text, f.expr.char_start) or f.line)
        return KEEP, " ".join(label.group(1).split()).lower() if label else None, "a meeting dated in the head"
    if f.cell:
        # a table's cells carry no verbs: the planning column is the cue (past rows were dropped above)
        return KEEP, "planning", "planning table cell"
    if not f.rel_cue and not f.due and row_end_entry(f.text, e):
        return KEEP, "planning", "list row ending in its date"
    label = None if f.rel_cue else field_entry(f.text, e)
    if label:
        return KEEP, label, "a field whose value is the date"
    return None


def _past_clause(f: _Facts) -> Verdict:
    """A date the anchor falls in (or any date of an undated document) in a clause about the past."""
    if f.planning:
        if entry_tense(f.sentence, f.expr, f.spacy_sent) == PAST:
            return DROP, None, "a dated entry that reports the past ('17 november - De raad gaf ...')"
        return None
    if f.dated and not f.contains_anchor:
        return None
    if f.tense == PAST and not _cues()["future"].search(f.sentence):
        return DROP, None, "past tense"  # "op 1 oktober 2010 was elke regio verplicht", whatever the nouns
    if f.tense in (PAST, PERFECT) and not f.strong and not f.target:
        # a perfect is past unless it states a target reached by then ("in 2026 is het aantal gedaald")
        return DROP, None, "past tense"
    return None


def _relation_or_relative(f: _Facts) -> Verdict:
    c, e = _cues(), f.expr
    if f.planning:
        return KEEP, "planning", "planning entry"
    if f.rel_cue:
        if e.relation in ("BEFORE", "ON_OR_BEFORE", "ON_OR_AFTER") and c["period_verbs"].search(f.sentence):
            return DROP, None, "a period's boundary ('loopt tot 2026')"
        return KEEP, f.rel_cue, "relation"
    if e.relative and f.future and e.year_inferred and not c["period_verbs"].search(f.sentence):
        # "komend voorjaar", "volgend jaar", "dit jaar" in a clause that is not about the past
        articles = {w.lower() for w in dates_mod.vocab()["glue"]["articles"]}
        words = [w for w in e.text.lower().split() if w not in articles]
        return KEEP, (words or e.text.split())[0].lower(), "relative future"
    return None


def _preposition_or_due(f: _Facts) -> Verdict:
    e = f.expr
    due = f.due
    if f.anchor is None and not due and not f.target:
        return DROP, None, "no date to tell the future from"
    if not f.future:
        return None
    if e.relation_text and e.kind == "season" and e.year_inferred and not due:
        # seasons without a year describe what usually happens ("in de zomer is het druk")
        return DROP, None, "yearless season, no due word"
    if e.relation_text:
        # a neutral preposition ("in 2014", "op 9 november") with a future date
        return KEEP, due.group(0).lower() if due else e.relation_text.split()[-1], "preposition + future"
    if due and e.precision != "year":
        return KEEP, due.group(0).lower(), "due word"
    if e.precision == "day" and f.anchor is not None:
        return KEEP, None, "future day"
    return None


#: the decision, top to bottom: each rule keeps the date, drops it, or passes it on (None)
RULES = (_no_year, _document_date_line, _period_range, _reference_or_recurring, _voor_for, _own_date,
         _contents_entry, _baseline, _in_the_past, _head_or_table_entry, _past_clause,
         _relation_or_relative, _preposition_or_due)


def judge(expr: DateExpression, text: str, sentence: str, doc_date: Optional[dt.date],
          spacy_sent=None, reference_day: Optional[dt.date] = None,
          in_head: bool = False, sentence_dates=()) -> tuple[bool, Optional[str], str]:
    """(is_deadline, cue, reason) for one expression in page text `text`: the first of `RULES` that speaks.

    `reference_day` stands in for a missing doc_date (the first day of the plan period): it places
    past and future and resolves a missing year, but the document's tenses decide. `in_head`: the
    expression is in the head of the first page, where the document's own date is stated.
    `sentence_dates`: the other expressions of the sentence (a baseline year needs the later one).
    """
    facts = _Facts(expr, text, sentence, doc_date, spacy_sent, reference_day, in_head, sentence_dates)
    for rule in RULES:
        verdict = rule(facts)
        if verdict is not None:
            return verdict
    return DROP, None, "no cue"



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


def actor_of(page: Page, expr: DateExpression, sent_start: int, sent_end: int) -> Optional[str]:
    """Subject of the verb that governs the date, from the dependency parse of its sentence."""
    doc = parse_sentence(page.text[sent_start:sent_end], page.spacy_doc)
    if doc is None or not doc.has_annotation("DEP"):
        return None
    span = doc.char_span(expr.char_start - sent_start, expr.char_end - sent_start, alignment_mode="expand")
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


def _spacy_sent(page: Page, start: int, end: Optional[int] = None):
    """The parsed tokens of the sentence [start, end) as deadlines cut it (the parser's own sentence
    may run on into the next list item); with `end` None, the parser's sentence around `start`."""
    doc = page.spacy_doc
    if doc is None:
        return None
    if end is not None:
        span = doc.char_span(start, end, alignment_mode="contract")
        return span if span is not None and len(span) else None
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
    # an undated document is read from its plan period's first day: a year left out ("in december")
    # is the plan's first year
    reference_day = dt.date(period[0], 1, 1) if doc_date is None and period and period[0] else None
    for page in doc.pages:
        text = page.text
        found = find_dates(text, doc_date or reference_day)
        for expr in found:
            s_start, s_end, sentence = sentence_span(page, expr.full_start, expr.char_end)
            if _is_plan_period(expr, period) or _restates_one_year_period(expr, period, sentence):
                continue
            ok, cue, _reason = judge(expr, text, sentence, doc_date, _spacy_sent(page, s_start, s_end),
                                     reference_day=reference_day,
                                     in_head=page.number == 1 and expr.char_start < HEAD_CHARS,
                                     sentence_dates=[o for o in found if o is not expr
                                                     and s_start <= o.char_start < s_end])
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
                actor=None if cue == "planning" else actor_of(page, expr, s_start, s_end),
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
    or a future ("wordt in 2016 opgesteld", "zal") keeps it a deadline; a bare "moet" does not."""
    start, end = period if period else (None, None)
    if start is None or start != end or expr.kind != "year" or expr.part or expr.relative or not expr.date:
        return False
    if expr.relation not in (None, "NEUTRAL") or int(expr.date[:4]) != start:
        return False
    if _has_target(sentence):
        return False
    c = _cues()
    modal = {w.lower() for w in c["data"]["modal_cues"]}
    # a planned step: a due word or a future marker ("wordt in 2018 opgesteld", "gaan we in 2016 ...")
    steps = list(c["due"].finditer(sentence)) + list(c["future"].finditer(sentence))
    return not any(" ".join(m.group(0).lower().split()) not in modal for m in steps)


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
    return {x for x in ("<" + left + flat if len(left) >= SIDE_CONTEXT else "",
                        flat + right + ">" if len(right) >= SIDE_CONTEXT else "") if x}
