"""Priority lists: every list a document presents as priorities, themes or focus areas.

Three shapes are read:
- a bulleted or numbered list whose lead-in sentence or heading announces priorities
  ("de volgende thema's:", "De top 10 prioriteiten van gemeenten"), also when its
  numbering runs on across sub-headings or table cells;
- a run of numbered headings ("Thema 1: ...", "Thema 2: ..." or "3.1 Prioriteit X",
  "3.2 Prioriteit Y");
- a sentence that names the items in quotes ("drie thema's, namelijk 'a', 'b' en 'c'").
The same list repeated (a summary, then the chapter) is kept once. All cue words live
in vocab/structure.yaml.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from rapidfuzz import fuzz

from extractors.document import Document
from extractors.outline import outline_from_headings, read_outline, walk
from extractors.records import PriorityItem
from extractors.structure import Heading, ListBlock, ListItem, Structure, collapse, strip_markup, vocab

_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(:]))(['‘\"“„])(?P<body>[^'‘’\"“”\n]{2,90}?)(['’\"”])(?![^\W\d_])")
_JOINER = re.compile(r"^\s*(?:,\s*(?:en|of)?|en|of|,)\s*$", re.IGNORECASE)


@dataclass
class _Item:
    page: int
    start: int
    end: int
    text: str
    subs: list = field(default_factory=list)  # sub-items (ListItem) named under this item


@dataclass
class _Candidate:
    kind: str  # list, headings, inline (quoted), enumeration (unquoted, in running text)
    page: int
    start: int
    title: str
    cue_text: str  # where ranking/reporting cues are looked for
    items: list[_Item] = field(default_factory=list)
    in_summary: bool = False


def _any(rxs, text: Optional[str]) -> bool:
    return bool(text) and any(rx.search(text) for rx in rxs)


def _has_list_cue(text: Optional[str], fuzzy: bool = True) -> bool:
    # an explicit ranking ("in volgorde van prioriteit") also announces a priority list
    return (_any(vocab()["list_cues_rx"], text) or _any(vocab()["ranking_cues_rx"], text)
            or (fuzzy and _fuzzy_cue(text)))


@functools.cache
def _cue_rx() -> re.Pattern:
    """All list and ranking cues as one pattern: one scan per sentence of running text."""
    v = vocab()
    return re.compile("|".join(f"(?:{p})" for p in v["list_cues_re"] + v["ranking_cues_re"]), re.IGNORECASE)


def _fuzzy_cue(text: Optional[str]) -> bool:
    """A cue noun with one letter wrong, missing or extra (OCR text: "prioriteten")."""
    if not text:
        return False
    v = vocab()
    words = [w.lower() for w in re.findall(r"[^\W\d_][\w'’]{6,}", text)]
    for word in words:
        for cue in v["fuzzy_cue_words"]:
            if abs(len(word) - len(cue)) <= 1 and word[0] == cue[0] and \
                    fuzz.ratio(word.replace("’", "'"), cue) >= v["fuzzy_cue_min_ratio"]:
                return True
    return False


def _is_negative(text: Optional[str]) -> bool:
    return _any(vocab()["non_priority_cues_rx"], text)


def _tidy_title(text: str) -> str:
    text = strip_markup(text)
    return re.sub(r"\s*:\s*$", "", text).strip()


def _cut_merged_cell(text: str) -> str:
    """'Aanpak dierenmishandeling Het doel, ...': a neighbouring table cell glued on by the PDF."""
    starters = vocab()["starter_set"]
    words = text.split(" ")
    for k in range(2, len(words)):
        prev, word = words[k - 1], words[k]
        if word in starters and re.fullmatch(r"[^\W\d_]*[a-zà-ÿ]", prev) and k < len(words) - 1:
            return " ".join(words[:k])
    return text


# ---------------------------------------------------------------- lists

def _in_summary(structure: Structure, page: int, offset: int) -> bool:
    chain = structure.heading_chain(page, offset)
    return any(_any(vocab()["summary_headings_rx"], h.text) for h in chain)


def _gap_text(doc: Document, a: tuple[int, int], b: tuple[int, int]) -> str:
    """Text between two (page, offset) positions, whitespace collapsed."""
    if a[0] == b[0]:
        return collapse(doc.page(a[0]).text[a[1]:b[1]])
    parts = [doc.page(a[0]).text[a[1]:]]
    for p in range(a[0] + 1, b[0]):
        parts.append(doc.page(p).text)
    parts.append(doc.page(b[0]).text[:b[1]])
    return collapse(" ".join(parts))


def _heading_context(doc: Document, structure: Structure, block: ListBlock) -> list[Heading]:
    """The headings this list sits directly under: the nearest one if no other list comes
    between, plus the ones above it that have (almost) no text of their own."""
    chain = structure.heading_chain(block.page, block.char_start)
    if not chain:
        return []
    nearest = chain[0]
    for other in structure.lists:
        if other is block:
            break
        if (nearest.page, nearest.char_start) < (other.page, other.char_start) < (block.page, block.char_start):
            return []
    if len(_gap_text(doc, (nearest.page, nearest.char_end), (block.page, block.char_start))) > 400:
        return []
    out = [nearest]
    for upper in chain[1:]:
        lower = out[-1]
        if len(_gap_text(doc, (upper.page, upper.char_end), (lower.page, lower.char_start))) > 80:
            break
        out.append(upper)
    return out


def _merge_continued(blocks: list[ListBlock], structure: Structure) -> list[list[ListBlock]]:
    """Numbered fragments whose numbering runs on (1-4 | 5.a, 5.b | 6 ...) are one list."""
    groups: list[list[ListBlock]] = []
    for block in blocks:
        if groups and block.ordered and groups[-1][-1].ordered:
            prev = groups[-1][-1]
            last = prev.top_items[-1] if prev.top_items else None
            first = block.top_items[0] if block.top_items else None
            if last and first and _next_number(last.number, first.number) and _style(last.marker) == _style(first.marker):
                between = structure.headings_between((prev.page, prev.char_end), (block.page, block.char_start))
                if not any(h.level <= 1 for h in between):
                    groups[-1].append(block)
                    continue
        groups.append([block])
    return groups


def _style(marker: str) -> str:
    return ")" if marker.endswith(")") else "."


def _next_number(a: Optional[str], b: Optional[str]) -> bool:
    if not a or not b:
        return False
    ma, mb = re.match(r"(\d+)(?:\.([a-z]))?$", a), re.match(r"(\d+)(?:\.([a-z]))?$", b)
    if not ma or not mb:
        return False
    na, nb = int(ma.group(1)), int(mb.group(1))
    if nb == na + 1 and mb.group(2) in (None, "a"):
        return True
    return nb == na and ma.group(2) and mb.group(2) and ord(mb.group(2)) == ord(ma.group(2)) + 1


def _names_theme(text: str) -> bool:
    try:
        from extractors.themes import theme_for_text
    except ImportError:
        return False
    title = re.sub(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Za-z][.)]|[IVXivx]{1,4}\.)\s+", "", text)
    try:
        return theme_for_text(title) is not None
    except Exception:
        return False


def _list_candidates(doc: Document, structure: Structure) -> list[_Candidate]:
    v = vocab()
    blocks = [b for b in structure.lists if not b.table_like and b.top_items]
    out = []
    for group in _merge_continued(blocks, structure):
        block = group[0]
        lead, context = block.lead_in, block.lead_in_context
        weak = bool(lead) and _any(v["weak_lead_in_rx"], lead)
        headings = _heading_context(doc, structure, block)
        cue_heading = next((h for h in headings if _has_list_cue(h.text) and not _is_negative(h.text)), None)
        if lead and _is_negative(lead):
            continue
        if lead and not weak and _has_list_cue(lead):
            ok = True
        elif weak and context and _has_list_cue(context) and not _is_negative(context):
            ok = True
        else:
            ok = cue_heading is not None and not (headings and _is_negative(headings[0].text))
            if ok and cue_heading is not headings[0] and not any(b.ordered for b in group) \
                    and _names_theme(headings[0].text):
                # "3. Speerpunten" / "3.1 Ondermijning" / "- drugshandel": the bullets detail
                # one priority (its sub-themes); the list of priorities is elsewhere
                ok = False
        if not ok:
            continue
        lengths = sorted(len(it.text.split()) for b in group for it in b.top_items)
        if lengths[len(lengths) // 2] > v["max_median_item_words"]:
            continue
        if cue_heading is not None:
            title = cue_heading.text
        elif lead and not weak:
            title = lead
        else:
            title = (context + " " + lead) if context and lead else (lead or block.title or "")
        cue_text = " ".join(t for t in (title, lead if not weak else None,
                                        headings[0].text if headings else None) if t)
        items = []
        for b in group:
            for it in b.items:
                if it.depth > 0:
                    # short nested items are sub-themes; long ones are descriptions (table cells)
                    if items and len(it.text.split()) <= 8 and not it.text.rstrip().endswith("."):
                        items[-1].subs.append(it)
                    continue
                text = _cut_merged_cell(it.text) if len(group) > 1 or b.ordered else it.text
                items.append(_Item(it.page, it.char_start, it.char_start + _span_len(doc, it, text), text))
        out.append(_Candidate("list", block.page, block.char_start, _tidy_title(title), cue_text, items,
                              _in_summary(structure, block.page, block.char_start)))
    return out


def _span_len(doc: Document, item, text: str) -> int:
    """Length of the page span that holds `text` (the item may span broken lines)."""
    full = item.char_end - item.char_start
    if text == item.text:
        return full
    raw = doc.page(item.page).text[item.char_start:item.char_end]
    words = text.split()
    pos = 0
    for w in words:
        k = raw.find(w, pos)
        if k < 0:
            return full
        pos = k + len(w)
    return pos


# ---------------------------------------------------------------- heading runs

def _strip_keyword(h: Heading) -> str:
    kws = vocab()["priority_heading_keywords"]
    text = h.text
    m = re.match(r"^(" + "|".join(re.escape(k) for k in kws) + r")\b\s*[:.\-–]?\s*", text, re.IGNORECASE)
    if h.kind == "numbered" and m and text[m.end():]:
        return text[m.end():]
    return text


_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def _ordinal(number: Optional[str]) -> Optional[int]:
    """'3' -> 3, 'C' -> 3 ("Prioriteit C"), 'IV' -> 4; None for anything else."""
    if not number:
        return None
    if number.isdigit():
        return int(number)
    if number.upper() in _ROMAN_VALUES and number.isupper() and len(number) > 1:
        return _ROMAN_VALUES[number]
    if len(number) == 1 and number.isalpha() and number.isupper():
        return ord(number) - ord("A") + 1
    return None


def _heading_candidates(doc: Document, structure: Structure) -> list[_Candidate]:
    kws = {k.lower() for k in vocab()["priority_heading_keywords"]}
    runs: list[list[Heading]] = []

    def key(h: Heading):
        n = _ordinal(h.number)
        if h.keyword in kws and n is not None and not re.fullmatch(
                rf"{re.escape(h.keyword)}\s*{re.escape(h.number)}", h.text, re.IGNORECASE):
            return ("kw", h.keyword, n)
        if h.kind == "numbered" and h.number and "." in h.number:
            first = h.text.split(" ", 1)[0].lower().strip(":")
            if first in kws:
                parent, last = h.number.rsplit(".", 1)
                if last.isdigit():
                    return ("num", parent + "|" + first, int(last))
        return None

    open_runs: dict = {}
    for h in structure.headings:
        k = key(h)
        if h.level <= 1 and k is None:
            open_runs.clear()
        if k is None:
            continue
        family, name, n = k
        run = open_runs.get((family, name))
        if run and key(run[-1])[2] == n - 1:
            run.append(h)
        else:
            run = [h]
            open_runs[(family, name)] = run
            runs.append(run)
    out = []
    for run in runs:
        if len(run) < 2:
            continue
        first = run[0]
        page_text = doc.page(first.page).text
        before = page_text[:first.char_start].rstrip()
        lead = None
        if before.endswith(":"):
            para = re.split(r"\n\s*\n", before)[-1]
            lead = collapse(re.split(r"(?<=[.!?])\s+(?=[A-Z])", collapse(para))[-1])
        if lead and _is_negative(lead):
            continue
        parent = next((h for h in reversed(structure.headings)
                       if (h.page, h.char_start) < (first.page, first.char_start) and h.level < first.level), None)
        title = lead or (parent.text if parent else first.raw)
        items = []
        for h in run:
            text = _strip_keyword(h)
            line = doc.page(h.page).text[h.char_start:h.char_end]
            k = line.find(text[:20])
            # point at the item's words, not at "Thema 1:" before them
            start = h.char_start + k if k >= 0 else h.char_start
            # the list right under the heading, before any other heading, names its sub-themes
            subs = [b for b in structure.lists if b.heading is h and not b.table_like]
            items.append(_Item(h.page, start, h.char_end, text, [i for b in subs[:1] for i in b.top_items]))
        out.append(_Candidate("headings", first.page, first.char_start, _tidy_title(title),
                              " ".join(t for t in (title, lead) if t), items,
                              _in_summary(structure, first.page, first.char_start)))
    return out


# ---------------------------------------------------------------- goal headings

def _goal_candidates(doc: Document, structure: Structure) -> list[_Candidate]:
    """Short headings right under a goal heading ("Wat willen we bereiken" / "Betrokken stad" /
    "Weerbare stad"), with no text between them: the issuer's goals, a list of its own."""
    v = vocab()
    out = []
    heads = structure.headings
    for k, h in enumerate(heads):
        if not _any(v["goal_headings_rx"], h.text.strip()):
            continue
        items, prev = [], h
        for nxt in heads[k + 1:]:
            if nxt.page != prev.page or doc.page(nxt.page).text[prev.char_end:nxt.char_start].strip():
                break  # text between: the run of goal headings has ended
            prev = nxt
            if _any(v["goal_labels_rx"], nxt.text.strip()):
                if items:
                    break
                continue  # a label above the goals ("Effect indicatoren")
            if len(nxt.text.split()) > v["max_goal_words"] or nxt.text.rstrip()[-1:] in ".:;?!":
                break
            items.append(_Item(nxt.page, nxt.char_start, nxt.char_end, nxt.text.strip()))
        if len(items) >= 2:
            out.append(_Candidate("goals", h.page, h.char_start, _tidy_title(h.text), h.text, items,
                                  _in_summary(structure, h.page, h.char_start)))
    return out


