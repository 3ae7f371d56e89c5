"""A Dutch temporal grammar: date expressions -> ISO date, precision, TIMEX3 value and modifier.

The words come from `vocab/dates.yaml`; this module only knows the shapes Dutch
policy prose uses: a core (day month year, month, season, quarter, half, week,
year, year range, relative year) optionally preceded by a part of the period
(begin/medio/eind) and by relation words (uiterlijk, voor, per, vanaf, na ...).

Conventions (DESIGN.md, gold README):
- `date` is the representative day that `precision` says how to read, never a day the
  text does not give: a part modifier picks start/middle/end; otherwise BEFORE and
  ON_OR_AFTER ("voor september", "per 2015") take the first day, everything else the
  last day of the period ("in 2014" -> 2014-12-31, "December '23" -> 2023-12-31);
  a season takes the last day of its middle month ("najaar 2018" -> 2018-10-31).
- `timex` is the TIMEX3 value truncated to what the text says ("2014", "2023-06",
  "2014-Q3", "2014-H2", "2018-FA", "2024-W12"); an unknown year is "XXXX". A week keeps its
  own timex, but its precision is the contract's smallest unit that holds the whole week
  (week 12 of 2024 lies in March: "month"), so no day is claimed.
- Relative words resolve against the anchor: "volgend jaar", "komend kwartaal", "eind deze
  maand", "1 juli jl." (the last one), "12 juni a.s." (the next one).
- `mod` is the part (START/MID/END) when the text gives one, else the relation
  (BEFORE, ON_OR_BEFORE, AFTER, ON_OR_AFTER, APPROX); `relation` keeps the latter
  separately, so "uiterlijk eind 2014" is mod END with relation ON_OR_BEFORE.
- A year that is not written comes from the anchor (the document's date) and sets
  `year_inferred`; "'23" is a written year.
"""
from __future__ import annotations

import calendar
import copy
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from extractors.vocab import load_yaml, require

#: the contract's precisions; a week is reported as the smallest of them that holds the whole week
PRECISIONS = ("day", "month", "quarter", "half", "year")
MODS = ("START", "MID", "END", "BEFORE", "ON_OR_BEFORE", "AFTER", "ON_OR_AFTER", "APPROX")
RELATIONS = MODS[3:] + ("NEUTRAL",)
#: a yearless date that ended this long before the anchor is read as next year's
#: ("in februari" in a November letter); shorter gaps are recent past events.
ROLL_FORWARD_DAYS = 61
#: a relative year that names the twelve months after the anchor ("het komende jaar"), not a calendar year
NEXT_TWELVE_MONTHS = "next_twelve_months"
TWELVE_MONTHS_IN_YEAR_UNTIL = 3  # an anchor up to March: "het komende jaar" is the year just begun


@dataclass
class DateExpression:
    char_start: int  # span of the expression incl. part words ("eind 2014"), excl. relation
    char_end: int
    text: str
    date: Optional[str]  # ISO representative day; None when the year is unknown
    precision: str  # day, month, quarter, half, year (a week: the unit that holds it)
    timex: str
    mod: Optional[str]
    year_inferred: bool = False
    is_range: bool = False
    range_start: Optional[str] = None  # ISO first day of a range
    range_start_timex: Optional[str] = None
    start: Optional[str] = None  # ISO first day of the whole period the expression covers
    end: Optional[str] = None  # ISO last day
    kind: str = ""  # day, week, month, season, quarter, half, year, year_range, month_range
    part: Optional[str] = None  # START, MID, END
    relation: Optional[str] = None  # innermost non-neutral relation
    relation_text: Optional[str] = None  # relation words as written ("uiterlijk", "per")
    relation_start: Optional[int] = None  # where the relation words begin
    relative: bool = False  # resolved from words like "dit jaar", "komend najaar"
    for_reading: bool = False  # "voor 2024" read as "for 2024"
    compact: bool = False  # digits run together ("24032017"): a date only as a labelled field's value
    interval: Optional["_Period"] = field(default=None, repr=False, compare=False)  # what date is computed from

    @property
    def full_start(self) -> int:
        return self.relation_start if self.relation_start is not None else self.char_start


# ---------------------------------------------------------------- vocabulary


