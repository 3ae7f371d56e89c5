"""Theme mentions and the per-document theme summary.

`find_mentions` finds every vocabulary theme in the pages (lemmas, multiword terms with small
gaps, abbreviations, coordination ellipsis, typos/OCR errors); `summarize` decides per theme
whether the document's issuer sets it as a priority (see extractors/theme_context.py);
`theme_for_text` maps a heading, list item or table header to its main theme.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass

from extractors.document import Document
from extractors.fuzzy import default_matcher
from extractors.records import PriorityItem, Theme, ThemeMention
from extractors.structure import Structure
from extractors.theme_match import (Match, apply_fuzzy, ellipsis_matches, find_in_text, fuzzy_candidates,
                                    match_tokens, merge_ellipsis, tokenize)
from extractors.theme_vocab import load_vocab, theme_info  # noqa: F401  (re-exported for other extractors)

#: a line with at most this many words is a label (heading, item, cell): weak terms count there
_LABEL_WORDS = 8


def find_mentions(doc: Document) -> list[ThemeMention]:
    vocab = load_vocab()
    matcher = default_matcher()
    page_toks = [tokenize(p.text, p.spacy_doc) for p in doc.pages]
    # one vectorised fuzzy pass over the unique unknown content words of the whole document
    cands: set[str] = set()
    for toks in page_toks:
        cands |= fuzzy_candidates(toks, matcher)
    hits = matcher.lookup_many(cands) if cands else {}
    mentions: list[ThemeMention] = []
    for page, toks in zip(doc.pages, page_toks):
        apply_fuzzy(toks, hits)
        matches = merge_ellipsis(page.text, match_tokens(page.text, toks, vocab),
                                 ellipsis_matches(page.text, vocab, matcher))
        matches = _drop_lonely_weak(page.text, matches, page)
        sentence_at = _sentence_lookup(page)
        for m in matches:
            sentence = sentence_at(m.start, m.end)
            mentions.append(ThemeMention(
                doc_id=doc.doc_id, theme_id=m.theme_id, surface=m.surface, match_kind=m.kind,
                score=float(m.score), page=page.number, char_start=m.start, char_end=m.end,
                sentence=sentence, term=m.term,
            ))
    return mentions


def _sentence_lookup(page):
    """page.sentence_at with the sentence starts computed once per page, not per mention."""
    bounds = [(s, e) for s, e, _ in page.sentences()]
    if not bounds:
        return lambda a, b: page.sentence_at(a, b)[2]
    starts = [b[0] for b in bounds]

    def at(a: int, b: int) -> str:
        i = max(0, bisect.bisect_right(starts, a) - 1)
        s, e = bounds[i]
        while i + 1 < len(bounds) and bounds[i][1] < b:  # a match across a boundary keeps both
            i += 1
            e = bounds[i][1]
        return " ".join(page.text[s:e].split())

    return at


def _drop_lonely_weak(text: str, matches: list[Match], page) -> list[Match]:
    """A weak term ("vastgoed") is a theme only in a label or among other themes."""
    if not any(m.weak for m in matches):
        return matches
    keep = []
    for m in matches:
        if not m.weak:
            keep.append(m)
            continue
        ls = text.rfind("\n", 0, m.start) + 1
        le = text.find("\n", m.end)
        line = text[ls: le if le >= 0 else len(text)]
        if len(line.split()) <= _LABEL_WORDS:
            keep.append(m)
            continue
        s, e, _ = page.sentence_at(m.start, m.end)
        others = {x.theme_id for x in matches if not x.weak and x.theme_id != m.theme_id and s <= x.start < e}
        if len(others) >= 2:
            keep.append(m)
    return keep


@functools.lru_cache(maxsize=8192)
def _label_matches(text: str) -> tuple[Match, ...]:
    return tuple(find_in_text(text))


def themes_in_text(text: str) -> list[tuple[str, int, int, str]]:
    """(theme_id, start, end, match_kind) of every theme a short text names, in order."""
    return [(m.theme_id, m.start, m.end, m.kind) for m in _label_matches(text)]


def theme_for_text(text: str) -> str | None:
    """The main theme a short text (heading, list item, table header) names, or None.

    The first theme named wins ("Geweld (inclusief straatroof, ...)" is geweld); of two
    matches at the same place the longer one.
    """
    if not text or not text.strip():
        return None
    ms = [m for m in _label_matches(text) if not m.sub]
    if not ms:
        return None
    first = min(ms, key=lambda m: (m.pos, -(m.end - m.start)))
    return first.theme_id


def summarize(doc: Document, mentions: list[ThemeMention], structure: Structure,
              priorities: list[PriorityItem], tree: list[tuple[PriorityItem, list]] | None = None) -> list[Theme]:
    """One row per theme: does the issuer prioritise it? The decision, in order:

    1. extractors/priorities.py finds the document's priority lists (lists, heading runs, the
       outline's priority chapters, goal headings, enumerations in running text) and whether
       each is the issuer's own (`adopted`) or reported from another body;
    2. extractors/theme_context.py reads the context of each vocabulary mention (a priority
       lead-in, heading or sentence; reported, rejected or dropped themes; sub-themes in the
       section of a chosen theme) and the adopted items' spans;
    3. here, structure decides and the vocabulary names: every item of an adopted list (and
       every sub-theme the outline nests under it) is prioritised, under its vocabulary theme
       when the vocabulary knows it and under the document's own words (a slug id, no VNG
       field, match_kind "document") when it does not.
    All cue words live in vocab/structure.yaml and vocab/themes_context.yaml."""
    from extractors.theme_context import summarize_themes

    rows = summarize_themes(doc, mentions, structure, priorities)
    by_id = {r.theme_id: r for r in rows}
    for c in chosen_items(tree if tree is not None else [(p, []) for p in priorities]):
        row = by_id.get(c.theme_id)
        if row is None:
            row = by_id[c.theme_id] = Theme(doc_id=doc.doc_id, theme_id=c.theme_id, theme_label=c.words[min(1, len(c.words) - 1)],
                                            parent_theme_id=c.parent, vng_field=None, prioritized=True,
                                            rank=c.rank, mentions=1, first_page=c.page, evidence=c.evidence)
            rows.append(row)
        elif not row.prioritized:
            row.prioritized, row.rank, row.evidence = True, c.rank, c.evidence
    rows.sort(key=lambda r: (not r.prioritized, r.rank if r.rank is not None else 999, r.first_page, r.theme_id))
    return rows


@dataclass
class ChosenItem:
    """An item the document's structure marks as the issuer's choice, in its own words."""
    words: list[str]  # the whole item, then its name alone when a focus follows it
    theme_id: str
    from_vocabulary: bool
    parent: str | None
    rank: int | None
    page: int
    start: int
    end: int
    evidence: str | None


def chosen_items(tree: list[tuple[PriorityItem, list]]) -> list[ChosenItem]:
    """Adopted priority items and the sub-themes listed under them. A sub-item the vocabulary
    does not know counts only when the outline nests it (a sub-section of a chosen chapter):
    a bullet under an item may be a measure, not a theme."""
    out = []
    for item, subs in tree:
        words = item_words(item.item_text) if item.adopted else []
        if not words:
            continue
        tid = item.theme_id or document_theme_id(item.item_text)
        out.append(ChosenItem(words, tid, bool(item.theme_id), None, item.rank if item.ranked else None,
                              item.page, item.char_start, item.char_end, item.list_title[:300] or None))
        for sub in subs:
            sub_words = item_words(sub.text)
            sub_theme = theme_for_text(sub.text)
            if not sub_words or (sub_theme is None and getattr(sub, "family", "") != "outline"):
                continue
            out.append(ChosenItem(sub_words, sub_theme or document_theme_id(sub.text), sub_theme is not None,
                                  tid, None, sub.page, sub.char_start, sub.char_end, item.item_text[:300]))
    return out


_ITEM_MARKER = re.compile(r"^\s*(?:\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-zA-Z]|[ivxIVX]{1,4})[.)]+|[-•*–·▪◦●►])\s*")


@functools.cache
def _approach_rx() -> re.Pattern:
    words = load_vocab().context.get("item_approach_words") or ["aanpak"]
    return re.compile(r"^(?:%s)\s+(?:van\s+(?:de\s+|het\s+)?)?" % "|".join(map(re.escape, words)), re.IGNORECASE)


@functools.cache
def _article_rx() -> re.Pattern:
    words = load_vocab().context.get("item_articles") or []
    return re.compile(r"^(?:%s)\s+" % "|".join(map(re.escape, words)) if words else r"^\b\B", re.IGNORECASE)


def item_words(text: str) -> list[str]:
    """A priority item in the document's own words: the whole item, then, when a focus or an
    explanation follows its name ("Veilige wijken, met focus op ..."), the name alone, and the
    theme an approach word leads to ("Aanpak van X" names X)."""
    whole = " ".join(_ITEM_MARKER.sub("", text or "").split()).strip(" .,;:")
    if not whole:
        return []
    head = _item_name(whole)
    out = [whole]
    for name in (head, _approach_rx().sub("", head).strip(" .,;:")):
        if name and name not in out:
            out.append(name)
    return out


def _item_name(whole: str) -> str:
    head = whole
    for rx in load_vocab().cue_res["item_head_ends"]:
        m = rx.search(head)
        if m and m.start() > 0:
            head = head[:m.start()]
    return _article_rx().sub("", head).strip(" .,;:")


def document_theme_id(text: str) -> str:
    """A stable slug for a chosen theme the vocabulary does not know, from its own name."""
    name = _item_name(" ".join(_ITEM_MARKER.sub("", text or "").split()).strip(" .,;:")) or text
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")[:60] or "thema"


def item_mentions(doc: Document, tree: list[tuple[PriorityItem, list]]) -> list[ThemeMention]:
    """The words of each chosen item as mentions of its theme: match_kind "item" when the
    vocabulary maps the item, "document" when it does not (the document's own words)."""
    out = []
    for c in chosen_items(tree):
        sentence = doc.page(c.page).sentence_at(c.start, c.end)[2]
        for surface in c.words:
            out.append(ThemeMention(doc_id=doc.doc_id, theme_id=c.theme_id, surface=surface,
                                    match_kind="item" if c.from_vocabulary else "document", score=100.0,
                                    page=c.page, char_start=c.start, char_end=c.end, sentence=sentence))
    return out