# ---------------------------------------------------------------- the outline (table of contents)

@functools.cache
def _keyword_res() -> tuple[re.Pattern, re.Pattern]:
    """From the priority heading keywords: a title named after one priority ("Gezamenlijke
    prioriteit Geweld": the rest names it) and a label before an item ("Prioriteit 2: ...")."""
    kws = "|".join(map(re.escape, vocab()["priority_heading_keywords"]))
    titled = re.compile(r"^(?:[^\W\d_]+\s+)?(?:%s)\s+(?P<rest>[^\W\d_].*)$" % kws, re.IGNORECASE)
    label = re.compile(r"^(?:%s)\s*(?:\d{1,2}|[A-Z])?\s*(?:[:.\-–—]\s*|\s+(?=[^\W\d_]))" % kws, re.IGNORECASE)
    return titled, label


def _outline_candidates(doc: Document, structure: Structure) -> list[_Candidate]:
    """Chapters of the outline (the table of contents, the body's numbered headings) that name
    priorities: the sub-entries of a chapter "Prioriteiten" ("4 Prioriteiten 2017-2018" /
    "4.1 ..." / "4.2 ..."), or a run of chapters each named after one ("4. Gezamenlijke prioriteit Geweld", "5. Gezamenlijke prioriteit ...").
    Sub-entries that are priority categories themselves ("Landelijke prioriteiten") name no
    theme; the sub-entries of an item are its sub-themes."""
    def item(e, text):
        text = _keyword_res()[1].sub("", text, count=1) or text  # "3.1 Prioriteit: Woninginbraken"
        k = e.title.find(text)
        start = e.start + max(k, 0)
        subs = [ListItem(c.page, c.start, c.end, c.title, marker=c.number, depth=1, number=c.number, family="outline")
                for c in e.children]
        return _Item(e.page, start, start + len(text), text, subs)

    def candidate(title, items):
        first = items[0]
        return _Candidate("outline", first.page, first.start, _tidy_title(title), title, items,
                          _in_summary(structure, first.page, first.start))

    out = []
    for entries in (read_outline(doc), outline_from_headings(structure)):
        out.extend(_outline_lists(entries, item, candidate))
    return out