def _validate(data) -> None:
    require(isinstance(data, dict), "top level must be a mapping")
    for key in ("months", "full_month_names", "seasons", "parts", "ordinals", "relative_years",
                "season_qualifiers", "relations", "year_nouns", "fillers", "range_links",
                "consecutive_only_links", "max_year_range", "always_before", "for_reading_relation",
                "quarter_words", "half_words", "week_words", "glue", "choice_links", "part_relative_years", "post_qualifiers", "month_words"):
        require(key in data, f"missing key {key!r}")
    months = data["months"]
    require(isinstance(months, dict) and months, "months must be a non-empty mapping")
    for word, num in months.items():
        require(isinstance(num, int) and 1 <= num <= 12, f"month {word!r}: {num!r} is not 1-12")
    require(sorted(set(months.values())) == list(range(1, 13)), "months must cover 1-12")
    for name in data["full_month_names"]:
        require(name in months, f"full month name {name!r} is not in months")
    for word, spec in data["seasons"].items():
        require(isinstance(spec, dict), f"season {word!r} must be a mapping")
        m = spec.get("months")
        require(isinstance(m, list) and len(m) == 2 and all(isinstance(x, int) and 1 <= x <= 12 for x in m),
                f"season {word!r}: months must be [first, last]")
        require(isinstance(spec.get("representative_month"), int), f"season {word!r}: representative_month")
        require(spec.get("timex") in ("SP", "SU", "FA", "WI"), f"season {word!r}: timex must be SP/SU/FA/WI")
    for word, part in data["parts"].items():
        require(part in ("START", "MID", "END"), f"part {word!r}: {part!r} is not START/MID/END")
    for word, n in data["ordinals"].items():
        require(n in (1, 2, 3, 4, -1), f"ordinal {word!r}: {n!r}")
    for key in ("relative_years", "part_relative_years"):
        for word, off in data[key].items():
            require(off == NEXT_TWELVE_MONTHS or isinstance(off, int) and -5 <= off <= 5,
                    f"{key} {word!r}: offset {off!r}")
    for key in ("season_qualifiers", "post_qualifiers"):
        for word, q in data[key].items():
            require(q in ("next", "following", "this", "last"), f"{key} {word!r}: {q!r}")
    for word, rel in data["relations"].items():
        require(rel in RELATIONS, f"relation {word!r}: {rel!r} not in {RELATIONS}")
    require(data["for_reading_relation"] in data["relations"], "for_reading_relation must be a relation")
    require(isinstance(data["max_year_range"], int) and data["max_year_range"] > 0, "max_year_range")
    for key in ("of", "articles", "part_lead", "day_suffixes", "season_prepositions"):
        require(isinstance(data["glue"].get(key), list) and data["glue"][key], f"glue.{key} must be a non-empty list")
    ocr = data.get("ocr_variants")
    require(isinstance(ocr, dict) and isinstance(ocr.get("substitutions"), list), "ocr_variants.substitutions")
    for pair in ocr["substitutions"]:
        require(isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) and x for x in pair),
                f"ocr_variants: {pair!r} must be [seen, meant]")
    require(isinstance(ocr.get("min_length"), int) and isinstance(ocr.get("drop_letter_min_length"), int),
            "ocr_variants: min_length and drop_letter_min_length must be integers")
    require(isinstance(ocr.get("not_variants", []), list), "ocr_variants.not_variants must be a list")


def vocab() -> dict:
    return load_yaml("dates.yaml", validate=_validate)


def _alt(words) -> str:
    """Regex alternation, longest first; a space in a word matches any whitespace."""
    parts = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in parts)


_WORD = re.compile(r"\w+")


def _gate(part) -> "re.Pattern | frozenset[str]":
    """What a text must contain for a pattern to match in it: a set of words (their first words,
    for phrases), tested against the text's words at once, or a compiled regex."""
    if isinstance(part, str):
        return re.compile(part, re.IGNORECASE)
    phrases = [w.lower().split() for w in part]
    if all(p and all(_WORD.fullmatch(word) for word in p) for p in phrases):
        return frozenset(p[0] for p in phrases)
    return re.compile(_alt(part), re.IGNORECASE)


def _passes(gate, text: str, words: Callable[[], set[str]]) -> bool:
    if gate is None:
        return True
    if isinstance(gate, frozenset):
        return not gate.isdisjoint(words())
    return gate.search(text) is not None


