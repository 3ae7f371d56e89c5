"""Shared fixtures. The spaCy model comes from IVP_SPACY_MODEL (set by .ci/run)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
_FALLBACK_MODEL = ROOT.parent / "shared" / "models" / "nl_ud_small_fallback"

if not os.environ.get("IVP_SPACY_MODEL") and _FALLBACK_MODEL.exists():
    try:
        import nl_core_news_sm  # noqa: F401
    except ImportError:
        os.environ["IVP_SPACY_MODEL"] = str(_FALLBACK_MODEL)


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES
