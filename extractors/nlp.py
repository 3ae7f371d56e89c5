"""The spaCy pipeline: one loader that picks the best model available.

Tiers, best first:
1. `IVP_SPACY_MODEL` (a package name or a path), e.g. the UD fallback model on CI;
2. the installed `nl_core_news_sm` package, the product's model;
3. `spacy.blank("nl")` + sentencizer + simplemma lemmas, with a warning.

Every page is read the same way on all three: tokens, rule-based sentences and simplemma
lemmas (`_spend_where_it_pays` says why). A model's POS and dependencies are read only for
the sentences a fact needs them for (`parse_sentence`); no rule uses NER (places come from
the gazetteer).
"""
from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

PRODUCT_MODEL = "nl_core_news_sm"
#: components no rule uses; excluded at load time so they cost nothing.
UNUSED_COMPONENTS = ("ner", "senter")
#: spaCy's limit guards memory on one text; pages are far below it, merged text files may not be.
MAX_PAGE_CHARS = 900_000


@dataclass(frozen=True)
class LoadedModel:
    nlp: Language
    tier: str  # env, product, blank
    name: str
    accuracy_note: str


#: shortest head a compound is split into when its whole form is not in the lexicon.
MIN_COMPOUND_HEAD = 4


@functools.lru_cache(maxsize=200_000)
def dutch_lemma(word: str) -> str:
    """simplemma's lemma; for an unknown compound, the lemma of its head.

    Dutch compounds are head-final and written as one word, so "woninginbraken" is
    "woning" + the plural of "inbraak": lemmatise the longest known head.
    """
    import simplemma

    lemma = simplemma.lemmatize(word, lang="nl")
    if lemma != word or len(word) < 2 * MIN_COMPOUND_HEAD:
        return lemma
    for cut in range(MIN_COMPOUND_HEAD, len(word) - MIN_COMPOUND_HEAD + 1):
        head = word[cut:]
        head_lemma = simplemma.lemmatize(head, lang="nl")
        if head_lemma != head:
            return word[:cut] + head_lemma
    return lemma


@Language.factory("ivp_simplemma_lemmatizer")
def _make_simplemma_lemmatizer(nlp: Language, name: str):
    def lemmatize(doc: Doc) -> Doc:
        for token in doc:
            token.lemma_ = dutch_lemma(token.lower_) if token.is_alpha else token.lower_
        return doc

    return lemmatize


def _load_named(name: str) -> Language:
    try:
        return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except ValueError:
        # Some pipelines list an excluded name in their config differently; load whole.
        return spacy.load(name)


