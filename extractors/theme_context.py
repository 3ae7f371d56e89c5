"""Document-level theme summary: which themes the document's issuer sets as priorities.

A theme is prioritised when a mention of it stands in a priority context of the issuer:
- a heading that is itself a priority cue ("3.2 Prioriteit geweld", "Thema 1: Ondermijning");
- an item of a list whose lead-in (or heading) announces the issuer's priorities/themes
  ("stelt de volgende thema's voor:"), including the item's continuation lines;
- a sentence that lists themes right after a priority cue ("drie geprioriteerde thema's,
  namelijk 'x', 'y' en 'z'"), unless the cue introduces examples ("thema's als ...");
- the section of a prioritised theme (under its heading) when the mention is a sub-theme:
  a vocabulary descendant, in a sentence with a sub-theme cue ("hieronder vallen"), in an
  enumeration of themes, or an item of a list there.
A context that reports another body's priorities ("de prioriteiten van het Openbaar
Ministerie", "landelijke prioriteiten") or says the theme is not chosen ("wordt nader
verkend") does not prioritise. All cue words live in vocab/themes_context.yaml.

Priority items from the structure helper (`priorities`) are used as well: adopted items
prioritise the themes they name; reported ones veto the mentions inside them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from extractors.document import Document
from extractors.records import PriorityItem, Theme, ThemeMention
from extractors.structure import Structure
from extractors.theme_vocab import ThemeVocab, load_vocab

_SENT_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9'‘\"“])")
_NUM_RE = re.compile(r"^\s*\(?(\d{1,2})[.):]")
_QUOTES = "'‘’\"“”"
_PARA_BREAK_RE = re.compile(r"\n[ \t\u00a0]*\n")


@dataclass
class Line:
    page: int
    start: int
    end: int
    text: str
    kind: str  # blank, heading, item, text
    level: int = 99
    number: Optional[int] = None
    cont_end: int = -1  # end of the item including its continuation lines
    chapter: int = 0  # level of the structure helper's numbered heading on this line ("3. Overige inzet")

    @property
    def item_end(self) -> int:
        return self.cont_end if self.cont_end >= 0 else self.end


@dataclass
class Verdict:
    adopted: bool
    evidence: str
    rank: Optional[int] = None
    page: int = 0
    kind: str = ""


# ----------------------------------------------------------------------------- cues

def _any(vocab: ThemeVocab, key: str, text: str) -> bool:
    return any(p.search(text) for p in vocab.cue_res[key])


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT_SPLIT_RE.split(" ".join(text.split())) if s.strip()]


def _judge(vocab: ThemeVocab, text: str) -> Optional[str]:
    """reported / rejected / other / adopted / None for one sentence or line."""
    if _any(vocab, "reported_cues", text):
        return "reported"
    if _any(vocab, "rejection_cues", text):
        return "rejected"
    if _any(vocab, "non_priority_cues", text):
        return "other"
    if not _any(vocab, "priority_cues", text):
        return None
    return "adopted"


def _judge_nearest(vocab: ThemeVocab, texts: list[str]) -> Optional[str]:
    """The verdict of the sentence closest to the list: texts are nearest-first blocks."""
    for bi, block in enumerate(texts):
        sents = _sentences(block)
        for si, sent in enumerate(reversed(sents)):
            v = _judge(vocab, sent)
            if v is not None:
                return v
            if si == 0 and bi == 0 and sent.rstrip().endswith(":") and len(sent.split()) >= 5:
                # a lead-in sentence of its own ("... zet in op:") that names no priority
                # decides alone; earlier sentences are about something else -- unless the
                # sentence before announces the list ("Het plan kent drie prioriteiten.")
                prev = sents[-2] if len(sents) >= 2 else ""
                if prev and _any(vocab, "announced_count_cues", prev) and _judge(vocab, prev) == "adopted":
                    return "adopted"
                return None
    return None


# ----------------------------------------------------------------------------- lines

def _classify_lines(doc: Document, vocab: ThemeVocab) -> list[Line]:
    shapes = vocab.context.get("line_shapes") or {}
    prose_end = set(shapes.get("prose_line_endings") or [])
    max_words = int(shapes.get("max_heading_words", 12))
    out: list[Line] = []
    for page in doc.pages:
        pos = 0
        prev_kind = "blank"
        prev_text = ""
        raws = page.text.split("\n")
        for ri, raw in enumerate(raws):
            start, end = pos, pos + len(raw)
            pos = end + 1
            text = raw.strip()
            if not text:
                out.append(Line(page.number, start, end, "", "blank"))
                prev_kind, prev_text = "blank", ""
                continue
            kind, level = "text", 99
            if any(p.search(raw) for p in vocab.cue_res["heading"]):
                kind = "heading"
                md = re.match(r"\s*(#{1,6})\s", raw)
                num = re.match(r"\s*(\d{1,2}(?:\.\d{1,2})+)", raw)
                if md:
                    level = len(md.group(1))
                elif num:
                    level = num.group(1).strip(".").count(".") + 1
                elif re.match(r"\s*(?:hoofdstuk|bijlage|deel)\b", raw, re.IGNORECASE):
                    level = 1
                else:
                    level = 3
            elif any(p.search(raw) for p in vocab.cue_res["item"]):
                # "c. Voorstel voor thema's:" introduces a list; it is not an item of one
                kind = "text" if text.endswith(":") else "item"
            else:
                words = text.split()
                last = re.sub(r"\W+$", "", words[-1]).lower() if words else ""
                nxt = raws[ri + 1].strip() if ri + 1 < len(raws) else ""
                if (len(words) <= max_words and (text[0].isupper() or text[0].isdigit())
                        and text[-1] not in ".,;" and last not in prose_end
                        and (prev_kind in ("blank", "heading", "item") or prev_text[-1:] in ".:;!?")
                        # the wrapped end of an item: "1. Woninginbraken (High Impact" / "Crime)"
                        and not (prev_kind == "item" and _unfinished(prev_text, prose_end))
                        # a full-width prose line runs on into the next one; a heading stands apart
                        and not (nxt and len(words) > max_words * 3 // 4 and not _line_is_item(nxt, vocab))):
                    kind = "heading"
            m = _NUM_RE.match(raw)
            line = Line(page.number, start, end, text, kind, level, int(m.group(1)) if m else None)
            out.append(line)
            prev_kind, prev_text = kind, text
    _mark_item_continuations(doc, out, prose_end)
    return out


def _mark_item_continuations(doc: Document, out: list[Line], prose_end: set) -> None:
    """Continuation lines of items: following prose lines up to a blank line; a lower-case
    line after one blank line still continues (a PDF line break inside an item)."""
    widths: dict[int, int] = {}
    for ln in out:
        widths[ln.page] = max(widths.get(ln.page, 0), len(ln.text))
    for i, line in enumerate(out):
        if line.kind != "item":
            continue
        j, end, blanks = i + 1, line.end, 0
        while j < len(out) and out[j].page == line.page:
            nxt = out[j]
            if nxt.kind == "blank":
                blanks += 1
                if blanks > 1:
                    break
                j += 1
                continue
            prev_end = page_text_char(doc, line.page, end - 1)
            last = out[j - 1 - blanks].text if j - 1 - blanks >= 0 else ""
            if nxt.text[:1].isupper() and not _unfinished(last, prose_end) and (
                    blanks == 0 or len(last) < 0.6 * widths.get(line.page, 0)) \
                    and not _sibling_follows(out, j, line):
                # a capitalised line after a finished item line is new prose (a text layer has
                # no blank line before it), unless the list goes on after it; "(High Impact" /
                # "Crime)" or "met de" / "GGD" go on
                break
            if nxt.kind == "text" and (blanks == 0 or nxt.text[:1].islower()) \
                    and (nxt.text[:1].islower() or prev_end not in ".!?;:") \
                    and not (nxt.text.endswith(":") and nxt.text[:1].isupper()):
                # a capitalised line ending in ":" introduces the next list
                # a new sentence after a finished one is the next paragraph, not the item
                end, blanks = nxt.end, 0
                j += 1
                continue
            break
        line.cont_end = end


def _sibling_follows(out: list[Line], j: int, item: Line) -> bool:
    """Whether another item of the same marker style follows the prose lines from j on."""
    style = _marker_style(item.text)
    for nxt in out[j:j + 8]:
        if nxt.page != item.page or nxt.kind in ("blank", "heading"):
            return False
        if nxt.kind == "item":
            return _marker_style(nxt.text) == style
    return False


def _unfinished(text: str, prose_end: set) -> bool:
    """A line that cannot end its item: an open parenthesis or a trailing function word."""
    words = text.split()
    last = re.sub(r"\W+$", "", words[-1]).lower() if words else ""
    return text.count("(") > text.count(")") or last in prose_end


def _line_is_item(text: str, vocab: ThemeVocab) -> bool:
    return any(p.search(text) for p in vocab.cue_res["item"])


def _adopt_structure_headings(lines: list[Line], structure: Structure) -> None:
    """Headings the structure helper found by typography (markdown, bold, numbering) that the
    line shapes here miss; plain-text guesses are left to the local rules."""
    if structure is None or not getattr(structure, "headings", None):
        return
    starts: dict[tuple[int, int], Line] = {}
    for ln in lines:
        if ln.kind != "blank":
            starts[(ln.page, ln.start)] = ln
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    for h in structure.headings:
        if getattr(h, "kind", "plain") not in ("markdown", "bold", "numbered", "keyword"):
            continue
        for ln in by_page.get(h.page, []):
            if ln.start <= h.char_start < max(ln.end, ln.start + 1):
                if ln.kind == "text" and not ln.text.endswith((".", ":", ";", ",")):
                    ln.kind = "heading"
                    ln.level = h.level if ln.level == 99 else ln.level
                elif ln.kind == "item" and h.kind == "numbered":
                    # stays an item for the list rules, but ends the sections above it
                    ln.chapter = max(1, int(getattr(h, "level", 1) or 1))
                break


def _line_texts(lines: list[Line], k: int) -> list[str]:
    ln = lines[k]
    out = [ln.text]
    for nxt in lines[k + 1:]:
        if nxt.page != ln.page or nxt.start >= ln.item_end:
            break
        if nxt.text:
            out.append(nxt.text)
    return out


def page_text_char(doc: Document, page: int, pos: int) -> str:
    text = doc.page(page).text
    while pos >= 0 and text[pos].isspace():
        pos -= 1
    return text[pos] if pos >= 0 else ""


def _marker_style(text: str) -> str:
    t = text.lstrip()
    if t[:1].isdigit() or t[:2].startswith("(") and t[1:2].isdigit():
        return "number"
    if re.match(r"\(?[a-z][.)]\s", t):
        return "letter"
    return "bullet"


def _lead_in(lines: list[Line], first_item: int) -> tuple[list[str], Optional[Line]]:
    """Texts before a list, nearest first: its lead-in paragraph, then the heading above."""
    i = first_item - 1
    while i >= 0 and lines[i].kind == "blank":
        i -= 1
    para: list[str] = []
    heading = None
    while i >= 0:
        ln = lines[i]
        if ln.kind == "heading":
            heading = ln
            break
        if ln.kind == "blank":
            if para:
                # look past the paragraph for the heading that governs it
                k = i
                while k >= 0 and lines[k].kind == "blank":
                    k -= 1
                if k >= 0 and lines[k].kind == "heading":
                    heading = lines[k]
                break
        elif ln.kind == "text":
            para.insert(0, ln.text)
        elif ln.kind == "item" and not para:
            pass  # a sibling list above; keep looking for the shared lead-in
        else:
            break
        i -= 1
    texts = [" ".join(para)] if para else []
    if heading is not None:
        texts.append(heading.text)
    return texts, heading


# ----------------------------------------------------------------------------- summary

@dataclass
class _Ctx:
    verdicts: dict[int, Verdict] = field(default_factory=dict)  # mention index -> verdict
    vetoed: set[int] = field(default_factory=set)


@dataclass
class _Scope:
    """What every step of the summary reads and writes: the lines, the mentions by page, the verdicts."""
    doc: Document
    vocab: ThemeVocab
    lines: list[Line]
    mentions: list[ThemeMention]
    by_page: dict[int, list[int]]
    ctx: _Ctx

    def in_span(self, page: int, a: int, b: int) -> list[int]:
        return [i for i in self.by_page.get(page, []) if a <= self.mentions[i].char_start and self.mentions[i].char_end <= b]

    def starting_in(self, page: int, a: int, b: int) -> list[int]:
        # a mention that wraps onto the next line ("drugs- en\nwapenhandel") belongs to its first line
        return [i for i in self.by_page.get(page, []) if a <= self.mentions[i].char_start < b]

    def adopt(self, i: int, evidence: str, page: int, rank: Optional[int] = None, kind: str = "") -> None:
        if i in self.ctx.vetoed:
            return
        old = self.ctx.verdicts.get(i)
        if old is None or (rank is not None and old.rank is None):
            self.ctx.verdicts[i] = Verdict(True, evidence, rank, page, kind)


def summarize_themes(doc: Document, mentions: list[ThemeMention], structure: Structure,
                     priorities: list[PriorityItem]) -> list[Theme]:
    """Whether each vocabulary theme stands in a priority context of the issuer, step by step.
    (extractors/themes.py `summarize` adds the items of the priority lists on top.)"""
    vocab = load_vocab()
    lines = _classify_lines(doc, vocab)
    _adopt_structure_headings(lines, structure)
    by_page: dict[int, list[int]] = {}
    for idx, m in enumerate(mentions):
        by_page.setdefault(m.page, []).append(idx)
    sc = _Scope(doc, vocab, lines, mentions, by_page, _Ctx())
    list_blocks, not_adopted_items = _list_verdicts(sc)
    headings = _heading_verdicts(sc)
    under_reported = _reported_section_test(vocab, lines)
    _inline(doc, vocab, mentions, by_page, sc.adopt, sc.ctx, under_reported)
    _priority_item_verdicts(sc, priorities, not_adopted_items)
    _dropped(doc, vocab, mentions, by_page, lines, list_blocks, sc.in_span, sc.ctx)
    prioritized = {mentions[i].theme_id for i, v in sc.ctx.verdicts.items() if v.adopted}
    _sentence_subthemes(doc, vocab, mentions, by_page, prioritized, sc.adopt, sc.ctx, under_reported)
    _section_verdicts(sc, headings, prioritized)
    return _rows(doc, vocab, mentions, sc.ctx)


def _list_verdicts(sc: _Scope) -> tuple[list[list[int]], list[tuple[int, int, int]]]:
    """1. Lists: items under a lead-in that announces the issuer's priorities. Returns the list
    blocks (line indexes) and the spans of items of reported or rejected lists."""
    vocab, lines, mentions, ctx, in_span, adopt = sc.vocab, sc.lines, sc.mentions, sc.ctx, sc.in_span, sc.adopt
    item_verdict: dict[int, tuple[Optional[str], str, bool]] = {}  # item line -> (verdict, style, ranked)
    not_adopted_items: list[tuple[int, int, int]] = []  # (page, start, end) of reported/rejected items
    list_blocks: list[list[int]] = []
    i = 0
    while i < len(lines):
        if lines[i].kind != "item" or lines[i].chapter:
            i += 1  # a numbered chapter title ("3. Overige inzet") is no item of a list
            continue
        first = i
        block = [i]
        j = i + 1
        style = _marker_style(lines[i].text)
        while j < len(lines):
            if lines[j].kind == "item" and (_marker_style(lines[j].text) != style or lines[j].chapter):
                break  # another marker style starts another list (with its own lead-in)
            if lines[j].kind == "item" and lines[j].number is not None \
                    and lines[block[-1]].number is not None and lines[j].number <= lines[block[-1]].number:
                break  # numbering restarts: a new list
            if lines[j].kind == "item":
                block.append(j)
            elif lines[j].kind == "blank" or (lines[j].kind == "text" and lines[j].start < lines[block[-1]].item_end
                                               and lines[j].page == lines[block[-1]].page):
                pass
            else:
                break
            j += 1
        texts, heading = _lead_in(lines, first)
        verdict = _judge_nearest(vocab, texts)
        ranked = any(_any(vocab, "ranking_cues", t) for t in texts)
        if verdict is None:
            # a nested list ("1. Zorg en veiligheid" / "   - huiselijk geweld") or the rest of a
            # numbered list it interrupted shares the verdict of the list it belongs to
            inherited = _enclosing_list(lines, first, style, item_verdict)
            if inherited is not None:
                verdict, ranked = inherited
        if verdict == "adopted" and _enclosing_reported(vocab, lines, first):
            verdict = "reported"
        list_blocks.append(block)
        for b in block:
            item_verdict[b] = (verdict, style, ranked)
        for b in block:
            ln = lines[b]
            idxs = in_span(ln.page, ln.start, ln.item_end)
            if verdict in ("reported", "rejected", "other"):
                ctx.vetoed.update(idxs)
                not_adopted_items.append((ln.page, ln.start, max(ln.item_end, ln.start + 1)))
                continue
            own = _judge(vocab, ln.text)
            if own == "adopted" and verdict != "adopted" and len(
                    " ".join(_line_texts(lines, b)).split()) > 12:
                own = None  # "... voor geprioriteerde high impact crimes" in a target, not a label
            if verdict == "adopted" or own == "adopted":
                if own in ("reported", "rejected"):
                    ctx.vetoed.update(idxs)
                    continue
                rank = ln.number if ranked and ln.number is not None else None
                first_theme = None
                approaches = [k for k in idxs if vocab.themes[mentions[k].theme_id].approach]
                if len({mentions[k].theme_id for k in idxs}) > len({mentions[k].theme_id for k in approaches}):
                    # "persoonsgericht aanpakken van zware beroepscriminelen": the method is not the theme
                    idxs = [k for k in idxs if k not in approaches]
                for k in idxs:
                    first_theme = first_theme or mentions[k].theme_id
                    adopt(k, ln.text, ln.page, rank if mentions[k].theme_id == first_theme else None, "item")
        i = j
    return list_blocks, not_adopted_items


def _heading_verdicts(sc: _Scope) -> list[int]:
    """2. Headings that are priority cues themselves. Returns the heading line indexes."""
    vocab, lines, ctx, in_span, adopt = sc.vocab, sc.lines, sc.ctx, sc.in_span, sc.adopt
    headings = [k for k, ln in enumerate(lines) if ln.kind == "heading"]
    for k in headings:
        ln = lines[k]
        v = _judge(vocab, ln.text)
        idxs = in_span(ln.page, ln.start, ln.end)
        if not idxs:
            continue
        if v in ("reported", "rejected"):
            ctx.vetoed.update(idxs)
            continue
        if v != "adopted":
            continue
        if _any(vocab, "rejection_cues", _section_intro(lines, k)):
            ctx.vetoed.update(idxs)
            continue
        for x in idxs:
            adopt(x, ln.text, ln.page, None, "heading")
    return headings


def _priority_item_verdicts(sc: _Scope, priorities: list[PriorityItem], not_adopted_items) -> None:
    """4. Priority items from the structure helper: adopted ones adopt the mentions inside them,
    the others veto them."""
    mentions, ctx, in_span, adopt = sc.mentions, sc.ctx, sc.in_span, sc.adopt
    for item in priorities or []:
        idxs = in_span(item.page, item.char_start, item.char_end) if item.char_end > item.char_start else []
        if not item.adopted:
            ctx.vetoed.update(idxs)
            for x in idxs:
                ctx.verdicts.pop(x, None)
            continue
        if not idxs and item.theme_id:
            continue
        if any(p == item.page and a <= item.char_start < b for p, a, b in not_adopted_items):
            # an item of a list whose lead-in reports another body's priorities here; the
            # helper's span may run on into the next paragraph, which it does not make adopted
            continue
        for x in idxs:
            adopt(x, item.item_text, item.page, item.rank if item.ranked and mentions[x].theme_id == item.theme_id else None, "priority")


def _section_verdicts(sc: _Scope, headings: list[int], prioritized: set[str]) -> None:
    """5. Sections of prioritised themes: the sub-themes under their heading."""
    doc, vocab, lines, mentions, ctx = sc.doc, sc.vocab, sc.lines, sc.mentions, sc.ctx
    in_span, starting_in, adopt = sc.in_span, sc.starting_in, sc.adopt
    for n, k in enumerate(headings):
        ln = lines[k]
        idxs = in_span(ln.page, ln.start, ln.end)
        owners = [mentions[x].theme_id for x in idxs]
        if not owners or owners[0] not in prioritized:
            continue
        if _judge(vocab, ln.text) in ("reported", "rejected") or any(x in ctx.vetoed for x in idxs):
            continue
        owner = owners[0]
        end_line = len(lines)
        for k2 in headings[n + 1:]:
            if ln.level == 99 or lines[k2].level <= ln.level:
                end_line = k2
                break
        for k2 in range(k + 1, end_line):
            if lines[k2].chapter and (ln.level == 99 or lines[k2].chapter <= ln.level):
                end_line = k2
                break
        section = [x for x in range(k + 1, end_line)]
        if not section:
            continue
        sec_mentions = []
        for li in section:
            l2 = lines[li]
            if l2.kind == "blank":
                continue
            sec_mentions.extend((li, x) for x in starting_in(l2.page, l2.start, max(l2.end, l2.start + 1)))
        for li, x in sec_mentions:
            m = mentions[x]
            if x in ctx.vetoed or m.theme_id == owner or x in ctx.verdicts:
                continue
            if vocab.themes[m.theme_id].approach:
                continue
            if _is_subtheme(vocab, m, owner, lines[li], mentions, sc.by_page, doc.page(m.page).text):
                adopt(x, ln.text, ln.page, None, "section")


def _enclosing_list(lines: list[Line], first: int, style: str,
                    item_verdict: dict[int, tuple[Optional[str], str, bool]]) -> Optional[tuple[str, bool]]:
    """(verdict, ranked) of the list a lead-in-less block belongs to: the item right above it
    when the block is a sub-list of another marker style, or the earlier part of the same
    numbered list when the numbering goes on after a sub-list."""
    p = first - 1
    if p < 0 or lines[p].kind == "blank":
        parent = None
    else:
        parent = next((q for q in range(p, max(-1, p - 12), -1)
                       if lines[q].kind == "item" and lines[q].item_end >= lines[p].end
                       and lines[q].page == lines[first].page), None)
    if parent is not None and parent in item_verdict:
        v, pstyle, ranked = item_verdict[parent]
        if v is not None and pstyle != style:
            return v, ranked
    num = lines[first].number
    if num is not None and num > 1:
        for q in range(first - 1, max(-1, first - 60), -1):
            ln = lines[q]
            if ln.kind in ("heading",) or ln.chapter:
                break
            if ln.kind == "item" and q in item_verdict and item_verdict[q][1] == style:
                v, _st, ranked = item_verdict[q]
                if ln.number == num - 1 and v is not None:
                    return v, ranked
                break
    return None


def _enclosing_reported(vocab: ThemeVocab, lines: list[Line], k: int, max_lines: int = 150) -> bool:
    """Whether a heading above line k, up to the enclosing top-level one, reports another
    body's priorities (a list under "Bijlage 2: Landelijke prioriteiten" stays reported,
    whatever its table header says)."""
    level = 99
    for ln in reversed(lines[max(0, k - max_lines):k]):
        if (ln.kind == "item" and ln.number is not None and len(ln.text.split()) <= 8
                and ln.text[-1:] not in ".;:" and _judge(vocab, ln.text) == "reported"):
            return True  # "3. Prioriteiten van onze partners" as a numbered line of a text layer
        ln_level = ln.chapter if ln.chapter else ln.level
        if (ln.kind != "heading" and not ln.chapter) or ln_level >= level and level != 99:
            continue
        if ln.text.endswith(":"):
            continue  # the lead-in of a list above governs that list, not this one
        v = _judge(vocab, ln.text)
        if v == "reported":
            return True
        if v == "adopted":
            return False  # the nearest heading that names the issuer's priorities governs
        level = ln_level
        if level <= 1:
            break
    return False


def _section_intro(lines: list[Line], k: int, max_chars: int = 700) -> str:
    parts, size = [], 0
    for ln in lines[k + 1:]:
        if (ln.kind == "heading" or ln.chapter) and parts:
            break
        if ln.text:
            parts.append(ln.text)
            size += len(ln.text)
            if size > max_chars:
                break
    return " ".join(parts)


def _is_subtheme(vocab: ThemeVocab, m: ThemeMention, owner: str, line: Line,
                 mentions: list[ThemeMention], by_page: dict[int, list[int]], page_text: str) -> bool:
    if vocab.is_descendant(m.theme_id, owner):
        return True
    sent = m.sentence
    if _any(vocab, "subtheme_cues", sent):
        return True
    if _enumerated(vocab, m, [mentions[i] for i in by_page.get(m.page, []) if mentions[i].sentence == sent],
                   page_text):
        return True
    # a short list item under the theme's heading is a sub-theme label, a long one a measure
    return line.kind == "item" and len(line.text.split()) <= 8


_SEP_RE = re.compile(r"^[\s,;/&()\-–]*(?:(?:en|of|en/of|incl\.?|inclusief|waaronder)[\s,;/&()]*)?$", re.IGNORECASE)


_JOIN_WORD_RE = re.compile(r"\b(?:en|of)\b", re.IGNORECASE)


def _enumerated(vocab: ThemeVocab, m: ThemeMention, same: list[ThemeMention], page_text: str) -> bool:
    """m is one of >= 3 themes listed with only commas/"en"/"of" between them."""
    if _any(vocab, "example_enumeration_cues", m.sentence):
        return False
    ms = sorted({(x.char_start, x.char_end, x.theme_id) for x in same})
    runs: list[list[tuple]] = []
    joined: list[bool] = []  # the run has had its "en"/"of": a ";" after it starts a new clause
    for x in ms:
        sep = page_text[runs[-1][-1][1]:x[0]] if runs else ""
        if runs and x[0] >= runs[-1][-1][1] and _SEP_RE.match(sep) and x[0] - runs[-1][-1][1] <= 20 \
                and not (joined[-1] and ";" in sep):
            runs[-1].append(x)
            joined[-1] = joined[-1] or _JOIN_WORD_RE.search(sep) is not None
        elif runs and x[0] < runs[-1][-1][1]:
            runs[-1].append(x)  # overlapping conjuncts of one combined term
        else:
            runs.append([x])
            joined.append(False)
    return any(any(x[0] == m.char_start for x in r) and len({x[2] for x in r}) >= 3 for r in runs)


def _reported_section_test(vocab: ThemeVocab, lines: list[Line]):
    """(page, offset) -> whether that place lies in a section whose heading reports another
    body's priorities ("3. Prioriteiten van onze partners"); computed once per line."""
    import bisect

    by_page: dict[int, list[int]] = {}
    for k, ln in enumerate(lines):
        by_page.setdefault(ln.page, []).append(k)
    starts = {p: [lines[k].start for k in ks] for p, ks in by_page.items()}
    memo: dict[int, bool] = {}

    def test(page: int, offset: int) -> bool:
        ks = by_page.get(page)
        if not ks:
            return False
        k = ks[max(0, bisect.bisect_right(starts[page], offset) - 1)]
        if k not in memo:
            memo[k] = _enclosing_reported(vocab, lines, k + 1)
        return memo[k]

    return test