def _key(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class _Grammar:
    patterns: tuple  # (name, compiled, compiled part every match contains, or None)
    relation_re: re.Pattern
    v: dict
    season_context: re.Pattern


def _ocr_variants(word: str, spec: dict) -> set[str]:
    """One-edit OCR misreadings of a single word (see `ocr_variants` in dates.yaml)."""
    if " " in word or len(word) < spec["min_length"]:
        return set()
    out: set[str] = set()
    for a, b in spec["substitutions"]:
        start = word.find(a)
        while start >= 0:
            out.add(word[:start] + b + word[start + len(a):])
            start = word.find(a, start + 1)
    if len(word) >= spec["drop_letter_min_length"]:
        out |= {word[:i] + word[i + 1:] for i in range(1, len(word))}
    out.discard(word)
    return out - {w.lower() for w in spec.get("not_variants", [])}


def _with_variants(mapping: dict, spec: dict) -> dict:
    extended = dict(mapping)
    for word, value in mapping.items():
        for variant in _ocr_variants(word.lower(), spec):
            extended.setdefault(variant, value)  # a real word always keeps its own meaning
    return extended


@functools.cache
def _grammar() -> _Grammar:
    v = dict(vocab())
    spec = v["ocr_variants"]
    for key in ("months", "seasons", "parts", "relations", "ordinals"):
        v[key] = _with_variants(v[key], spec)
    for key in ("quarter_words", "half_words"):  # "derde kwartal", "tweede helf"
        v[key] = sorted({w for word in v[key] for w in {word} | _ocr_variants(word.lower(), spec)})
    v["full_month_names"] = sorted({w for name in v["full_month_names"] for w in {name} | _ocr_variants(name, spec)})
    # a full name never takes the dot ("in april." ends a sentence); an abbreviation may ("3 okt.")
    abbreviations = set(v["months"]) - set(v["full_month_names"])
    month = rf"(?:(?:{_alt(v['full_month_names'])})\b|(?:{_alt(abbreviations)})\b\.?)"
    full_month = rf"(?:{_alt(v['full_month_names'])})\b"
    year4 = r"(?<![\d.,/])(?<!\d-)(?:19[5-9]\d|20\d\d|2100)(?![\d]|,\d|\.\d|\s*%)"
    yy = r"['’‘`´]\d{2}(?![\d'’])"
    year4_after_sep = r"(?:19[5-9]\d|20\d\d|2100)(?![\d]|,\d|\.\d|\s*%)"
    relyear = rf"(?:{_alt(v['relative_years'])})\b"
    part_relyear = rf"(?:{_alt(v['part_relative_years'])})\b"
    yearspec = rf"(?:{year4}|{yy}|{relyear})"
    parts = _alt(v["parts"])
    glue = v["glue"]
    of, art, lead = _alt(glue["of"]), _alt(glue["articles"]), _alt(glue["part_lead"])
    dsuf = _alt(glue["day_suffixes"])
    partlead = rf"(?:(?:(?:{lead})\s+)?(?:(?:{art})\s+)?(?P<part>{parts})\s+(?:(?:{of})\s+)?(?:(?:{art})\s+)?)"
    ordinal = _alt(v["ordinals"])
    quarter_w = _alt(v["quarter_words"])
    half_w = _alt(v["half_words"])
    week_w = _alt(v["week_words"])
    month_w = _alt(v["month_words"])
    season = _alt(v["seasons"])
    squal = _alt(v["season_qualifiers"])
    yearnoun = _alt(v["year_nouns"])
    links = _alt(v["range_links"])
    # "1 juli jl.", "12 juni a.s.": a yearless day or month with its own direction
    post = rf"(?:\s+(?P<post>{_alt(v['post_qualifiers'])})(?!\w))"
    # "juni of juli 2024": a choice between months or days, never a period of years
    mlinks = _alt(v["range_links"] + v["choice_links"])
    # Every pattern that may open with a word starts at a word boundary: the engine then skips
    # the positions inside words at once instead of trying the part/lead alternations there.
    # A pattern is tried on a text only when the part that every match of it contains occurs
    # there at all (a month name, a season word, four digits): most lines and pages hold no
    # season, half or quarter, and the full patterns cost ~8 ms a page.
    quarter_part, half_part = rf"(?:{quarter_w})|Q[1-4]\b", rf"(?:{half_w})|H[12]\b"
    pats = [
        ("iso", rf"(?<![\d-])(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})(?![\d-])"),
        ("numeric", r"(?<![\d./-])(?P<d>\d{1,2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d]|[-/.]\d)"),
        # "Datum 24032017": day, month and year run together (a form field that lost its separators)
        ("compact", r"(?<![\w.,/-])(?P<d>[0-3]\d)(?P<m>[01]\d)(?P<y>(?:19[5-9]|20\d)\d)(?![\w.,/-])"),
        ("day_month", rf"(?<![\d.,])(?P<d>\d{{1,2}})(?:{dsuf})?\s+(?P<month>{month})(?:\s*(?P<year>{yearspec})|{post})?"),
        ("day_range", rf"(?<![\w])(?:(?:{of})\s+)?(?<![\d.,])(?P<d1>\d{{1,2}})(?:{dsuf})?(?:\s+(?P<month1>{month}))?\s*(?:{mlinks})\s*"
                      rf"(?P<d2>\d{{1,2}})(?:{dsuf})?\s+(?P<month2>{month})(?:\s*(?P<year>{yearspec}))?"),
        ("month_range", rf"(?<![\w])(?:(?:{of})\s+)?(?P<month1>{month})\s*(?P<mlink>{mlinks})\s*(?P<month2>{month})"
                        rf"(?:\s+(?:(?:{of})\s+)?(?P<year>{yearspec})|(?P<yy>\s*{yy}))?"),
        ("month", rf"(?<![\w]){partlead}?(?<![\w])(?P<month>{month})(?:\s*(?:(?:{of})\s+)?(?P<year>{yearspec})|{post})?"),
        ("season", rf"(?<![\w]){partlead}?(?<![\w])(?:(?P<qual>{squal})\s+)?(?P<season>{season})\b"
                   rf"(?:\s*(?:(?:{of})\s+)?(?P<year>{yearspec}))?"),
        ("quarter", rf"(?<![\w]){partlead}?(?<![\w])(?:(?P<ord>{ordinal})\s+(?:{quarter_w})|(?:{quarter_w})\s+(?P<qn>[1-4])\b|Q(?P<q>[1-4])\b)"
                    rf"(?:\s*(?:(?:{of})\s+|-\s*)?(?P<year>{year4_after_sep}|{yy}|{relyear}))?"),
        ("quarter_iso", rf"(?<![\d])(?P<year>\d{{4}})-?Q(?P<q>[1-4])\b"),
        ("half", rf"(?<![\w]){partlead}?(?<![\w])(?:(?P<ord>{ordinal})\s+(?:{half_w})|H(?P<h>[12])\b)"
                 rf"(?:\s*-\s*(?P<hyear>{year4_after_sep})|\s*(?:(?:{of})\s+)?(?:(?:{art})\s+(?:{yearnoun})\s+)?"
                 rf"(?P<year>{yearspec}))"),
        ("week", rf"(?<![\w])(?:{week_w})\.?\s*(?P<w>\d{{1,2}})\b(?:\s*(?:(?:{of})\s+)?(?P<year>{year4}|{yy}))?"),
        ("year_range", rf"(?:(?:{of})\s+)?(?P<y1>{year4})\s*(?P<link>{links})\s*(?P<y2>(?:19|20)\d\d|['’]?\d{{2}})(?![\d]|,\d|\.\d|\s*%)"),
        ("year", rf"(?<![\w]){partlead}?(?:(?P<noun>{yearnoun})\s+)?(?P<year>{year4}|{yy})(?!\s*(?:[-–—/]|t/m)\s*\d)"),
        ("relyear", rf"(?<![\w]){partlead}?(?<![\w])(?P<year>{relyear})"),
        # "eind van het jaar": the current year, but only after a part word
        ("relyear", rf"(?<![\w]){partlead}(?<![\w])(?P<year>{part_relyear})"),
        # "komend kwartaal", "eind volgende maand", "deze week": a unit counted from the anchor
        ("relunit", rf"(?<![\w]){partlead}?(?<![\w])(?:(?:{art})\s+)?(?P<uq>{squal})\s+(?P<unit>{quarter_w}|{month_w}|{week_w})\b"),
    ]
    # The part every match of a pattern contains: a word (any of these, as a whole word: in each
    # pattern it stands after a non-letter and before a word boundary or a space), else a regex.
    month_words = sorted(set(v["months"]) | set(v["full_month_names"]))
    unit_words = v["quarter_words"] + v["month_words"] + v["week_words"]
    every_match_contains = {
        "day_month": month_words, "day_range": month_words, "month_range": month_words, "month": month_words,
        "season": list(v["seasons"]), "relunit": unit_words,
        "quarter": quarter_part, "half": half_part, "week": week_w, "year_range": year4, "year": rf"{year4}|{yy}",
    }
    first_relyear = next(i for i, (name, _) in enumerate(pats) if name == "relyear")
    compiled = []
    for i, (name, p) in enumerate(pats):
        part = every_match_contains.get(name)
        if name == "relyear":  # two patterns: a relative year, or a part word's year
            part = list(v["relative_years"] if i == first_relyear else v["part_relative_years"])
        compiled.append((name, re.compile(p, re.IGNORECASE), part and _gate(part)))
    compiled = tuple(compiled)
    fillers = _alt(v["fillers"])
    rel = re.compile(rf"(?<![\w.])(?P<rel>{_alt(v['relations'])})\s+(?:(?:{fillers})\s+)*$", re.IGNORECASE)
    season_context = re.compile(rf"(?<!\w)(?:{_alt(glue['season_prepositions'])})\s+(?:(?:{art})\s+)?$", re.I)
    return _Grammar(compiled, rel, v, season_context)


# ---------------------------------------------------------------- calendar helpers


def _last_day(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _parse_year(token: str, anchor: Optional[dt.date]) -> tuple[Optional[int], bool, bool]:
    """(year, inferred, relative) for a year token: 2023, '23, dit jaar."""
    t = _key(token)
    if t.isdigit() and len(t) == 4:
        return int(t), False, False
    if len(t) == 3 and t[1:].isdigit():
        yy = int(t[1:])
        return (2000 + yy if yy < 70 else 1900 + yy), False, False
    v = _grammar().v
    off = v["relative_years"].get(t, v["part_relative_years"].get(t))
    if off == NEXT_TWELVE_MONTHS:
        # early in a year the twelve months ahead are that year's; later they reach into the next
        off = 0 if anchor is None or anchor.month <= TWELVE_MONTHS_IN_YEAR_UNTIL else 1
    if off is not None:
        return (anchor.year + off if anchor else None), True, True
    return None, True, False


def _month_num(word: str) -> int:
    return _grammar().v["months"][_key(word).rstrip(".")]


def _is_full_month(word: str) -> bool:
    return _key(word).rstrip(".") in set(_grammar().v["full_month_names"])


@dataclass
class _Period:
    start: dt.date
    end: dt.date
    precision: str
    timex_body: str  # e.g. "-06", "-Q3", "" (year), "-06-15", appended to the year
    rep: Optional[dt.date] = None  # representative day without modifiers (seasons)


def _period(kind: str, y: int, **kw) -> _Period:
    if kind == "day":
        d = dt.date(y, kw["m"], kw["d"])
        return _Period(d, d, "day", f"-{kw['m']:02d}-{kw['d']:02d}")
    if kind == "month":
        m = kw["m"]
        return _Period(dt.date(y, m, 1), _last_day(y, m), "month", f"-{m:02d}")
    if kind == "quarter":
        q = kw["q"]
        return _Period(dt.date(y, 3 * q - 2, 1), _last_day(y, 3 * q), "quarter", f"-Q{q}")
    if kind == "half":
        h = kw["h"]
        return _Period(dt.date(y, 6 * h - 5, 1), _last_day(y, 6 * h), "half", f"-H{h}")
    if kind == "season":
        spec = kw["spec"]
        m1, m2 = spec["months"]
        start = dt.date(y, m1, 1)
        end = _last_day(y + (1 if m2 < m1 else 0), m2)
        return _Period(start, end, "half", f"-{spec['timex']}", _last_day(y, spec["representative_month"]))
    if kind == "week":
        w = kw["w"]
        start, end = dt.date.fromisocalendar(y, w, 1), dt.date.fromisocalendar(y, w, 7)
        return _Period(start, end, _covering_precision(start, end), f"-W{w:02d}")
    return _Period(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", "")


def _covering_precision(start: dt.date, end: dt.date) -> str:
    """The finest contract precision whose unit holds [start, end]: week 12 of 2025 lies in March
    ("month"), week 9 of 2024 spans February and March ("quarter"). The date stays within the week;
    the precision says how far it may be read, so no day is claimed that the text does not give."""
    if start.year != end.year:
        return "year"
    if start.month == end.month:
        return "month"
    if (start.month - 1) // 3 == (end.month - 1) // 3:
        return "quarter"
    if (start.month - 1) // 6 == (end.month - 1) // 6:
        return "half"
    return "year"


def _represent(p: _Period, part: Optional[str], relation: Optional[str]) -> dt.date:
    if p.precision == "day":
        return p.start
    if part == "START":
        return p.start
    if part == "END":
        return p.end
    if part == "MID":
        if p.precision == "month" and p.start.day == 1 and p.end.month == p.start.month and (p.end - p.start).days >= 27:
            return p.start.replace(day=15)
        if p.precision == "year":
            return p.start.replace(month=7, day=1)
        return p.start + (p.end - p.start) / 2
    if relation in ("BEFORE", "ON_OR_AFTER"):
        return p.start
    if relation in ("AFTER", "ON_OR_BEFORE"):
        return p.end
    return p.rep or p.end


# ---------------------------------------------------------------- the engine


#: texts up to this long (a line, a sentence) keep their expressions: docdates and deadlines ask for
#: the same lines again and again (is it a date line? a table row? a title?)
LINE_CACHE_MAX_CHARS = 2000


def find_dates(text: str, anchor: Optional[dt.date] = None) -> list[DateExpression]:
    """Every date expression in `text`, in order, with spans into `text`. A short text is read once
    per anchor; each call gets its own copies (callers refine an expression: "voor 2025" read as
    "before", a yearless date rolled forward)."""
    if len(text) > LINE_CACHE_MAX_CHARS:
        return _find_dates(text, anchor)
    return [copy.copy(e) for e in _find_dates_cached(text, anchor)]


@functools.lru_cache(maxsize=8192)
def _find_dates_cached(text: str, anchor: Optional[dt.date]) -> tuple[DateExpression, ...]:
    return tuple(_find_dates(text, anchor))


def _find_dates(text: str, anchor: Optional[dt.date] = None) -> list[DateExpression]:
    g = _grammar()
    cands: list[tuple[int, int, str, re.Match]] = []
    words = functools.cache(lambda: set(_WORD.findall(text.lower())))
    for name, rx, every_match_contains in g.patterns:
        if not _passes(every_match_contains, text, words):
            continue
        for m in rx.finditer(text):
            if m.end() > m.start():
                cands.append((m.start(), m.end(), name, m))
    # Longest match wins an overlap: "eind 2014" over "2014", "2024-2027" over "2024".
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, str, re.Match]] = []
    out: list[DateExpression] = []
    for cand in cands:
        s, e = cand[0], cand[1]
        if any(s < te and ts < e for ts, te, _, _ in taken):
            continue
        expr = _build(cand[2], cand[3], text, anchor)
        if expr is None:
            continue
        taken.append(cand)
        out.append(expr)
    out.sort(key=lambda x: x.char_start)
    for expr in out:
        _attach_relation(expr, text, g)
    return out


def _attach_relation(expr: DateExpression, text: str, g: _Grammar) -> None:
    """Relation words before the expression; the innermost non-neutral one decides."""
    rels = g.v["relations"]
    pos = expr.char_start
    found: list[tuple[str, str, int]] = []  # (words, relation, start), innermost first
    for _ in range(4):
        prefix = text[max(0, pos - 60):pos]
        m = g.relation_re.search(prefix)
        if not m:
            break
        words = _key(m.group("rel"))
        start = pos - len(prefix) + m.start()
        found.append((words, rels[words], start))
        pos = start
    if not found:
        return
    expr.relation_start = found[-1][2]
    expr.relation_text = " ".join(w for w, _, _ in reversed(found))
    decisive = next(((w, r) for w, r, _ in found if r != "NEUTRAL"), None)
    if decisive is None:
        return
    words, rel = decisive
    original = text[found[0][2]:found[0][2] + 5].lower()
    if (words == g.v["for_reading_relation"] and expr.kind in ("year", "year_range")
            and not expr.part and not original.startswith(tuple(g.v["always_before"]))):
        # "het kader voor 2013 en 2014": "for", not "before"; deadlines may revisit it.
        expr.for_reading = True
        return
    expr.relation = rel
    _finish(expr)


def roll_forward(expr: DateExpression, anchor: Optional[dt.date]) -> bool:
    """Move a yearless expression that ended before the anchor to the next year ("tot de zomer"
    in an October letter). The caller decides when the words point ahead (the tense is not
    known here); True when moved."""
    p = expr.interval
    if anchor is None or p is None or not expr.year_inferred or expr.relative or expr.is_range or p.end >= anchor:
        return False
    try:
        expr.interval = _Period(p.start.replace(year=p.start.year + 1), _last_day(p.end.year + 1, p.end.month)
                                if p.end.day == calendar.monthrange(p.end.year, p.end.month)[1]
                                else p.end.replace(year=p.end.year + 1), p.precision, p.timex_body,
                                p.rep.replace(year=p.rep.year + 1) if p.rep else None)
    except ValueError:  # 29 February
        return False
    expr.start, expr.end = expr.interval.start.isoformat(), expr.interval.end.isoformat()
    expr.timex = f"{expr.interval.start.year}{p.timex_body}"
    _finish(expr)
    return True


def _finish(expr: DateExpression) -> None:
    """(Re)compute date and mod once part and relation are known."""
    p = expr.interval
    if p is not None:
        if expr.is_range and expr.relation in ("BEFORE", "ON_OR_AFTER") and expr.range_start:
            expr.date = expr.range_start
        else:
            expr.date = _represent(p, expr.part, expr.relation).isoformat()
    expr.mod = expr.part or (expr.relation if expr.relation not in (None, "NEUTRAL") else None)


def _resolve_yearless(kind: str, anchor: Optional[dt.date], qual: Optional[str] = None, **kw):
    """(year, period) for an expression without a written year."""
    if anchor is None:
        return None, None
    y = anchor.year
    p = _period(kind, y, **kw)
    if qual == "next":
        # "komend voorjaar" in May is next year's: this one is past its middle
        if (p.rep or p.end) < anchor:
            y += 1
    elif qual == "following":
        # "volgend voorjaar" on 15 March is the spring after this one: the first that has not begun
        if p.start <= anchor:
            y += 1
    elif qual == "last":
        if p.end >= anchor:
            y -= 1
    elif qual is None and (anchor - p.end).days > ROLL_FORWARD_DAYS:
        y += 1
    return y, _period(kind, y, **kw)


@dataclass
class _Match:
    """One grammar match with what every core reader needs."""
    name: str
    m: re.Match
    gd: dict
    g: _Grammar
    text: str
    anchor: Optional[dt.date]
    part: Optional[str]


@dataclass
class _Core:
    """What a match says before its year is resolved: the kind, its fields (month, day, quarter ...),
    the written year if any, and the first slot of a range."""
    kind: str
    kw: dict
    year: Optional[int] = None
    year_inferred: bool = False
    relative: bool = False
    range_first: Optional[tuple] = None  # (month, day) of a day range, (month,) of a month range


def _with_year(core: _Core, token: Optional[str], anchor: Optional[dt.date]) -> _Core:
    if token:
        core.year, core.year_inferred, core.relative = _parse_year(token, anchor)
    return core


def _core_day(x: _Match):
    gd = x.gd
    if x.name in ("iso", "numeric", "compact"):
        y = int(gd["y"])
        if len(gd["y"]) == 2:
            if gd.get("sep") == ".":
                return None  # "1.2.10" is a section number far more often than a date
            y += 2000 if y < 70 else 1900
        if not 1950 <= y <= 2100:
            return None
        kw = {"m": int(gd["m"]), "d": int(gd["d"])}
        if gd.get("sep") == "/" and kw["m"] > 12 >= kw["d"]:
            kw = {"m": kw["d"], "d": kw["m"]}  # "5/16/2023": month first (an exported footer stamp)
        dt.date(y, kw["m"], kw["d"])  # validates the reading
        return _Core("day", kw, year=y)
    if x.name == "day_month":
        core = _with_year(_Core("day", {"m": _month_num(gd["month"]), "d": int(gd["d"])}), gd.get("year"), x.anchor)
        dt.date(core.year or 2000, core.kw["m"], core.kw["d"])
        return core
    m2 = _month_num(gd["month2"])  # day_range
    m1 = _month_num(gd["month1"]) if gd.get("month1") else m2
    d1, d2 = int(gd["d1"]), int(gd["d2"])
    if (m1, d1) >= (m2, d2) and m1 <= m2:
        return None
    dt.date(2000, m2, d2), dt.date(2000, m1, d1)
    return _with_year(_Core("day", {"m": m2, "d": d2}, range_first=(m1, d1)), gd.get("year"), x.anchor)


def _core_month(x: _Match):
    gd, v = x.gd, x.g.v
    if x.name == "month_range":
        m1, m2 = _month_num(gd["month1"]), _month_num(gd["month2"])
        # "van oktober tot en met maart" runs over the turn of the year; a list or a choice
        # ("mei en april", "juni of mei") does not, except for adjacent months ("december en januari")
        link = _key(gd["mlink"])
        listing = {_key(w) for w in v["consecutive_only_links"] + v["choice_links"]}
        if m2 == m1 or (m2 < m1 and link in listing and (m1, m2) != (12, 1)):
            return None
        ytok = gd.get("year") or gd.get("yy")
        return _with_year(_Core("month", {"m": m2}, range_first=(m1,)), ytok.strip() if ytok else None, x.anchor)
    word = gd["month"]
    if not gd.get("year") and not (_is_full_month(word) and not word.endswith(".")):
        return None
    return _with_year(_Core("month", {"m": _month_num(word)}), gd.get("year"), x.anchor)


def _core_season(x: _Match):
    gd, g = x.gd, x.g
    spec = g.v["seasons"][_key(gd["season"])]
    core = _Core("season", {"spec": spec})
    if gd.get("year"):
        return _with_year(core, gd["year"], x.anchor)
    qual = g.v["season_qualifiers"].get(_key(gd["qual"])) if gd.get("qual") else None
    before = x.text[max(0, x.m.start() - 16):x.m.start()].lower()
    # a bare season noun ("de zomer is druk") is only a date after a preposition
    # + article ("in het najaar") or with a qualifier ("komend najaar").
    if qual is None and not x.part and not g.season_context.search(before):
        return None
    core.year, _ = _resolve_yearless("season", x.anchor, qual, spec=spec)
    core.year_inferred, core.relative = True, qual is not None
    return core


def _core_relunit(x: _Match):
    """ "komend kwartaal", "eind volgende maand", "deze week": a unit counted from the anchor."""
    anchor, v = x.anchor, x.g.v
    if anchor is None:
        return None  # "komend kwartaal" without a document date names no period
    step = {"next": 1, "following": 1, "this": 0, "last": -1}[v["season_qualifiers"][_key(x.gd["uq"])]]
    unit = _key(x.gd["unit"])
    if unit in {w.lower() for w in v["quarter_words"]}:
        n = (anchor.month - 1) // 3 + step
        year, kind, kw = anchor.year + n // 4, "quarter", {"q": n % 4 + 1}
    elif unit in {w.lower() for w in v["month_words"]}:
        n = anchor.month - 1 + step
        year, kind, kw = anchor.year + n // 12, "month", {"m": n % 12 + 1}
    else:
        iso = (anchor + dt.timedelta(weeks=step)).isocalendar()
        year, kind, kw = iso[0], "week", {"w": iso[1]}
    return _Core(kind, kw, year=year, year_inferred=True, relative=True)


def _core_part_of_year(x: _Match):
    """Quarters, halves and weeks."""
    gd, v = x.gd, x.g.v
    if x.name in ("quarter", "quarter_iso"):
        q = gd.get("q") or gd.get("qn")
        if q is None:
            q = v["ordinals"][_key(gd["ord"])]
            q = 4 if q == -1 else q
        return _with_year(_Core("quarter", {"q": int(q)}), gd.get("year"), x.anchor)
    if x.name == "half":
        h = gd.get("h")
        if h is None:
            h = v["ordinals"][_key(gd["ord"])]
            h = 2 if h == -1 else h
            if h not in (1, 2):
                return None
        core = _Core("half", {"h": int(h)})
        core.year, core.year_inferred, core.relative = _parse_year(gd.get("year") or gd["hyear"], x.anchor)
        return core
    w = int(gd["w"])  # week
    if not 1 <= w <= 53:
        return None
    return _with_year(_Core("week", {"w": w}), gd.get("year"), x.anchor)


def _core_year(x: _Match):
    gd, m, text = x.gd, x.m, x.text
    if x.name == "year_range":
        return _year_range(x)
    tok = gd["year"]
    if x.name == "year" and len(tok) == 3 and not x.part and not gd.get("noun"):
        # a lone "'24" is a year only with a part word; "December '23" is a month
        return None
    if x.name == "relyear" and x.anchor is None:
        return DateExpression(m.start(), m.end(), text[m.start():m.end()], None, "year", "XXXX", x.part,
                              year_inferred=True, kind="year", part=x.part, relative=True)
    return _with_year(_Core("year", {}), tok, x.anchor)


def _year_range(x: _Match) -> Optional[DateExpression]:
    gd, m, text, v = x.gd, x.m, x.text, x.g.v
    y1 = int(gd["y1"])
    y2s = gd["y2"].lstrip("'’")  # "2023-'26"
    y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
    link = _key(gd["link"])
    if not 0 < y2 - y1 <= v["max_year_range"]:
        return None
    if link in v["consecutive_only_links"] and y2 - y1 != 1:
        return None
    if link in ("-", "–", "—") and re.match(r"\s*[-–—]\s*\d", text[m.end():m.end() + 4]):
        return None  # part of a longer numeric chain (phone/case numbers)
    p1, p2 = _period("year", y1), _period("year", y2)
    expr = DateExpression(m.start(), m.end(), text[m.start():m.end()], p2.end.isoformat(), "year",
                          str(y2), None, is_range=True, range_start=p1.start.isoformat(),
                          range_start_timex=str(y1), start=p1.start.isoformat(), end=p2.end.isoformat(),
                          kind="year_range")
    expr.interval = _Period(p1.start, p2.end, "year", "")
    return expr


#: the reader of each grammar pattern's match
_CORE_READERS = {"iso": _core_day, "numeric": _core_day, "compact": _core_day, "day_month": _core_day,
                 "day_range": _core_day, "month_range": _core_month, "month": _core_month,
                 "season": _core_season, "relunit": _core_relunit, "quarter": _core_part_of_year,
                 "quarter_iso": _core_part_of_year, "half": _core_part_of_year, "week": _core_part_of_year,
                 "year_range": _core_year, "year": _core_year, "relyear": _core_year}


def _build(name: str, m: re.Match, text: str, anchor: Optional[dt.date]) -> Optional[DateExpression]:
    g = _grammar()
    gd = m.groupdict()
    part = g.v["parts"].get(_key(gd["part"])) if gd.get("part") else None
    x = _Match(name, m, gd, g, text, anchor, part)
    try:
        core = _CORE_READERS[name](x)
        if core is None or isinstance(core, DateExpression):
            return core
        return _resolve(x, core)
    except (ValueError, KeyError):  # no such day ("29 februari" in a year without one)
        return None


def _resolve(x: _Match, core: _Core) -> DateExpression:
    """The expression of a core: its year resolved against the anchor, its period, a range's first slot."""
    name, gd, kind, kw, year = x.name, x.gd, core.kind, core.kw, core.year
    year_inferred, relative = core.year_inferred, core.relative
    prd: Optional[_Period] = None
    if name == "relunit" or year is not None:
        prd = _period(kind, year, **kw)
    elif name != "season":  # a yearless season was resolved by its reader
        post_qual = x.g.v["post_qualifiers"].get(_key(gd["post"])) if gd.get("post") else None
        year, prd = _resolve_yearless(kind, x.anchor, post_qual, **kw)
        year_inferred = True
        relative = relative or post_qual is not None
    s, e = x.m.start(), x.m.end()
    raw = x.text[s:e]
    if prd is None:
        body = {"day": lambda: f"-{kw['m']:02d}-{kw['d']:02d}", "month": lambda: f"-{kw['m']:02d}",
                "quarter": lambda: f"-Q{kw['q']}", "half": lambda: f"-H{kw['h']}",
                "season": lambda: f"-{kw['spec']['timex']}", "week": lambda: f"-W{kw['w']:02d}",
                "year": lambda: ""}[kind]()
        precision = {"season": "half", "week": "month"}.get(kind, kind)
        return DateExpression(s, e, raw, None, precision, "XXXX" + body, x.part, year_inferred=True,
                              kind=kind, part=x.part, relative=relative,
                              is_range=name == "month_range")
    expr = DateExpression(s, e, raw, None, prd.precision, f"{year}{prd.timex_body}", None,
                          year_inferred=year_inferred, start=prd.start.isoformat(), end=prd.end.isoformat(),
                          kind=kind, part=x.part, relative=relative)
    if name == "day_range":
        m1, d1 = core.range_first
        y1 = year if (m1, d1) < (kw["m"], kw["d"]) else year - 1  # "van 1 september tot 1 maart 2025"
        first = dt.date(y1, m1, d1)
        expr.is_range, expr.kind = True, "day_range"
        expr.range_start = expr.range_start_timex = expr.start = first.isoformat()
    if name == "month_range":
        (m1,) = core.range_first
        y1 = year if m1 < kw["m"] else year - 1  # "oktober t/m maart 2025" starts in 2024
        first = _period("month", y1, m=m1)
        expr.is_range, expr.kind = True, "month_range"
        expr.range_start, expr.start = first.start.isoformat(), first.start.isoformat()
        expr.range_start_timex = f"{y1}-{m1:02d}"
    expr.interval = prd
    expr.compact = name == "compact"
    _finish(expr)
    return expr


def representative(expr: DateExpression) -> Optional[dt.date]:
    return dt.date.fromisoformat(expr.date) if expr.date else None