def _outline_lists(entries, item, candidate) -> list[_Candidate]:
    out = []
    for e in walk(entries):
        if e.children and _has_list_cue(e.title, fuzzy=False) and not _is_negative(e.title):
            chosen = [c for c in e.children if not _has_list_cue(c.title, fuzzy=False)]
            if len(chosen) >= 2 and len(chosen) == len(e.children):
                out.append(candidate(e.title, [item(c, c.title) for c in chosen]))
    for siblings in [entries] + [e.children for e in walk(entries)]:
        run: list = []
        for e in siblings + [None]:
            m = _keyword_res()[0].match(e.title) if e is not None else None
            if m is not None and not _is_negative(e.title):
                run.append((e, m.group("rest")))
                continue
            if len(run) >= 2:
                out.append(candidate(run[0][0].title[:run[0][0].title.find(run[0][1])].strip() or run[0][0].title,
                                     [item(x, rest) for x, rest in run]))
            run = []
    return out


# ---------------------------------------------------------------- quoted enumerations

def _inline_candidates(doc: Document, structure: Structure) -> list[_Candidate]:
    out = []
    for page in doc.pages:
        text = page.text
        quotes = list(_QUOTED.finditer(text))
        groups: list[list[re.Match]] = []
        for m in quotes:
            if groups and _JOINER.match(text[groups[-1][-1].end():m.start()]):
                groups[-1].append(m)
            else:
                groups.append([m])
        for group in groups:
            if len(group) < 2:
                continue
            start = group[0].start()
            stops = {h.char_end for h in structure.headings if h.page == page.number}
            sent_start = _sentence_start(text, start, stops)
            prefix = collapse(text[sent_start:start])
            if not _has_list_cue(prefix) or _is_negative(prefix):
                continue
            title = prefix
            if re.search(r"\b(dat|dit|deze|die)\b", prefix, re.IGNORECASE):
                prev_start = _sentence_start(text, max(0, sent_start - 2), stops)
                title = collapse(text[prev_start:start])
            items = [_Item(page.number, m.start("body"), m.end("body"), m.group("body").strip()) for m in group]
            out.append(_Candidate("inline", page.number, start, _tidy_title(re.sub(r"[,:]?\s*(namelijk)?$", "", title)),
                                  title, items, _in_summary(structure, page.number, start)))
    return out