_CLAUSE_BREAK_RE = re.compile(r"[,;]|[.!?:](?=\s)|\n[ \t]*\n")
_EXTRA_RES: dict[tuple[int, str], list[re.Pattern]] = {}


def _extra_res(vocab: ThemeVocab, key: str) -> list[re.Pattern]:
    """Optional cue lists of themes_context.yaml compiled here (case-insensitive)."""
    k = (id(vocab), key)
    if k not in _EXTRA_RES:
        _EXTRA_RES[k] = [re.compile(p, re.IGNORECASE) for p in vocab.context.get(key) or []]
    return _EXTRA_RES[k]


def _dropped(doc: Document, vocab: ThemeVocab, mentions: list[ThemeMention], by_page, lines: list[Line],
             list_blocks: list[list[int]], in_span, ctx: _Ctx) -> None:
    drop_res = _extra_res(vocab, "dropped_cues")
    back_res = _extra_res(vocab, "back_reference_cues")
    list_back_res = _extra_res(vocab, "list_back_reference_cues")
    headings = [k for k, ln in enumerate(lines) if ln.kind == "heading"]

    def veto(idxs) -> None:
        for x in idxs:
            ctx.vetoed.add(x)
            ctx.verdicts.pop(x, None)

    def drop_theme(tid: str) -> None:
        veto([x for x, m in enumerate(mentions) if m.theme_id == tid])

    # a sentence that drops the themes before its cue, or the theme of its section
    for page in doc.pages:
        idxs = by_page.get(page.number, [])
        for s, e, _sent in page.sentences():
            text = page.text[s:e]
            cue = min((m.start() for p in drop_res for m in [p.search(text)] if m), default=None)
            if cue is None:
                continue
            clause_start = max((m.end() for m in _CLAUSE_BREAK_RE.finditer(text, 0, cue)), default=0)
            inside = [i for i in idxs if s <= mentions[i].char_start < e]
            before = [i for i in inside if s + clause_start <= mentions[i].char_start < s + cue]
            if before:
                for tid in {mentions[i].theme_id for i in before}:
                    drop_theme(tid)
                continue
            if inside or not any(p.search(text, 0, cue) for p in back_res):
                continue
            above = [k for k in headings if (lines[k].page, lines[k].start) < (page.number, s)]
            if not above:
                continue
            h = lines[above[-1]]
            owners = in_span(h.page, h.start, h.end)
            if owners:
                drop_theme(mentions[owners[0]].theme_id)

    # the sentence right after a list rejects the list ("Deze ... zijn voor ons geen ... prioriteiten")
    for block in list_blocks:
        last = lines[block[-1]]
        j = block[-1] + 1
        while j < len(lines) and (lines[j].kind == "blank" or (lines[j].kind == "text" and lines[j].page == last.page
                                                                 and lines[j].start < last.item_end)):
            j += 1
        if j >= len(lines) or lines[j].kind != "text":
            continue
        ln = lines[j]
        page = doc.page(ln.page)
        sent = next(((s, e) for s, e, _x in page.sentences() if s <= ln.start < e), None)
        if sent is None:
            continue
        text = " ".join(page.text[sent[0]:sent[1]].split())
        if not any(p.search(text) for p in list_back_res) or not _any(vocab, "rejection_cues", text):
            continue
        if [i for i in by_page.get(ln.page, []) if sent[0] <= mentions[i].char_start < sent[1]]:
            continue
        for b in block:
            item = lines[b]
            veto(in_span(item.page, item.start, max(item.item_end, item.start + 1)))


