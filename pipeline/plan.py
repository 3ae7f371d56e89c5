"""Decide what a run has to do before Prefect starts: new, changed, unchanged, removed.

Cheap on purpose: a nightly run with nothing to do reads the manifest, hashes the
files whose size or mtime moved, and exits without starting Prefect.
"""
from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from extractors.reader import SUPPORTED

log = logging.getLogger(__name__)

IGNORE_FILE = ".ivpignore"
#: names that describe a folder rather than being one of its documents.
SIDECAR_NAMES = ("readme*", "sources*", "license*", "changelog*", IGNORE_FILE)


@dataclass
class InputFile:
    source_path: str  # absolute, the manifest key
    sha256: str
    size_bytes: int
    mtime_ns: int

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]


@dataclass
class Plan:
    to_extract: list[InputFile] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # path -> path with the same bytes
    skipped: list[str] = field(default_factory=list)  # files in folders ivp does not read

    @property
    def files(self) -> dict[str, dict]:
        return {f.source_path: {"sha256": f.sha256, "size_bytes": f.size_bytes, "mtime_ns": f.mtime_ns}
                for f in self.to_extract}

    @property
    def has_work(self) -> bool:
        return bool(self.to_extract or self.removed)


def _ignored(path: Path, root: Path, patterns: list[str]) -> bool:
    rel = path.relative_to(root).as_posix()
    name = path.name.lower()
    if name.startswith(".") or any(fnmatch.fnmatch(name, p) for p in SIDECAR_NAMES):
        return True
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path.name, p) for p in patterns)


def discover(inputs: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Files to read, and files skipped in folders (unsupported types, sidecars, .ivpignore).

    A file named on the command line is always taken, whatever its type: it then
    yields a `failed` row that says why, instead of vanishing silently.
    """
    found: list[Path] = []
    skipped: list[str] = []
    for item in inputs:
        path = Path(item).expanduser()
        if path.is_dir():
            patterns = []
            ignore = path / IGNORE_FILE
            if ignore.exists():
                patterns = [ln.strip() for ln in ignore.read_text(encoding="utf-8").splitlines()
                            if ln.strip() and not ln.startswith("#")]
            for child in sorted(path.rglob("*")):
                if not child.is_file() or any(part.startswith(".") for part in child.relative_to(path).parts[:-1]):
                    continue
                if _ignored(child, path, patterns) or child.suffix.lower() not in SUPPORTED:
                    skipped.append(str(child))
                    continue
                found.append(child.resolve())
        elif path.exists() or path.is_symlink():
            found.append(path.resolve())
        else:
            raise FileNotFoundError(f"input {item} does not exist; give files or folders of documents")
    unique = list(dict.fromkeys(found))
    return unique, skipped


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _ocr_available() -> bool:
    """A scan recorded as needs_ocr for want of Tesseract is read again once OCR is installed."""
    from extractors.ocr import availability

    return availability()[0]


def make_plan(inputs: Iterable[str | Path], manifest: dict[str, dict], version: str,
              full: bool = False, scope_removed: bool = True, include_flagged: bool = False,
              on_first_work: Optional[Callable[[], None]] = None) -> Plan:
    """`include_flagged`: files flagged as removed by an earlier run count as removed again
    (a run with --prune drops their rows too). `on_first_work` is called once, as soon as one
    file is found to need extraction (the run starts Prefect then, while planning goes on)."""
    paths, skipped = discover(inputs)
    plan = Plan(skipped=skipped)
    seen_sha: dict[str, str] = {}
    for path in paths:
        key = str(path)
        try:
            stat = path.stat()
        except OSError:
            stat = None
        previous = manifest.get(key)
        size = stat.st_size if stat else -1
        mtime = stat.st_mtime_ns if stat else -1
        if (previous and not full and previous.get("size_bytes") == size and previous.get("mtime_ns") == mtime
                and previous.get("sha256")):
            sha = previous["sha256"]  # same size and mtime: trust the recorded hash, skip the read
        else:
            try:
                sha = sha256_of(path)
            except OSError:
                sha = hashlib.sha256(key.encode()).hexdigest()  # the reader will report the error
        item = InputFile(key, sha, size, mtime)
        if sha in seen_sha and size > 0:
            plan.duplicates[key] = seen_sha[sha]
            continue
        seen_sha[sha] = key
        if previous is None or previous.get("removed"):
            plan.new.append(key)
        elif full or previous["sha256"] != sha:
            plan.changed.append(key)
        elif previous["extractor_version"] != version:
            plan.changed.append(key)
        elif previous.get("retryable") and (previous["status"] == "failed"
                                            or previous["status"] == "needs_ocr" and _ocr_available()):
            plan.retried.append(key)
        else:
            plan.unchanged.append(key)
            continue
        if on_first_work is not None and not plan.to_extract:
            on_first_work()
        plan.to_extract.append(item)
    if scope_removed:
        present = {str(p) for p in paths}
        roots = [Path(i).expanduser().resolve() for i in inputs]
        for key, previous in manifest.items():
            if key in present or (previous.get("removed") and not include_flagged):
                continue
            # Only files under this run's inputs count as removed; other folders in the same
            # output are someone else's scope.
            if any(key == str(r) or key.startswith(str(r) + os.sep) for r in roots):
                plan.removed.append(key)
    return plan
