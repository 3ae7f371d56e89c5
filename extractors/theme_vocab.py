"""The theme vocabulary (vocab/themes.yaml + vocab/themes_context.yaml), validated and indexed.

Words are compared through *keys*: the lower-cased word, its simplemma lemma and a light
Dutch stem of both ("woninginbraken" -> "woninginbraak", "overvallen" -> "overval",
"criminele" -> "crimineel"). A text word matches a vocabulary word when their key sets
meet, so vocabulary terms can be written in any inflection and the text may inflect them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from extractors.vocab import VocabError, load_yaml, require

THEMES_FILE = "themes.yaml"
CONTEXT_FILE = "themes_context.yaml"

#: a word: letters and digits; a trailing 's / ’s (OMG's, thema's) stays with the word
WORD_RE = re.compile(r"[^\W_]+(?:['’][sS]\b)?")
_VOWELS = set("aeiouy")


@dataclass(frozen=True)
class ThemeDef:
    id: str
    label: str
    parent: Optional[str]
    field: str
    terms: tuple[str, ...]
    abbreviations: tuple[str, ...]
    misspellings: tuple[str, ...]
    weak: frozenset[str]
    pseudo: tuple[str, ...]
    approach: bool = False  # a way of working (persoonsgerichte aanpak), not a problem


@dataclass(frozen=True)
class Term:
    theme_id: str
    text: str  # as written in the vocabulary
    words: tuple[str, ...]  # lower-cased words that must be present, in order
    keys: tuple[frozenset, ...]  # key set per word
    weak: bool = False
    misspelling: bool = False
    has_coordinator: bool = False


@dataclass
class ThemeVocab:
    themes: dict[str, ThemeDef]
    terms: list[Term]
    by_first_key: dict[str, list[Term]]
    abbreviations: dict[str, str]  # exact token (with or without 's) -> theme_id
    pseudo: frozenset[str]  # lower-cased look-alikes that never match any theme
    word_targets: dict[str, frozenset[str]]  # vocabulary word -> theme ids using it (fuzzy targets)
    single_word_keys: dict[str, str]  # key of a one-word term -> theme_id (ellipsis compounds)
    context: dict
    stopwords: frozenset[str]
    coordinators: frozenset[str]
    max_gap: int
    cue_res: dict[str, list[re.Pattern]] = field(default_factory=dict)

    def ancestors(self, theme_id: str) -> list[str]:
        out, seen = [], set()
        cur = self.themes[theme_id].parent if theme_id in self.themes else None
        while cur and cur not in seen:
            out.append(cur)
            seen.add(cur)
            cur = self.themes[cur].parent
        return out

    def is_descendant(self, theme_id: str, ancestor_id: str) -> bool:
        return ancestor_id in self.ancestors(theme_id)


# ----------------------------------------------------------------------------- keys

def _light_stem(w: str) -> str:
    """Strip Dutch plural/adjective endings and restore the stem's spelling (consistent, not exact)."""
    if len(w) > 5 and w.endswith("en"):
        s = w[:-2]
    elif len(w) > 5 and w.endswith("e") and not w.endswith(("ie", "ee")):
        s = w[:-1]
    elif len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "is", "us")):
        return w[:-1]
    else:
        return w
    if len(s) >= 2 and s[-1] == s[-2] and s[-1] not in _VOWELS:
        return s[:-1]  # overvallen -> overval: a doubled consonant means a short vowel
    if s.endswith("v"):
        s = s[:-1] + "f"
    elif s.endswith("z"):
        s = s[:-1] + "s"
    # inbraken -> inbraak, personen -> persoon: an open syllable had a long vowel
    if (len(s) >= 3 and s[-1] not in _VOWELS and s[-2] in "aeou" and s[-3] not in _VOWELS
            and not s.endswith(("ig", "isch", "lijk"))):
        s = s[:-1] + s[-2] + s[-1]
    return s


@functools.lru_cache(maxsize=200_000)
def word_keys(word: str, extra_lemma: str = "") -> frozenset[str]:
    w = word.lower()
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    keys = {w, _light_stem(w)}
    if len(w) > 3 and w.isalpha():
        lem = _simplemma(w)
        keys.add(lem)
        keys.add(_light_stem(lem))
    if extra_lemma:
        el = extra_lemma.lower().replace("_", "")
        if el.isalpha() and el[:3] == w[:3]:
            keys.add(el)
            keys.add(_light_stem(el))
    return frozenset(k for k in keys if k)


@functools.lru_cache(maxsize=200_000)
def _simplemma(w: str) -> str:
    try:
        import simplemma
    except ImportError:  # lemma keys degrade to stems
        return w
    return simplemma.lemmatize(w, lang="nl").lower()


