"""Cleaning raw page text: page furniture, hyphenation, duplicated text layers.

Runs before any offset is taken, so all offsets point into the cleaned text.
Every rule is generic: running headers/footers are found by repetition across
pages and by the page-label patterns in `vocab/cleaning.yaml`; a duplicated
text layer is found by comparing text, not by position in a known file.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from extractors.document import Document, Page
from extractors.vocab import load_yaml, require

_DIGITS = re.compile(r"\d+")
_WS = re.compile(r"\s+")


@functools.cache
def _rules() -> dict:
    def validate(data):
        require(isinstance(data, dict), "expected a mapping")
        for key in ("page_furniture", "ellipsis_conjunctions", "character_replacements"):
            require(key in data, f"missing key {key!r}")
        for pattern in data["page_furniture"]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad page_furniture pattern {pattern!r}: {exc}")

    data = dict(load_yaml("cleaning.yaml", validate))
    data["furniture_re"] = [re.compile(p, re.IGNORECASE) for p in data["page_furniture"]]
    conj = "|".join(re.escape(c) for c in data["ellipsis_conjunctions"])
    # word-\nword: a line-end hyphen after a letter, the next line starting with a letter.
    data["hyphen_re"] = re.compile(r"(?<=[^\W\d_])[-\u2010\u00ad\ufffe\x02][ \t]*\n[ \t]*(?=([^\W\d_]+))")
    data["conj_re"] = re.compile(rf"^(?:{conj})$", re.IGNORECASE)
    data["translate"] = str.maketrans({k: v for k, v in data["character_replacements"].items()})
    return data


def clean_document(doc: Document) -> Document:
    rules = _rules()
    pages = [_normalize_chars(p.text, rules) for p in doc.pages]
    if pages:
        doc.first_page_as_read = pages[0]
    furniture: list[list[str]] = [[] for _ in pages]
    pages, removed_running = _drop_running_lines(pages, rules, furniture)
    pages = [_drop_furniture_lines(text, rules, removed) for text, removed in zip(pages, furniture)]
    pages, dropped_layer = _drop_duplicate_layer(pages, rules)
    pages = [_join_hyphenated(text, rules) for text in pages]
    pages = [_tidy(text) for text in pages]
    if removed_running:
        doc.notes.append(f"removed {removed_running} running header/footer lines")
    if dropped_layer:
        doc.notes.append(f"removed a duplicated text layer of {dropped_layer} lines")
    doc.pages = [Page(p.number, text, has_tables=p.has_tables, furniture=removed, source=p.source,
                      ocr_confidence=p.ocr_confidence)
                 for p, text, removed in zip(doc.pages, pages, furniture)]
    return doc


def _normalize_chars(text: str, rules: dict) -> str:
    text = text.translate(rules["translate"])
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _furniture_key(line: str) -> str:
    return _DIGITS.sub("#", _WS.sub(" ", line.strip().lower()))


def _drop_running_lines(pages: list[str], rules: dict, furniture: list[list[str]]) -> tuple[list[str], int]:
    """Lines at the top/bottom of many pages that repeat (numbers aside) are headers/footers."""
    if len(pages) < 3:
        return pages, 0
    window = int(rules.get("running_line_window", 3))
    counts: Counter[str] = Counter()
    for text in pages:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        edge = lines[:window] + lines[-window:]
        counts.update({_furniture_key(ln) for ln in edge})
    min_pages = max(3, int(len(pages) * float(rules.get("running_line_min_share", 0.4)) + 0.999))
    running = {key for key, n in counts.items() if n >= min_pages and len(key) > 1}
    if not running:
        return pages, 0
    removed = 0
    out = []
    for text, removed_here in zip(pages, furniture):
        lines = text.split("\n")
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(nonblank[:window] + nonblank[-window:])
        keep = []
        for i, ln in enumerate(lines):
            if i in edge and _furniture_key(ln) in running:
                removed += 1
                removed_here.append(ln.strip())
                continue
            keep.append(ln)
        out.append("\n".join(keep))
    return out, removed


def _drop_furniture_lines(text: str, rules: dict, removed: list[str]) -> str:
    keep = []
    for ln in text.split("\n"):
        if ln.strip() and any(r.match(ln.strip()) for r in rules["furniture_re"]):
            removed.append(ln.strip())
        else:
            keep.append(ln)
    return "\n".join(keep)


def _drop_duplicate_layer(pages: list[str], rules: dict) -> tuple[list[str], int]:
    """Drop tab-indented lines that repeat text already present elsewhere.

    Some PDF-to-text conversions emit the body twice: once as laid-out lines and once as
    one tab-indented line per paragraph. The second copy is recognised because most of its
    characters already occur, in the same order within each line, in the untabbed text.
    """
    all_lines = [ln for text in pages for ln in text.split("\n")]
    tabbed = [ln for ln in all_lines if _is_tabbed(ln) and ln.strip()]
    if len(tabbed) < int(rules.get("duplicate_layer_min_lines", 10)):
        return pages, 0
    other = "".join(_squash(ln) for ln in all_lines if not _is_tabbed(ln))
    duplicated = {ln for ln in tabbed if _squash(ln) and _squash(ln) in other}
    dup_chars = sum(len(ln.strip()) for ln in tabbed if ln in duplicated)
    total_chars = sum(len(ln.strip()) for ln in tabbed)
    if not total_chars or dup_chars / total_chars < float(rules.get("duplicate_layer_min_share", 0.6)):
        return pages, 0
    removed = 0
    out = []
    for text in pages:
        keep = []
        for ln in text.split("\n"):
            if _is_tabbed(ln) and ln in duplicated:
                removed += 1
                continue
            keep.append(ln)
        out.append("\n".join(keep))
    return out, removed


def _is_tabbed(line: str) -> bool:
    return line.lstrip(" ").startswith("\t")


def _squash(line: str) -> str:
    """Compare text without layout: no whitespace, hyphen breaks or bullets."""
    return re.sub(r"[\s\-\u2022\u00b7\u25cf\u2013]+", "", line).lower()


def _join_hyphenated(text: str, rules: dict) -> str:
    def join(match: re.Match) -> str:
        next_word = match.group(1)
        if rules["conj_re"].match(next_word):
            return "- "  # "drugs-\nen alcohol" is coordination ellipsis, not a broken word
        if next_word[0].isupper():
            return "-"  # "Noord-\nNederland": a real hyphen that happens to end the line
        return ""

    return rules["hyphen_re"].sub(join, text)


def _tidy(text: str) -> str:
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n")
