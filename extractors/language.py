"""Is this document Dutch? Function-word profiles from `vocab/language.yaml`.

Cheap and deterministic; good enough to keep English, German or French documents
out of Dutch rules, which would otherwise produce confident nonsense.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from extractors.document import Document
from extractors.errors import NotDutch
from extractors.vocab import load_yaml, require

_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def _profiles() -> tuple[dict[str, frozenset[str]], float, int]:
    def validate(data):
        require("languages" in data and "nl" in data["languages"], "needs languages.nl")
        for lang, words in data["languages"].items():
            # YAML 1.1 reads bare on/off/yes/no as booleans: quote them in the file.
            require(all(isinstance(w, str) for w in words), f"{lang}: every word must be a string")

    data = load_yaml("language.yaml", validate)
    profiles = {lang: frozenset(w.lower() for w in words) for lang, words in data["languages"].items()}
    return profiles, float(data.get("min_share", 0.04)), int(data.get("min_words", 30))


def detect_language(text: str) -> tuple[str | None, dict[str, float]]:
    profiles, min_share, min_words = _profiles()
    words = [w.lower() for w in _WORD.findall(text[:200_000])]
    if len(words) < min_words:
        return None, {}
    counts = Counter(words)
    shares = {lang: sum(counts[w] for w in vocab) / len(words) for lang, vocab in profiles.items()}
    best = max(shares, key=shares.get)
    return (best if shares[best] >= min_share else None), shares


def check_dutch(doc: Document) -> None:
    language, shares = detect_language(doc.text)
    if language not in (None, "nl"):
        raise NotDutch(
            f"the document looks {language!r}, not Dutch (function words: "
            + ", ".join(f"{k} {v:.0%}" for k, v in sorted(shares.items(), key=lambda kv: -kv[1])[:3])
            + "); ivp's rules are Dutch. Leave it out, or translate it first.")
