"""The spaCy loader's tiers, each in a fresh process because the loader is cached per process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, logging
logging.basicConfig(level=logging.INFO)
from extractors.nlp import load_model
from extractors.document import document_from_text
from extractors.nlp import parse_pages
m = load_model()
doc = document_from_text("De woninginbraken namen af. Uiterlijk eind 2025 volgt een evaluatie.")
parse_pages(doc.pages)
sd = doc.pages[0].spacy_doc
print(json.dumps({"tier": m.tier, "name": m.name, "pipes": m.nlp.pipe_names,
                  "sents": [s.text for s in sd.sents], "lemma": sd[1].lemma_}))
"""


def probe(env_model: str | None) -> tuple[dict, str]:
    env = {k: v for k, v in os.environ.items() if k != "IVP_SPACY_MODEL"}
    if env_model is not None:
        env["IVP_SPACY_MODEL"] = env_model
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_env_model_is_taken_first_and_logged():
    model = os.environ.get("IVP_SPACY_MODEL")
    if not model:
        pytest.skip("IVP_SPACY_MODEL is not set on this machine")
    info, log = probe(model)
    assert info["tier"] == "env"
    assert "ner" not in info["pipes"]  # components no rule uses are not loaded
    assert len(info["sents"]) == 2
    assert "spaCy pipeline:" in log


def test_blank_fallback_warns_and_still_gives_sentences_and_lemmas():
    try:
        import nl_core_news_sm  # noqa: F401
        pytest.skip("nl_core_news_sm is installed; the blank tier is not reached")
    except ImportError:
        pass
    info, log = probe(None)
    assert info["tier"] == "blank"
    assert "not installed" in log and "ivp setup" in log
    assert len(info["sents"]) == 2
    assert info["lemma"] == "woninginbraak"  # simplemma: plural to singular


def test_bad_env_model_says_what_to_do():
    env = dict(os.environ, IVP_SPACY_MODEL="/nonexistent/model")
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "IVP_SPACY_MODEL" in done.stderr and "unset it" in done.stderr


@pytest.mark.parametrize("word, lemma", [
    ("woninginbraken", "woninginbraak"),  # unknown compound: lemma of its head
    ("straatroven", "straatroof"),
    ("jeugdgroepen", "jeugdgroep"),
    ("gemeenten", "gemeente"),
    ("ondermijning", "ondermijning"),  # already a lemma: not split
    ("woning", "woning"),
])
def test_blank_tier_lemmas_handle_dutch_compounds(word, lemma):
    from extractors.nlp import dutch_lemma

    assert dutch_lemma(word) == lemma


def test_parse_batches_bound_page_count_and_characters():
    from extractors.nlp import _batches

    assert list(_batches([10] * 5, max_items=2, max_chars=1000)) == [(0, 2), (2, 4), (4, 5)]
    assert list(_batches([300, 300, 300, 50], max_items=32, max_chars=650)) == [(0, 2), (2, 4)]
    assert list(_batches([5000, 10], max_items=32, max_chars=100)) == [(0, 1), (1, 2)]  # an oversized page alone
    assert list(_batches([], max_items=32, max_chars=100)) == []


def test_batching_by_size_gives_the_same_parse():
    from extractors.document import document_from_text
    from extractors.nlp import parse_pages

    text = "\f".join(f"De gemeente pakt in {2020 + i} de overlast aan. Jongeren krijgen een plek." for i in range(6))
    one, many = document_from_text(text), document_from_text(text)
    parse_pages(one.pages)
    parse_pages(many.pages, batch_size=32, max_batch_chars=60)
    for a, b in zip(one.pages, many.pages):
        assert [(t.text, t.lemma_, t.pos_, t.dep_, t.head.i) for t in a.spacy_doc] == \
               [(t.text, t.lemma_, t.pos_, t.dep_, t.head.i) for t in b.spacy_doc]


def test_every_tier_reads_a_page_with_the_same_pass():
    """A model's components stay out of the pass over every page (they changed no figure on the
    corpus and the seeds); a page gets the same tokens, sentences and lemmas on every tier."""
    model = os.environ.get("IVP_SPACY_MODEL")
    if not model:
        pytest.skip("IVP_SPACY_MODEL is not set on this machine")
    with_model, _ = probe(model)
    blank, _ = probe("")
    assert with_model["pipes"] == blank["pipes"] == ["sentencizer", "ivp_paragraph_breaks", "ivp_simplemma_lemmatizer"]
    assert with_model["sents"] == blank["sents"] and with_model["lemma"] == blank["lemma"] == "woninginbraak"