def words_of(text: str) -> list[str]:
    return [m.group(0) for m in WORD_RE.finditer(text)]


# ----------------------------------------------------------------------------- validation

def _validate_themes(data) -> None:
    require(isinstance(data, dict), "top level must be a mapping with 'fields' and 'themes'")
    fields_ = data.get("fields")
    require(isinstance(fields_, list) and len(fields_) == 5, "'fields' must list the five VNG fields")
    themes = data.get("themes")
    require(isinstance(themes, list) and themes, "'themes' must be a non-empty list")
    ids: set[str] = set()
    for t in themes:
        require(isinstance(t, dict), f"theme entry {t!r} is not a mapping")
        tid = t.get("id")
        require(isinstance(tid, str) and re.fullmatch(r"[a-z][a-z0-9_]*", tid or "") is not None,
                f"theme id {tid!r} is not a lower-case slug")
        require(tid not in ids, f"theme id {tid!r} is listed twice")
        ids.add(tid)
        require(isinstance(t.get("label"), str) and t["label"].strip(), f"{tid}: label missing")
        require(t.get("field") in fields_, f"{tid}: field {t.get('field')!r} is not one of {fields_}")
        terms = t.get("terms") or []
        require(isinstance(terms, list) and terms, f"{tid}: needs at least one term")
        for key in ("terms", "abbreviations", "misspellings", "weak", "pseudo"):
            vals = t.get(key) or []
            require(isinstance(vals, list) and all(isinstance(v, str) and v.strip() for v in vals),
                    f"{tid}: {key} must be a list of non-empty strings")
        require(isinstance(t.get("approach", False), bool), f"{tid}: approach must be true or false")
        for w in t.get("weak") or []:
            require(w in terms, f"{tid}: weak term {w!r} is not one of its terms")
    for t in themes:
        p = t.get("parent")
        require(p is None or p in ids, f"{t['id']}: parent {p!r} does not exist")
    parents = {t["id"]: t.get("parent") for t in themes}
    for tid in ids:
        seen, cur = set(), tid
        while cur is not None:
            require(cur not in seen, f"{tid}: parent chain has a cycle")
            seen.add(cur)
            cur = parents[cur]
    # One normalised term, one theme; a pseudo-term must not be a term of any theme.
    owner: dict[tuple, str] = {}
    for t in themes:
        for term in (t.get("terms") or []) + (t.get("misspellings") or []):
            norm = tuple(w.lower() for w in words_of(term))
            require(norm, f"{t['id']}: term {term!r} has no words")
            prev = owner.get(norm)
            require(prev in (None, t["id"]), f"term {term!r} is listed under both {prev!r} and {t['id']!r}")
            owner[norm] = t["id"]
    for t in themes:
        for p in t.get("pseudo") or []:
            norm = tuple(w.lower() for w in words_of(p))
            require(norm not in owner, f"{t['id']}: pseudo-term {p!r} is also a term of {owner.get(norm)!r}")
    abbr: dict[str, str] = {}
    for t in themes:
        for a in t.get("abbreviations") or []:
            require(a not in abbr, f"abbreviation {a!r} is listed under both {abbr.get(a)!r} and {t['id']!r}")
            abbr[a] = t["id"]


def _validate_context(data) -> None:
    require(isinstance(data, dict), "top level must be a mapping")
    for key in ("priority_cues", "reported_cues", "rejection_cues", "subtheme_cues", "example_cues",
                "ranking_cues", "list_introducers", "non_priority_cues", "example_enumeration_cues"):
        vals = data.get(key)
        require(isinstance(vals, list) and vals, f"{key} must be a non-empty list of regexes")
        for v in vals:
            try:
                re.compile(v)
            except re.error as exc:
                raise VocabError(f"{key}: {v!r} is not a valid regex ({exc})") from None
    for key in ("subtheme_sentence_cues", "announced_count_cues", "item_head_ends"):
        for v in data.get(key) or []:
            try:
                re.compile(v)
            except re.error as exc:
                raise VocabError(f"{key}: {v!r} is not a valid regex ({exc})") from None
    shapes = data.get("line_shapes") or {}
    for key in ("heading", "item"):
        for v in shapes.get(key) or []:
            try:
                re.compile(v)
            except re.error as exc:
                raise VocabError(f"line_shapes.{key}: {v!r} is not a valid regex ({exc})") from None
    fz = data.get("fuzzy") or {}
    require(isinstance(fz.get("min_token_length"), int), "fuzzy.min_token_length must be an integer")
    require(all(isinstance(p, list) and len(p) == 2 for p in fz.get("max_edits") or []),
            "fuzzy.max_edits must be [min_length, edits] pairs")
    require(all(isinstance(p, list) and len(p) == 2 for p in fz.get("ocr_confusions") or []),
            "fuzzy.ocr_confusions must be [a, b] pairs")


