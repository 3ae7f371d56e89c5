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