@Language.component("ivp_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: headings and list items in PDF and web text have no full
    stop, and the sentencizer alone glues a heading to the sentence under it."""
    for token in doc[1:-1]:
        if token.is_space and token.text.count("\n") >= 2:
            doc[token.i + 1].is_sent_start = True
    return doc


def _add_rule_sentences(nlp: Language) -> None:
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("ivp_paragraph_breaks", after="sentencizer")


def _add_simplemma(nlp: Language) -> None:
    try:
        import simplemma  # noqa: F401

        nlp.add_pipe("ivp_simplemma_lemmatizer")
    except ImportError:
        log.warning("simplemma is not installed: lemmas are lower-cased words (pip install simplemma)")


def _blank_pipeline() -> Language:
    nlp = spacy.blank("nl")
    _add_rule_sentences(nlp)
    _add_simplemma(nlp)
    return nlp


@functools.cache
def load_model() -> LoadedModel:
    """Load the pipeline once per process; logs which tier was taken and what it costs."""
    env_name = os.environ.get("IVP_SPACY_MODEL", "").strip()
    if env_name:
        try:
            nlp = _load_named(env_name)
        except OSError as exc:
            raise RuntimeError(
                f"IVP_SPACY_MODEL={env_name!r} cannot be loaded ({exc}). "
                "Point it at an installed spaCy package or a model folder, or unset it."
            ) from exc
        model = LoadedModel(nlp, "env", env_name, _accuracy_note(nlp))
    else:
        try:
            nlp = _load_named(PRODUCT_MODEL)
            model = LoadedModel(nlp, "product", PRODUCT_MODEL, "nl_core_news_sm: POS 95.8, LAS 80.5, lemma 95.0")
        except OSError:
            log.warning(
                "spaCy model %s is not installed; using spacy.blank('nl') with a sentencizer and "
                "simplemma lemmas. Sentence splitting is rule-based, there are no POS tags or "
                "dependencies (deadline actors stay empty). Install it with `ivp setup` when online.",
                PRODUCT_MODEL,
            )
            model = LoadedModel(_blank_pipeline(), "blank", "blank:nl+simplemma",
                                "no POS/parser; rule-based sentences; simplemma lemmas")
    _spend_where_it_pays(model.nlp)
    model.nlp.max_length = max(model.nlp.max_length, MAX_PAGE_CHARS + 1)
    log.info("spaCy pipeline: %s (%s tier; %s); components: %s",
             model.name, model.tier, model.accuracy_note, ", ".join(model.nlp.pipe_names))
    return model


def _accuracy_note(nlp: Language) -> str:
    perf = nlp.meta.get("performance") or {}
    parts = [f"{key} {perf[key]:.3f}" for key in ("pos_acc", "dep_las", "lemma_acc") if isinstance(perf.get(key), (int, float))]
    name = f"{nlp.meta.get('lang', '?')}_{nlp.meta.get('name', '?')} {nlp.meta.get('version', '')}".strip()
    return name + (": " + ", ".join(parts) if parts else "")


#: characters per `nlp.pipe` batch: a model's components, were they in the page pass, hold
#: activations for a whole batch at once (~14 KB a token: 32 dense pages ~240 MB, 40,000 characters
#: ~80); the page pass keeps the bound so a custom pipeline cannot grow a worker unbounded either
MAX_BATCH_CHARS = 40_000


def parse_pages(pages: Iterable, batch_size: int = 32, max_batch_chars: int = MAX_BATCH_CHARS,
                on_batch: Optional[Callable[[], None]] = None) -> None:
    """Attach a spaCy Doc to each page, batched through `nlp.pipe` by page count and by size;
    `on_batch` is called after each batch."""
    pages = list(pages)
    nlp = load_model().nlp
    texts = [p.text[:MAX_PAGE_CHARS] for p in pages]
    for start, end in _batches([len(t) for t in texts], batch_size, max_batch_chars):
        for page, doc in zip(pages[start:end], nlp.pipe(texts[start:end], batch_size=end - start)):
            page.spacy_doc = doc
        if on_batch is not None:
            on_batch()


def _spend_where_it_pays(nlp: Language) -> None:
    """Every tier reads every page with the same cheap pass: the tokenizer, rule sentences and
    simplemma lemmas. A model's own components run only where a fact needs them
    (`parse_sentence`: a deadline's actor). bench/bench_nlp.py measures what each component buys
    (the scorer's figures on ../shared/corpus and the seeds, per variant).

    Measured with the UD fallback model: the parser was ~69% of the spaCy pass and its sentences
    scored the same as the rule-based ones; with the parser off, tok2vec (~80% of what was left),
    the morphologizer and the trainable lemmatizer on every page changed no figure either (theme
    recall/precision, priorities, deadlines, dates, typos: equal on the corpus and the seeds),
    at ~20 ms a page. So they are off for the page pass and on in the sentence parse.
    """
    model_components = [name for name in nlp.pipe_names if name not in _PAGE_PASS]
    if not model_components:
        return  # the blank pipeline is the page pass
    for name in model_components:
        nlp.disable_pipe(name)
    _add_rule_sentences(nlp)
    _add_simplemma(nlp)


#: the components of the pass over every page, on every tier
_PAGE_PASS = ("sentencizer", "ivp_paragraph_breaks", "ivp_simplemma_lemmatizer")


#: components the full parse of one sentence leaves out: the parser sets the sentence itself
_NOT_IN_SENTENCE_PARSE = _PAGE_PASS + ("tagger",)


def parse_sentence(text: str, page_doc: Optional[Doc]) -> Optional[Doc]:
    """The dependency parse of one sentence of a page (the model's components, but the tagger:
    POS comes from the morphologizer); None for a page this pipeline did not read, or one without a parser."""
    nlp = load_model().nlp
    if page_doc is None or page_doc.vocab is not nlp.vocab or "parser" not in nlp.component_names or not text.strip():
        return None
    doc = nlp.make_doc(text[:MAX_PAGE_CHARS])
    for name, component in nlp.components:  # what Language.__call__ does, disabled parser included
        if name not in _NOT_IN_SENTENCE_PARSE:
            doc = component(doc)
    return doc


def _batches(sizes: list[int], max_items: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """(start, end) runs of at most `max_items` items and `max_chars` characters (at least one item)."""
    start, chars = 0, 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= max_items or chars + size > max_chars):
            yield start, i
            start, chars = i, 0
        chars += size
    if start < len(sizes):
        yield start, len(sizes)


def model_name() -> str:
    return load_model().name