# ----------------------------------------------------------------------------- build

@functools.cache
def load_vocab() -> ThemeVocab:
    data = load_yaml(THEMES_FILE, validate=_validate_themes)
    ctx = load_yaml(CONTEXT_FILE, validate=_validate_context)
    stop = frozenset(w.lower() for w in ctx.get("term_stopwords") or [])
    coord = frozenset(w.lower() for w in ctx.get("coordinators") or [])
    themes: dict[str, ThemeDef] = {}
    terms: list[Term] = []
    all_term_words = {w.lower() for t in data["themes"] for x in (t.get("terms") or []) + (t.get("misspellings") or [])
                      for w in words_of(x)}
    # a look-alike is not reached through a stem either ("explosieven" -> "explosief")
    pseudo_words = frozenset(p.lower() for t in data["themes"] for p in t.get("pseudo") or []) - all_term_words
    for t in data["themes"]:
        td = ThemeDef(
            id=t["id"], label=t["label"], parent=t.get("parent"), field=t["field"],
            terms=tuple(t.get("terms") or []), abbreviations=tuple(t.get("abbreviations") or []),
            misspellings=tuple(t.get("misspellings") or []), weak=frozenset(t.get("weak") or []),
            pseudo=tuple(t.get("pseudo") or []), approach=bool(t.get("approach", False)),
        )
        themes[td.id] = td
        for text, missp in [(x, False) for x in td.terms] + [(x, True) for x in td.misspellings]:
            ws = [w.lower() for w in words_of(text)]
            # Function words inside a term are optional in the text; coordinators are not.
            kept = [w for w in ws if w not in stop or w in coord] if len(ws) > 1 else ws
            if not kept:
                kept = ws
            terms.append(Term(
                theme_id=td.id, text=text, words=tuple(kept),
                keys=tuple(frozenset(k for k in _term_word_keys(w) if k == w or k not in pseudo_words)
                           for w in kept), weak=text in td.weak,
                misspelling=missp, has_coordinator=any(w in coord for w in kept) and len(kept) > 2,
            ))
    by_first: dict[str, list[Term]] = {}
    for term in terms:
        for k in term.keys[0]:
            by_first.setdefault(k, []).append(term)
    abbreviations: dict[str, str] = {}
    for td in themes.values():
        for a in td.abbreviations:
            abbreviations[a] = td.id
    term_word_set = {w for term in terms for w in term.words}
    pseudo = frozenset(p.lower() for td in themes.values() for p in td.pseudo) - term_word_set
    pseudo |= pseudo_words - term_word_set
    targets: dict[str, set[str]] = {}
    for term in terms:
        for w in term.words:
            if w not in stop and w not in coord and w.isalpha():
                targets.setdefault(w, set()).add(term.theme_id)
    single: dict[str, str] = {}
    for term in terms:
        if len(term.words) == 1 and not term.weak:
            for k in term.keys[0]:
                single.setdefault(k, term.theme_id)
    vocab = ThemeVocab(
        themes=themes, terms=terms, by_first_key=by_first, abbreviations=abbreviations,
        pseudo=pseudo, word_targets={w: frozenset(v) for w, v in targets.items()},
        single_word_keys=single, context=ctx, stopwords=stop, coordinators=coord,
        max_gap=int(ctx.get("max_gap_tokens", 2)),
    )
    for key in ("priority_cues", "reported_cues", "rejection_cues", "subtheme_cues", "example_cues",
                "ranking_cues", "list_introducers", "non_priority_cues", "example_enumeration_cues"):
        vocab.cue_res[key] = [re.compile(p, re.IGNORECASE) for p in ctx[key]]
    # optional: "<theme> gaat over / richt zich op / vallen ..." right after a prioritised theme
    for key in ("subtheme_sentence_cues", "announced_count_cues", "item_head_ends"):
        vocab.cue_res[key] = [re.compile(p, re.IGNORECASE) for p in ctx.get(key) or []]
    shapes = ctx.get("line_shapes") or {}
    vocab.cue_res["heading"] = [re.compile(p, re.IGNORECASE) for p in shapes.get("heading") or []]
    vocab.cue_res["item"] = [re.compile(p) for p in shapes.get("item") or []]
    return vocab


def _term_word_keys(w: str) -> frozenset[str]:
    # Short function words match only as written; stems of 2-3 letter words collide.
    if len(w) <= 3:
        return frozenset({w})
    return word_keys(w)


def theme_info(theme_id: str) -> dict | None:
    """Label, parent and VNG field of a theme id (None for an unknown id)."""
    td = load_vocab().themes.get(theme_id)
    if td is None:
        return None
    return {"theme_id": td.id, "label": td.label, "parent": td.parent, "vng_field": td.field}
