"""Loading the language data in `vocab/`: found once, validated once, cached.

Each extractor owns the schema of its own files and validates them through
`load_yaml(..., validate=...)`; a malformed file fails loudly with the file
name and what is wrong, never silently with fewer matches.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import os
from pathlib import Path
from typing import Any, Callable

import yaml

VOCAB_DIR = Path(os.environ.get("IVP_VOCAB_DIR", Path(__file__).resolve().parent.parent / "vocab"))


class VocabError(ValueError):
    """A vocabulary file that does not have the shape its loader needs."""


def vocab_path(name: str) -> Path:
    path = VOCAB_DIR / name
    if not path.exists():
        raise VocabError(f"vocabulary file {path} is missing; reinstall ivp or set IVP_VOCAB_DIR")
    return path


@functools.cache
def _read_yaml(name: str) -> Any:
    with vocab_path(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_yaml(name: str, validate: Callable[[Any], None] | None = None) -> Any:
    data = _read_yaml(name)
    if validate is not None:
        try:
            validate(data)
        except VocabError as exc:
            raise VocabError(f"{vocab_path(name)}: {exc}") from None
    return data


@functools.cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    with vocab_path(name).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def require(condition: bool, message: str) -> None:
    if not condition:
        raise VocabError(message)


def fingerprint() -> str:
    """A hash of every vocabulary file: part of `extractor_version`."""
    digest = hashlib.sha256()
    for path in sorted(VOCAB_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".yaml", ".yml", ".csv", ".txt"}:
            digest.update(path.relative_to(VOCAB_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