# a sentence; the dot of an inline list number ("...: 1. Veilige wijken, 2. ...") ends none
_SENTENCE = re.compile(r"(?:[^.!?]|(?<=\s\d)\.|(?<=\s\d\d)\.)*(?:[.!?](?=\s|$)|$)", re.S)
_INLINE_NUMBER = re.compile(r"(?:^|,?\s+(?:en\s+)?)\d{1,2}[.)]\s+")
# where the enumeration begins after the cue noun: "De speerpunten zijn X, Y en Z",
# "... de prioriteiten van de politie X, Y en Z", "drie thema's, namelijk X, Y en Z"
_PARA_BREAK = re.compile(r"\n[ \t]*\n")
_ENUM_OPENER = re.compile(r"^.*(?:\bzijn|\bis|\bluiden|\bnamelijk|\bte\s+weten|:)\s+", re.S | re.I)
_ENUM_OWNER = re.compile(r"^\s*(?:van\s+(?:de|het)\s+\S+\s+|in\s+\d{4}\s+)", re.I)
_ENUM_LAST = re.compile(r"\s+(?:en|of)\s+")
#: most words in one item of an enumeration in running text
_ENUM_MAX_WORDS = 6
_ENUM_MAX_WORDS_AFTER_OPENER = 8  # "... zijn het terugdringen van de handel in drugs rond scholen, ..."
_ENUM_MAX_WORDS_AFTER_COLON = 10
_GLUED_SENTENCE = re.compile(r",\s+(?P<w>[A-Z][a-z]+)\b")