def _inline(doc: Document, vocab: ThemeVocab, mentions: list[ThemeMention], by_page, adopt, ctx: _Ctx,
            under_reported=lambda page, offset: False) -> None:
    intro_res = vocab.cue_res["list_introducers"]
    example_res = vocab.cue_res["example_cues"]
    for page in doc.pages:
        idxs = by_page.get(page.number, [])
        if not idxs:
            continue
        for s, e, _sent in page.sentences():
            inside = [i for i in idxs if s <= mentions[i].char_start < e]
            if not inside:
                continue
            text = page.text[s:e]
            if _judge(vocab, " ".join(text.split())) != "adopted":
                continue
            if under_reported(page.number, s):
                continue  # "twee van deze prioriteiten" under a heading about the partners' priorities
            cue_ends = [m.end() + s for p in vocab.cue_res["priority_cues"] for m in p.finditer(text)]
            if not cue_ends:
                continue
            cue_end = min(cue_ends)
            after = [i for i in inside if mentions[i].char_start >= cue_end]
            if not after:
                for i in _subjects(vocab, page.text, s, cue_end, inside, mentions):
                    adopt(i, " ".join(text.split()), page.number, None, "sentence")
                continue
            # a "sentence" the splitter ran across paragraphs (a lead-in, its list, the next
            # paragraph) ends at the first paragraph break after the first listed theme
            first_start = min(mentions[i].char_start for i in after)
            brk = _PARA_BREAK_RE.search(page.text, first_start, e)
            cut = brk.start() if brk is not None else _list_end(vocab, page.text, s, e)
            if cut is not None:
                after = [i for i in after if mentions[i].char_start < cut]
            if not after:
                continue  # the list the lead-in opens ends before any theme is named
            first = min(after, key=lambda i: mentions[i].char_start)
            between = page.text[cue_end:mentions[first].char_start]
            if any(p.search(between) for p in example_res):
                continue
            quoted = [i for i in after if page.text[max(0, mentions[i].char_start - 1):mentions[i].char_start] in _QUOTES
                      and mentions[i].char_start > 0]
            introduced = any(p.search(between) for p in intro_res)
            themes_after = {mentions[i].theme_id for i in after}
            if not (introduced or quoted or len(themes_after) >= 2):
                continue
            if len(between) > 120:  # the cue is too far from the themes to govern them
                continue
            if introduced and not quoted and len(themes_after) < 2 and len(between.split()) > 5:
                # "Speerpunt: vroegtijdige signalering van jongeren die door criminele netwerken
                # ..." describes a measure; a label names its theme right after the colon
                continue
            for i in after:
                adopt(i, " ".join(text.split()), page.number, None, "sentence")


