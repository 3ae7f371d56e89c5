"""Theme mentions and the per-document theme summary.

`find_mentions` finds every vocabulary theme in the pages (lemmas, multiword terms with small
gaps, abbreviations, coordination ellipsis, typos/OCR errors); `summarize` decides per theme
whether the document's issuer sets it as a priority (see extractors/theme_context.py);
`theme_for_text` maps a heading, list item or table header to its main theme.
"""
from __future__ import annotations

import bisect
import functools

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
              priorities: list[PriorityItem]) -> list[Theme]:
    from extractors.theme_context import summarize_themes

    return summarize_themes(doc, mentions, structure, priorities)