def _enumeration_candidates(doc: Document, structure: Structure) -> list[_Candidate]:
    """A sentence that names priorities and ends in an unquoted enumeration of themes
    ("... zijn de speerpunten van de politie ondermijning, high impact crime, jeugd en
    cybercrime."). Every item names a vocabulary theme (running text is full of commas), except
    after a colon or in a sentence the end of the text cuts: there the document's own words
    count too ("twee speerpunten gekozen: meer toezicht in de wijken en betere informatiedeling")."""
    try:
        from extractors.themes import theme_for_text
    except ImportError:
        return []
    v = vocab()
    out = []
    for page in doc.pages:
        text = page.text
        spans = sorted([(b.char_start, b.char_end) for b in structure.lists if b.page == page.number]
                       + [(h.char_start, h.char_end) for h in structure.headings if h.page == page.number])
        starts = [a for a, _ in spans]
        reach = [0]  # reach[k]: the furthest end of spans[:k]
        for _, b in spans:
            reach.append(max(reach[-1], b))
        for m in _SENTENCE.finditer(text):
            sent, s0 = m.group(), m.start()
            # a heading or paragraph above the sentence is no part of it ("Aanleiding\n\nIn ...")
            para = list(_PARA_BREAK.finditer(sent))
            if para:
                sent, s0 = sent[para[-1].end():], s0 + para[-1].end()
            # a comma before a capitalised sentence opener ends the sentence ("..., Daarnaast ...")
            glued = _GLUED_SENTENCE.search(sent)
            if glued is not None and glued.group("w") in v["starter_set"]:
                sent = sent[:glued.start()]
            # every sentence of the document comes here: exact cues only, cheapest test first
            if ("," not in sent and ";" not in sent) or sent.rstrip().endswith(":") \
                    or not _cue_rx().search(sent) or _is_negative(sent):
                continue
            s1 = m.end()
            # inside or across a list or a heading: those are read as such
            if reach[bisect.bisect_left(starts, s1)] > s0:
                continue
            found = _enumeration_in(page.number, text, sent, s0, theme_for_text)
            if found is not None:
                body_start, items = found
                title = _tidy_title(re.sub(r"[,:]?\s*$", "", collapse(sent[:body_start])))
                out.append(_Candidate("enumeration", page.number, s0 + body_start, title, title, items,
                                      _in_summary(structure, page.number, s0)))
    return out