_COPULA_CACHE: dict[int, re.Pattern] = {}


def _subjects(vocab: ThemeVocab, text: str, s: int, cue_end: int, inside: list[int],
              mentions: list[ThemeMention]) -> list[int]:
    """Themes that are the subject of a sentence whose predicate is the priority cue."""
    verbs = vocab.context.get("subject_priority_verbs") or []
    if not verbs:
        return []
    pat = _COPULA_CACHE.get(id(vocab))
    if pat is None:
        pat = _COPULA_CACHE[id(vocab)] = re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, verbs)), re.IGNORECASE)
    para = [b.end() for b in _PARA_BREAK_RE.finditer(text, s, cue_end)]
    start = para[-1] if para else s
    head = [i for i in inside if start <= mentions[i].char_start < cue_end]
    if not head or len(text[start:mentions[head[0]].char_start].split()) > 6:
        return []
    if any(p.search(text, start, mentions[head[0]].char_start) for p in vocab.cue_res["example_cues"]):
        return []  # "De overige onderwerpen, zoals brandveiligheid, ..." are examples
    last_end = max(mentions[i].char_end for i in head)
    if cue_end - last_end > 110 or not pat.search(text, start, cue_end):
        return []
    first = mentions[head[0]]
    # only the subject phrase: the themes joined to the first one by commas or "en"
    out, prev_end = [head[0]], first.char_end
    for i in head[1:]:
        if _SEP_RE.match(text[prev_end:mentions[i].char_start]) or mentions[i].char_start < prev_end:
            out.append(i)
            prev_end = max(prev_end, mentions[i].char_end)
        else:
            break
    return out


