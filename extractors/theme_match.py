"""Finding vocabulary terms in text: lemma/stem keys, multiword terms with small gaps,
abbreviations, Dutch coordination ellipsis and fuzzy (typo/OCR) words.

Works on plain text (regex words) and uses a spaCy Doc over the same text only for
lemmas and POS when one is given; so it runs the same on a blank pipeline.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from extractors.fuzzy import FuzzyHit, FuzzyMatcher, default_matcher
from extractors.theme_vocab import WORD_RE, Term, ThemeVocab, _term_word_keys, load_vocab, word_keys

#: text between two words of one term may not contain these: the term would cross a
#: sentence, clause or list boundary
_BARRIER_RE = re.compile(r"[.;:!?•,]|\n[ \t\u00a0]*\n")
_LETTERS = r"[^\W\d_]"
#: "drugs- en alcoholoverlast", "kennis-, informatie- en expertisedeling"
_ELLIPSIS_FWD_RE = re.compile(
    rf"(?<![\w-])((?:{_LETTERS}+[-‐](?:\s*,\s*|\s+))+)(?:en/of|en|of|&)\s+((?:{_LETTERS}+\s+)?{_LETTERS}+)",
    re.IGNORECASE)
#: "verkeersoverlast en -veiligheid", "cybercrime/-fraude"
_ELLIPSIS_BWD_RE = re.compile(
    rf"(?<![\w-])({_LETTERS}{{4,}})\s*(?:en|of|/)\s*[-‐–]\s*({_LETTERS}{{3,}})", re.IGNORECASE)


#: cheap tests whether a text has any elided compound at all (the full patterns are slow)
_FWD_HINT_RE = re.compile(r"\w[-‐](?:\s*,|\s+(?:en|of|&)\b)", re.IGNORECASE)
_BWD_HINT_RE = re.compile(r"(?:\ben|\bof|/)\s*[-‐–]\s*\w", re.IGNORECASE)


@dataclass
class Tok:
    text: str
    start: int
    end: int
    lower: str
    keys: frozenset
    pos: str = ""
    fuzzy: Optional[FuzzyHit] = None
    folded: str = ""  # the word with OCR digits read as letters ("gewe1d" -> "geweld"), else ""


#: a standalone ampersand joins conjuncts like "en" does ("Zorg & Veiligheid")
_TOKEN_RE = re.compile(WORD_RE.pattern + r"|(?<!\S)&(?!\S)")
#: a word OCR spelled with 1/0 for l/o: letters with one or two such digits among them
_OCR_DIGIT_RE = re.compile(r"(?=(?:[^\W\d_]*[10]){1,2}[^\W\d_]*$)(?=(?:[^\W_]*?[^\W\d_]){4})[^\W\d_]*[10][^\W_]*")
_OCR_DIGITS = str.maketrans({"1": "l", "0": "o"})


@dataclass
class Match:
    theme_id: str
    start: int  # char offsets into the text
    end: int
    surface: str
    term: str
    kind: str  # exact, lemma, abbreviation, fuzzy
    score: float
    weak: bool = False
    tok_start: int = -1
    tok_end: int = -1  # exclusive
    sub: bool = False  # a conjunct inside a combined term
    anchor: int = -1  # where the theme's own word starts (an elided conjunct: its visible part)
    gaps: int = 0  # text words skipped inside the match

    @property
    def pos(self) -> int:
        return self.anchor if self.anchor >= 0 else self.start


@functools.cache
def _all_term_keys() -> frozenset[str]:
    vocab = load_vocab()
    return frozenset(k for t in vocab.terms for ks in t.keys for k in ks)


def _spacy_info(spacy_doc) -> tuple[dict[int, tuple[int, int]], object]:
    """char offset -> (lemma hash, POS hash) of each spaCy token, read as arrays (iterating
    Tokens is slow); strings are resolved lazily, once per distinct hash."""
    from spacy.attrs import IDX, LEMMA, POS

    if len(spacy_doc) == 0:
        return {}, None
    arr = spacy_doc.to_array([IDX, LEMMA, POS])
    return dict(zip(arr[:, 0].tolist(), zip(arr[:, 1].tolist(), arr[:, 2].tolist()))), spacy_doc.vocab.strings


_KEYS_CACHE: dict[tuple[str, str], frozenset] = {}


def tokenize(text: str, spacy_doc=None) -> list[Tok]:
    info, strings = _spacy_info(spacy_doc) if spacy_doc is not None else ({}, None)
    names: dict[int, str] = {0: ""}
    toks = []
    keys_cache = _KEYS_CACHE
    pseudo = load_vocab().pseudo
    for m in (_TOKEN_RE if "&" in text else WORD_RE).finditer(text):
        w = m.group(0)
        s = m.start()
        if w == "&":
            toks.append(Tok(w, s, m.end(), "en", frozenset({"en"}), "CCONJ"))
            continue
        h = info.get(s)
        if h is not None:
            lemma = names.get(h[0])
            if lemma is None:
                lemma = names[h[0]] = strings[h[0]]
            pos = names.get(h[1])
            if pos is None:
                pos = names[h[1]] = strings[h[1]]
        else:
            lemma = pos = ""
        ck = (w, lemma)
        keys = keys_cache.get(ck)
        if keys is None:
            if w.lower() in pseudo:
                # a listed look-alike ("overvallend") is never read through its lemma either
                keys = frozenset({w.lower()})
            elif w.isalpha() or "'" in w or "’" in w:
                keys = word_keys(w, lemma)
            else:
                keys = frozenset({w.lower()})
            if len(keys_cache) > 300_000:
                keys_cache.clear()
            keys_cache[ck] = keys
        if len(keys) == 1 and not w.isalpha() and not w.isdigit() and _OCR_DIGIT_RE.fullmatch(w):
            toks.append(Tok(w, s, m.end(), w.lower(), keys, pos, folded=w.lower().translate(_OCR_DIGITS)))
        else:
            toks.append(Tok(w, s, m.end(), w.lower(), keys, pos))
    return toks


def fuzzy_candidates(toks: list[Tok], matcher: FuzzyMatcher) -> set[str]:
    """Unique content words that matched nothing exactly: the only words worth a fuzzy look."""
    known = _all_term_keys()
    out = set()
    for t in toks:
        if t.folded:
            out.add(t.folded)  # looked up whole: the digit is the typo, not a word boundary
            continue
        if len(t.lower) < matcher.min_len - 1 or not t.lower.isalpha():
            continue
        if t.pos and matcher.content_pos and t.pos not in matcher.content_pos \
                and t.pos not in matcher.phrase_pos:
            continue
        if t.keys & known:
            continue
        out.add(t.lower)
    return out


def apply_fuzzy(toks: list[Tok], hits: dict[str, FuzzyHit]) -> None:
    matcher = default_matcher()
    for t in toks:
        if t.folded:
            hit = hits.get(t.folded)
            if hit is None and t.folded in _word_targets():
                hit = FuzzyHit(t.lower, t.folded, 0.5, round(100.0 * (1.0 - 0.5 / len(t.folded)), 1))
            if hit is not None:
                t.fuzzy = FuzzyHit(t.lower, hit.target, hit.distance, hit.score)
                t.keys = t.keys | _term_word_keys(hit.target)
            continue
        hit = hits.get(t.lower)
        if hit is None:
            continue
        if t.pos and t.pos not in matcher.content_pos and not (
                t.pos in matcher.phrase_pos and hit.target in matcher.phrase_words):
            continue
        t.fuzzy = hit
        t.keys = t.keys | _term_word_keys(hit.target)


@functools.cache
def _gap_breakers() -> frozenset:
    return frozenset(w.lower() for w in load_vocab().context.get("gap_breakers") or [])


def _word_targets() -> dict:
    return load_vocab().word_targets


def _barrier(text: str, a: int, b: int) -> bool:
    if b <= a:
        return False
    if _BARRIER_RE.search(text, a, b) is not None:
        return True
    nl = text.find("\n", a, b)
    if nl < 0:
        return False
    # a PDF text layer has no blank line after a heading: its line end still ends the phrase
    line = text[text.rfind("\n", 0, nl) + 1:nl]
    return any(p.search(line) for p in load_vocab().cue_res["heading"])


def _extend(term: Term, toks: list[Tok], i: int, text: str, max_gap: int) -> Optional[int]:
    """Index after the last token of `term` matched from token i, or None."""
    j = i
    breakers = _gap_breakers()
    for wkeys in term.keys[1:]:
        found = None
        for k in range(j + 1, min(len(toks), j + 2 + max_gap)):
            if _barrier(text, toks[k - 1].end, toks[k].start):
                break
            if toks[k].keys & wkeys:
                found = k
                break
            if k > j + 1 and toks[k].lower in _COORD:
                # "huiselijk en seksueel geweld" skips a conjunct; "sociale domein en
                # veiligheid" would join two different phrases
                break
            if toks[k].lower in breakers:
                # "jongeren die door criminele netwerken ..." is a clause, not "jonge criminelen"
                break
        if found is None:
            return None
        j = found
    return j + 1


def _kind_and_score(term: Term, toks: list[Tok], a: int, b: int, text: str) -> tuple[str, float]:
    used = toks[a:b]
    fz = [t.fuzzy for t in used if t.fuzzy is not None]
    if fz:
        return "fuzzy", min(h.score for h in fz)
    if term.misspelling:
        return "fuzzy", 90.0
    surface_words = [w.lower() for w in WORD_RE.findall(text[toks[a].start:toks[b - 1].end])]
    if all(w in surface_words for w in term.words):
        return "exact", 100.0
    return "lemma", 95.0


def match_tokens(text: str, toks: list[Tok], vocab: ThemeVocab | None = None) -> list[Match]:
    vocab = vocab or load_vocab()
    cands: list[Match] = []
    for i, tok in enumerate(toks):
        abbr = vocab.abbreviations.get(tok.text)
        if abbr is None and tok.text[-2:] in ("'s", "’s"):
            abbr = vocab.abbreviations.get(tok.text[:-2])
        if abbr is not None:
            cands.append(Match(abbr, tok.start, tok.end, tok.text, tok.text, "abbreviation", 100.0,
                               tok_start=i, tok_end=i + 1))
        if tok.text.isupper() and len(tok.text) <= 5 and abbr is None and tok.fuzzy is None:
            # an unknown acronym is a name, not an inflected vocabulary word
            if tok.lower not in vocab.word_targets:
                continue
        if i + 1 < len(toks) and tok.lower.isalpha() and toks[i + 1].lower.isalpha():
            _split_compound(text, toks, i, vocab, cands)
        for term in _terms_starting(tok.keys, vocab):
            end = _extend(term, toks, i, text, vocab.max_gap) if len(term.keys) > 1 else i + 1
            if end is None:
                continue
            kind, score = _kind_and_score(term, toks, i, end, text)
            s, e = toks[i].start, toks[end - 1].end
            cands.append(Match(term.theme_id, s, e, text[s:e], term.text, kind, score, term.weak,
                               tok_start=i, tok_end=end, gaps=end - i - len(term.words)))
    return _resolve(cands, vocab)


_JOIN_RE = re.compile(r"[ \t]*[-‐]?[ \t]*\n?[ \t]*")


def _split_compound(text: str, toks: list[Tok], i: int, vocab: ThemeVocab, cands: list) -> None:
    """A compound written apart ("woning inbraken", "cyber crime") is that compound."""
    a, b = toks[i], toks[i + 1]
    if len(a.lower) < 3 or len(b.lower) < 4 or not _JOIN_RE.fullmatch(text, a.end, b.start):
        return
    if a.lower in vocab.stopwords or a.lower in _COORD or b.lower in _COORD:
        return
    for joined in (a.lower + b.lower, a.lower + "s" + b.lower):
        for k in word_keys(joined):
            tid = vocab.single_word_keys.get(k)
            if tid:
                cands.append(Match(tid, a.start, b.end, text[a.start:b.end], joined, "fuzzy", 90.0,
                                   tok_start=i, tok_end=i + 2))
                return


_STARTS_CACHE: dict[frozenset, tuple[Term, ...]] = {}


def _terms_starting(keys: frozenset, vocab: ThemeVocab) -> tuple[Term, ...]:
    """Terms whose first word matches a token with these keys (memoised per key set)."""
    got = _STARTS_CACHE.get(keys)
    if got is None:
        seen: dict[int, Term] = {}
        # in a fixed order: the order of equally good matches decides which term a mention
        # names, and a frozenset's order changes with every interpreter (hash randomisation)
        for k in sorted(keys):
            for term in vocab.by_first_key.get(k, ()):
                seen.setdefault(id(term), term)
        got = _STARTS_CACHE[keys] = tuple(seen.values())
        if len(_STARTS_CACHE) > 200_000:
            _STARTS_CACHE.clear()
    return got


_COORD = frozenset({"en", "of"})
_KIND_RANK = {"exact": 0, "abbreviation": 0, "lemma": 1, "fuzzy": 2}


def _resolve(cands: list[Match], vocab: ThemeVocab) -> list[Match]:
    """Longest match wins; at equal length exact beats lemma beats fuzzy. Conjuncts of a
    combined term ("radicalisering en extremisme") stay as mentions of their own themes."""
    # a gapped match loses to a gap-free term that ends on its last word and starts inside it:
    # "aanpak van huiselijk geweld" is huiselijk geweld, not "aanpak van (..) geweld"; a gap
    # across a coordinator ("huiselijk en seksueel geweld") is an elided conjunct and stays
    tight_ends: dict[int, list[Match]] = {}
    for m in cands:
        if m.gaps == 0 and m.tok_start >= 0:
            tight_ends.setdefault(m.tok_end, []).append(m)
    if tight_ends:
        cands = [m for m in cands if not (
            m.gaps > 0 and any(x.tok_start > m.tok_start and x.theme_id != m.theme_id
                               for x in tight_ends.get(m.tok_end, ()))
            and not _COORD & set(w.lower() for w in WORD_RE.findall(m.surface)))]
    # longest first; at equal length the tighter match (fewer skipped words), then exact
    cands.sort(key=lambda m: (-(m.tok_end - m.tok_start), m.gaps, _KIND_RANK[m.kind], m.weak, m.tok_start))
    taken: list[Match] = []
    used: set[int] = set()
    combos: list[Match] = []
    for m in cands:
        span = set(range(m.tok_start, m.tok_end))
        if span & used:
            continue
        used |= span
        taken.append(m)
        if " en " in f" {m.term.lower()} " or " of " in f" {m.term.lower()} " or "/" in m.term:
            combos.append(m)
    for combo in combos:
        inner_used: set[int] = set()
        for m in cands:
            if not (m.tok_start >= combo.tok_start and m.tok_end <= combo.tok_end and m is not combo):
                continue
            if (m.tok_start, m.tok_end) == (combo.tok_start, combo.tok_end):
                continue  # another spelling of the combo itself
            span = set(range(m.tok_start, m.tok_end))
            if span & inner_used:
                continue
            # the combo's own conjunct ("huiselijk geweld" in "huiselijk geweld en
            # kindermishandeling") is taken by the combo: its head word is no theme of its own
            inner_used |= span
            if m.theme_id != combo.theme_id:
                m.sub = True
                taken.append(m)
    taken.sort(key=lambda m: (m.start, -m.end))
    return taken


def _compound_theme(word: str, vocab: ThemeVocab, matcher: FuzzyMatcher | None) -> Optional[tuple[str, str, Optional[FuzzyHit]]]:
    for k in word_keys(word):
        tid = vocab.single_word_keys.get(k)
        if tid:
            return tid, word, None
    if matcher is not None and matcher.eligible(word):
        hit = matcher.lookup(word)
        if hit is not None:
            themes = vocab.word_targets.get(hit.target, frozenset())
            single = [tid for k in _term_word_keys(hit.target) if (tid := vocab.single_word_keys.get(k))]
            if single:
                return single[0], hit.target, hit
            if len(themes) == 1:
                return next(iter(themes)), hit.target, hit
    return None


def ellipsis_matches(text: str, vocab: ThemeVocab | None = None,
                     matcher: FuzzyMatcher | None = None) -> list[Match]:
    """Themes named only through a coordinated compound ("drugs- en alcoholoverlast")."""
    vocab = vocab or load_vocab()
    out: list[Match] = []
    fwd = _FWD_HINT_RE.search(text) is not None
    bwd = _BWD_HINT_RE.search(text) is not None
    for m in (_ELLIPSIS_FWD_RE.finditer(text) if fwd else ()):
        prefixes = re.findall(rf"({_LETTERS}+)[-‐]", m.group(1))
        tail_words = m.group(2).split()
        for prefix in prefixes:
            found = None
            for head in reversed(tail_words):  # the head noun is last: "gedigitaliseerde criminaliteit"
                for cut in range(0, len(head) - 2):
                    suffix = head[cut:]
                    hit = _compound_theme((prefix + suffix).lower(), vocab, None)
                    if hit:
                        found = hit
                        break
                if found:
                    break
            if found:
                tid, term, _ = found
                out.append(Match(tid, m.start(), m.end(), text[m.start():m.end()], term, "lemma", 95.0))
    for m in (_ELLIPSIS_BWD_RE.finditer(text) if bwd else ()):
        first, tail = m.group(1), m.group(2)
        # exact compounds first ("cyber" + "fraude"), typo-tolerant ones only if none exists
        for fz_matcher in (None, matcher):
            hit = None
            for cut in range(len(first) - 1, 2, -1):
                hit = _compound_theme((first[:cut] + tail).lower(), vocab, fz_matcher)
                if hit:
                    break
            if hit:
                tid, term, fz = hit
                kind, score = ("fuzzy", fz.score) if fz else ("lemma", 95.0)
                out.append(Match(tid, m.start(), m.end(), text[m.start():m.end()], term, kind, score,
                                 anchor=m.start(2)))
                break
    return out


def find_in_text(text: str, spacy_doc=None, fuzzy_hits: dict[str, FuzzyHit] | None = None,
                 use_fuzzy: bool = True) -> list[Match]:
    """All theme matches in one text (a page or a short label), sorted by position."""
    vocab = load_vocab()
    toks = tokenize(text, spacy_doc)
    matcher = default_matcher() if use_fuzzy else None
    if use_fuzzy:
        if fuzzy_hits is None:
            fuzzy_hits = matcher.lookup_many(fuzzy_candidates(toks, matcher))
        apply_fuzzy(toks, fuzzy_hits)
    return merge_ellipsis(text, match_tokens(text, toks, vocab), ellipsis_matches(text, vocab, matcher))


def merge_ellipsis(text: str, matches: list[Match], elided: list[Match]) -> list[Match]:
    for em in elided:
        if any(x.theme_id == em.theme_id and x.start < em.end and em.start < x.end for x in matches):
            continue
        if em.anchor >= 0:
            # "cybercrime/-fraude": the tail "fraude" is part of "cyberfraude", not a theme of its own
            matches = [x for x in matches if not (x.start >= em.anchor and x.end <= em.end)]
        matches.append(em)
    matches.sort(key=lambda m: (m.start, -m.end))
    return matches