def _enumeration_in(page_no: int, text: str, sent: str, s0: int, theme_for_text) -> Optional[tuple[int, list[_Item]]]:
    """The enumeration after the last list cue of a sentence (at `s0` of the page text): where
    its items begin in the sentence and the items, or None."""
    v = vocab()
    cue = None
    for rx in v["list_cues_rx"]:
        for c in rx.finditer(sent):
            if cue is None or c.end() > cue.end():
                cue = c
    if cue is None:
        return None
    rest = sent[cue.end():]
    # items apart by commas, or by semicolons when the sentence has them
    sep = ";" if rest.count(";") >= 2 else ","
    first_comma = rest.find(sep)
    if first_comma < 0:
        return None
    head = rest[:first_comma]
    o = _ENUM_OPENER.match(head)
    skip = o.end() if o else (_ENUM_OWNER.match(head).end() if _ENUM_OWNER.match(head) else 0)
    body_start = cue.end() + skip
    while body_start < len(sent) and sent[body_start] in " \n\t,":
        body_start += 1
    if _any(v["example_cues_rx"], head):
        return None
    body = sent[body_start:].rstrip()
    body = body[:-1] if body[-1:] in ".;!?" else body
    # the text ends inside the sentence (a cut page): its last item may be cut too
    cut = s0 + len(sent.rstrip()) >= len(text.rstrip()) and sent.rstrip()[-1:] not in ".;!?"
    after_colon = bool(o) and o.group().rstrip().endswith(":")
    if _INLINE_NUMBER.match(body):  # "1. Veilige wijken, 2. ... en 3. ..."
        parts = [p for p in _INLINE_NUMBER.split(body) if p.strip()]
    else:
        parts = _split_enumeration(body, sep, cut)
    if parts is None or len(parts) < (2 if after_colon or cut else 3):
        return None
    if not o:
        # no "zijn"/":" says where the items begin: the first item is the shortest
        # ending of its segment that names the same theme ("... van het OM fraude")
        parts[0] = _shortest_naming_suffix(parts[0], theme_for_text)
    # a colon right before the items marks where they begin: they may run longer
    # ("...: ondermijning op de bedrijventerreinen en in het buitengebied, jeugd en ...")
    max_words = (_ENUM_MAX_WORDS_AFTER_COLON if after_colon else _ENUM_MAX_WORDS_AFTER_OPENER if o
                 else _ENUM_MAX_WORDS)
    items, pos = [], s0 + body_start
    for n, part in enumerate(parts):
        k = text.find(part.strip(), pos)
        words = part.split()
        if k < 0 or not (1 <= len(words) <= max_words) or \
                not _may_be_item(part, theme_for_text, after_colon or (cut and n == len(parts) - 1)):
            items = []
            break
        items.append(_Item(page_no, k, k + len(part.strip()), collapse(part)))
        pos = k + len(part.strip())
    if not items:
        return None
    return body_start, items