def _list_end(vocab: ThemeVocab, text: str, s: int, e: int) -> Optional[int]:
    """Where a "sentence" that runs from a lead-in through its list goes on with the next
    paragraph (a text layer without blank lines): the first capitalised line after an item."""
    prev_item = False
    pos = text.find("\n", s, e)
    while pos >= 0:
        ls = pos + 1
        le = text.find("\n", ls, e)
        line = text[ls: le if le >= 0 else e]
        is_item = any(p.search(line) for p in vocab.cue_res["item"])
        if prev_item and not is_item and line.strip()[:1].isupper():
            return ls
        prev_item = is_item or (prev_item and not line.strip()[:1].isupper())
        pos = le
    return None


def _sentence_subthemes(doc: Document, vocab: ThemeVocab, mentions: list[ThemeMention], by_page,
                        prioritized: set[str], adopt, ctx: _Ctx,
                        under_reported=lambda page, offset: False) -> None:
    cue_res = vocab.cue_res.get("subtheme_sentence_cues") or []
    if not cue_res or not prioritized:
        return
    for page in doc.pages:
        idxs = by_page.get(page.number, [])
        if len(idxs) < 2:
            continue
        for s, e, _sent in page.sentences():
            inside = sorted((i for i in idxs if s <= mentions[i].char_start < e), key=lambda i: mentions[i].char_start)
            if len(inside) < 2:
                continue
            lead = cue = None
            for i in inside:
                if mentions[i].theme_id not in prioritized or i in ctx.vetoed:
                    continue
                # the sentence splitter may run a list item into the next paragraph
                para = [b.end() for b in _PARA_BREAK_RE.finditer(page.text, s, mentions[i].char_start)]
                if len(page.text[para[-1] if para else s:mentions[i].char_start].split()) > 3:
                    continue
                tail = page.text[mentions[i].char_end:e]
                cue = next((m for p in cue_res if (m := p.match(tail))), None)
                if cue is not None:
                    lead = i
                    break
            if lead is None:
                continue
            sentence = " ".join(page.text[s:e].split())
            if _judge(vocab, sentence) in ("reported", "rejected", "other") or under_reported(page.number, s):
                continue
            cue_end = mentions[lead].char_end + cue.end()
            for i in inside:
                if mentions[i].char_start >= cue_end and mentions[i].theme_id != mentions[lead].theme_id \
                        and not vocab.themes[mentions[i].theme_id].approach:
                    adopt(i, sentence, page.number, None, "sentence")


def _rows(doc: Document, vocab: ThemeVocab, mentions: list[ThemeMention], ctx: _Ctx) -> list[Theme]:
    by_theme: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_theme.setdefault(m.theme_id, []).append(i)
    rows = []
    for tid, idxs in by_theme.items():
        td = vocab.themes[tid]
        verdicts = [ctx.verdicts[i] for i in idxs if i in ctx.verdicts and ctx.verdicts[i].adopted]
        ranks = [v.rank for v in verdicts if v.rank is not None]
        evidence = verdicts[0].evidence if verdicts else None
        rows.append(Theme(
            doc_id=doc.doc_id, theme_id=tid, theme_label=td.label, parent_theme_id=td.parent,
            vng_field=td.field, prioritized=bool(verdicts), rank=min(ranks) if ranks else None,
            mentions=len(idxs), first_page=min(mentions[i].page for i in idxs),
            evidence=evidence[:300] if evidence else None,
        ))
    rows.sort(key=lambda r: (not r.prioritized, r.rank if r.rank is not None else 999, r.first_page, r.theme_id))
    return rows
