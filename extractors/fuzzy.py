"""Typo- and OCR-tolerant lookup of text words in the theme vocabulary (rapidfuzz, vectorised).

Only words that matched nothing exactly are looked up, once per unique word of a document.
A word is never matched fuzzily when it is a real Dutch word (simplemma's lexicon) or a
listed look-alike: "ondernemers" is a word, not a typo of "ondermijning". The allowed number
of edits grows with the length of the vocabulary word; OCR confusions (rn/m, nij/m, ij/y)
are folded on both sides first, so "ondernijning" and "ondemijning" cost what one typo costs.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from extractors.theme_vocab import ThemeVocab, load_vocab, word_keys


@dataclass(frozen=True)
class FuzzyHit:
    word: str  # the text word, lower-cased
    target: str  # the vocabulary word it stands for
    distance: float  # edits; an OCR confusion counts 0.5
    score: float  # 0..100


@functools.cache
def lexicon() -> frozenset[str]:
    """Real Dutch word forms (simplemma's dictionary), minus the vocabulary's own words."""
    try:
        from simplemma.strategies.dictionaries import dictionary_factory

        # simplemma's own shared factory (2.x): the dictionary its lemmatizer loads anyway, read
        # once per process instead of twice (~0.5 CPU-s and ~50 MB a worker)
        factory = getattr(dictionary_factory, "DEFAULT_DICTIONARY_FACTORY", None) \
            or dictionary_factory.DefaultDictionaryFactory()
        words = factory.get_dictionary("nl").keys()
        lex = {w for w in words if isinstance(w, str)}
    except Exception:  # simplemma missing or changed: thresholds and pseudo-terms still guard
        lex = set()
    return frozenset(lex - set(load_vocab().word_targets))


def fold(word: str, confusions: tuple[tuple[str, str], ...]) -> str:
    for a, b in confusions:
        word = word.replace(a, b)
    return word


class FuzzyMatcher:
    def __init__(self, vocab: ThemeVocab | None = None, use_lexicon: bool = True):
        self.vocab = vocab or load_vocab()
        cfg = self.vocab.context.get("fuzzy") or {}
        self.min_len = int(cfg.get("min_token_length", 5))
        self.max_edits = sorted((int(a), int(b)) for a, b in cfg.get("max_edits") or [[5, 1], [12, 2]])
        self.first_letter_below = int(cfg.get("first_letter_below", 8))
        # longest confusion first so "nij" folds before "ij"
        self.confusions = tuple(sorted(((a, b) for a, b in cfg.get("ocr_confusions") or []),
                                       key=lambda p: -len(p[0])))
        self.content_pos = frozenset(cfg.get("content_pos") or [])
        self.lexicon_phrase_min = int(cfg.get("lexicon_phrase_min_length", 0))
        # a participle before its noun ("ondermjinende criminaliteit") is often tagged VERB;
        # such a word may stand for a vocabulary word that only occurs inside multiword
        # terms, where the rest of the phrase must match too
        self.phrase_pos = frozenset(cfg.get("phrase_pos") or [])
        self.use_lexicon = use_lexicon
        # weak terms ("vastgoed") are everyday words: their neighbours are other words, not typos
        weak_words = {w for t in self.vocab.terms if t.weak for w in t.words}
        self.targets = sorted(w for w in self.vocab.word_targets
                              if len(w) >= self.min_len and w not in weak_words)
        single = {t.words[0] for t in self.vocab.terms if len(t.words) == 1}
        # a word that only occurs inside multiword terms is checked by the rest of the phrase,
        # so a one-letter-shorter text word ("drgs" for "drugs") may still stand for it
        self.multi_only = np.array([w not in single for w in self.targets])
        self.phrase_words = frozenset(w for w in self.targets if w not in single)
        proper = {w for t in self.vocab.terms if not t.misspelling for w in t.words}
        self.misspelled_only = frozenset(w for w in self.targets if w not in proper)
        self.folded_targets = [fold(w, self.confusions) for w in self.targets]
        self.target_lens = np.array([len(w) for w in self.targets])
        self.allowed = np.array([self._allowed(n) for n in self.target_lens])
        self._cache: dict[str, FuzzyHit | None] = {}

    def _allowed(self, n: int) -> int:
        edits = 0
        for min_len, e in self.max_edits:
            if n >= min_len:
                edits = e
        return edits

    def eligible(self, word: str) -> bool:
        w = word.lower()
        if len(w) < self.min_len - 1 or not w.isalpha() or w in self.vocab.pseudo:
            return False
        if w in self.vocab.word_targets:
            return False
        if self.use_lexicon and w in lexicon():
            return False
        return True

    def _phrase_typo_candidate(self, word: str) -> bool:
        w = word.lower()
        return (self.use_lexicon and self.lexicon_phrase_min > 0 and len(w) >= self.lexicon_phrase_min
                and w.isalpha() and w not in self.vocab.pseudo and w not in self.vocab.word_targets
                and w in lexicon())

    def first_letters_eq(self, word: str) -> np.ndarray:
        return np.array([t[:1] == word[:1] for t in self.targets], dtype=bool)

    def lookup_many(self, words) -> dict[str, FuzzyHit]:
        """Vocabulary word for each eligible text word (lower-cased keys); words without a hit are left out."""
        todo = sorted({w.lower() for w in words} - set(self._cache))
        lex_words: set[str] = set()
        if todo:
            keep = []
            for w in todo:
                if self.eligible(w):
                    keep.append(w)
                elif self._phrase_typo_candidate(w):
                    keep.append(w)
                    lex_words.add(w)
            todo = keep
        for w in set(w.lower() for w in words) - set(todo):
            self._cache.setdefault(w, None)
        if todo and self.targets:
            max_cut = int(self.allowed.max())
            raw = process.cdist(todo, self.targets, scorer=OSA.distance, score_cutoff=max_cut,
                                dtype=np.int32, workers=1)
            folded_q = [fold(w, self.confusions) for w in todo]
            fol = process.cdist(folded_q, self.folded_targets, scorer=OSA.distance,
                                score_cutoff=max_cut, dtype=np.int32, workers=1)
            # an OCR confusion costs half an edit: "dornein" is closer to "domein" than any typo
            dist = np.minimum(raw.astype(np.float32), fol.astype(np.float32) + 0.5)
            qlens = np.array([len(w) for w in todo])
            # a word far longer or shorter than the target is another word, not a typo of it
            len_ok = np.abs(qlens[:, None] - self.target_lens[None, :]) <= 3
            short_ok = (qlens[:, None] >= self.min_len) | self.multi_only[None, :]
            ok = (dist <= self.allowed[None, :]) & (raw >= 1) & len_ok & short_ok
            if lex_words:
                # a real word ("huislijk" is in the lexicon) stands for a vocabulary word only
                # inside a multiword term, where the rest of the phrase must match as well
                for i, w in enumerate(todo):
                    if w in lex_words:
                        ok[i] &= self.multi_only & self.first_letters_eq(w)
            for i, w in enumerate(todo):
                cols = np.nonzero(ok[i])[0]
                hit = None
                if cols.size:
                    best = float(dist[i, cols].min())
                    cands = [c for c in cols if dist[i, c] == best]
                    fw = folded_q[i][:1]
                    cands = [c for c in cands if self.target_lens[c] >= self.first_letter_below
                             or self.folded_targets[c][:1] == fw]
                    theme_sets = [self.vocab.word_targets[self.targets[c]] for c in cands]
                    first_keys = word_keys(self.targets[cands[0]]) if cands else frozenset()
                    one_word = all(word_keys(self.targets[c]) & first_keys for c in cands)
                    shared = frozenset.intersection(*theme_sets) if theme_sets else frozenset()
                    # two equally close words of different themes: the typo is ambiguous
                    # ("gerag": gedrag or gezag); forms of one word ("persoon", "personen") and a
                    # word next to a listed misspelling of it ("ondermining") are not
                    if cands and (shared or one_word):
                        # a real vocabulary word rather than a listed misspelling of it
                        c = min(cands, key=lambda c: (self.targets[c] in self.misspelled_only, self.targets[c]))
                        t = self.targets[c]
                        score = 100.0 * (1.0 - best / max(len(t), len(w)))
                        hit = FuzzyHit(w, t, best, round(score, 1))
                self._cache[w] = hit
            for w in todo:
                self._cache.setdefault(w, None)
        return {w.lower(): self._cache[w.lower()] for w in words if self._cache.get(w.lower())}

    def lookup(self, word: str) -> FuzzyHit | None:
        return self.lookup_many([word]).get(word.lower())


@functools.cache
def default_matcher() -> FuzzyMatcher:
    return FuzzyMatcher()