def _split_enumeration(body: str, sep: str, cut: bool) -> Optional[list[str]]:
    """"a, b en c" -> [a, b, c]; the last "en" joins the last item ("..., zorg en veiligheid en
    cybercrime"). None when the enumeration does not close with "en"/"of", unless the text was
    cut inside it."""
    parts = body.split(sep)
    if len(parts) < 2:
        return None
    tail = _ENUM_LAST.split(parts[-1])
    if len(tail) > 2:
        k = list(_ENUM_LAST.finditer(parts[-1]))[-1]
        tail = [parts[-1][:k.start()], parts[-1][k.end():]]
    if len(tail) == 2:
        return parts[:-1] + tail
    if len(tail) != 1 or (sep == "," and not cut):
        return None
    return parts


def _may_be_item(part: str, theme_for_text, open_items: bool) -> bool:
    """An item of an enumeration in running text names a vocabulary theme; after a colon (or
    when the text is cut inside it) it may be the document's own words, not a clause."""
    try:
        if theme_for_text(part) is not None:
            return True
    except Exception:
        pass
    first = part.split()[0].lower() if part.split() else ""
    return open_items and first not in vocab()["clause_openers"] and not _is_negative(part)


def _shortest_naming_suffix(part: str, theme_for_text) -> str:
    words = part.split()
    try:
        whole = theme_for_text(part)
        if whole is None:
            return part
        for k in range(len(words) - 1, -1, -1):
            if theme_for_text(" ".join(words[k:])) == whole:
                return " ".join(words[k:])
    except Exception:
        pass
    return part


def _sentence_start(text: str, pos: int, stops: set[int] = frozenset()) -> int:
    """Start of the sentence around `pos`; a heading's end (`stops`) also starts one."""
    k = pos
    while k > 0:
        if text[k - 1] in ".!?" and (k >= len(text) or text[k:k + 1].isspace()):
            break
        if k in stops:
            break
        if text[k - 2:k] == "\n\n" and k >= 2:
            # a blank line ends a paragraph, unless the sentence runs on after it (PDF page breaks)
            before = text[:k].rstrip()
            if before[-1:] in ".!?:" or not before:
                break
        k -= 1
    while k < pos and text[k].isspace():
        k += 1
    return k


# ---------------------------------------------------------------- dedupe and output

def _core(text: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    text = re.sub(r"[^\w\s]", " ", text)
    return collapse(text)


def _same_item(a: str, b: str) -> bool:
    ca, cb = _core(a), _core(b)
    if not ca or not cb:
        return False
    if ca == cb or ca.startswith(cb) or cb.startswith(ca):
        return True
    # token_set_ratio would call "personen met onbegrepen gedrag" the same as "personen met
    # verward of onbegrepen gedrag": one name inside another is a different item, so the
    # word order may differ (a reflowed layer) but not the words
    return fuzz.token_sort_ratio(ca, cb) >= 85


def _duplicates(a: _Candidate, b: _Candidate) -> bool:
    if not a.items or not b.items:
        return False
    if a.title == b.title and all(any(_same_item(x.text, y.text) for y in b.items) for x in a.items):
        return True  # a fragment of the same list (a duplicated text layer, a page split)
    if abs(len(a.items) - len(b.items)) > 1:
        return False
    if len(a.items) != len(b.items) and _ranked(a) != _ranked(b):
        # a ranking of some of the same themes is another statement ("our top 3 for next
        # year" after this year's four themes), not a fragment of the list
        return False
    matched = sum(1 for x in a.items if any(_same_item(x.text, y.text) for y in b.items))
    return matched >= 0.75 * max(len(a.items), len(b.items))


def _ranked(c: _Candidate) -> bool:
    return _any(vocab()["ranking_cues_rx"], c.cue_text)


def _preference(c: _Candidate) -> tuple:
    return (c.in_summary, {"list": 0, "inline": 1, "headings": 2, "goals": 2, "outline": 3,
                            "enumeration": 4}[c.kind],
            -len(c.items), c.page,
            c.start)


def extract_priorities(doc: Document, structure: Structure) -> list[PriorityItem]:
    """Items of every priority list (top level only, as the `priorities` table holds them)."""
    return [item for item, _ in extract_priority_tree(doc, structure)]


def extract_priority_tree(doc: Document, structure: Structure) -> list[tuple[PriorityItem, list]]:
    """Each priority item with the sub-items (structure.ListItem) listed under it, e.g. the
    deelthema bullets under "Thema 1: Ondermijning". For the themes summary: a sub-theme of
    a chosen theme is chosen too."""
    v = vocab()
    candidates = (_list_candidates(doc, structure) + _heading_candidates(doc, structure)
                  + _inline_candidates(doc, structure) + _enumeration_candidates(doc, structure)
                  + _outline_candidates(doc, structure) + _goal_candidates(doc, structure))
    for cand in candidates:  # a marker whose words the text layer put elsewhere ("1." alone) names nothing
        cand.items = [it for it in cand.items if re.search(r"[^\W\d_]", it.text)]
    candidates = [c for c in candidates if c.items]
    kept: list[_Candidate] = []
    for cand in sorted(candidates, key=_preference):
        if any(_duplicates(cand, k) for k in kept):
            continue
        kept.append(cand)
    kept.sort(key=lambda c: (c.page, c.start))
    try:
        from extractors.themes import theme_for_text
    except ImportError:  # the themes module is being rewritten; items stay without a theme
        theme_for_text = lambda text: None  # noqa: E731
    out: list[tuple[PriorityItem, list]] = []
    for index, cand in enumerate(kept):
        ranked = _any(v["ranking_cues_rx"], cand.cue_text)
        adopted = _any(v["own_cues_rx"], cand.cue_text) or not _any(v["reported_cues_rx"], cand.cue_text)
        for pos, item in enumerate(cand.items, start=1):
            text = item.text
            try:
                theme = theme_for_text(text)
            except Exception:  # a theme lookup bug must not lose the list
                theme = None
            out.append((PriorityItem(doc_id=doc.doc_id, list_title=cand.title, ranked=ranked,
                                     rank=pos if ranked else None, item_text=text, theme_id=theme,
                                     page=item.page, list_index=index, position=pos,
                                     char_start=item.start, char_end=item.end, adopted=adopted),
                        list(item.subs)))
    return out
