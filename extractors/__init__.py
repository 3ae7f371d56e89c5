"""Pure extraction: file -> Document -> records. No Prefect, no output I/O."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__version__ = "0.1.0"


@functools.cache
def extractor_version() -> str:
    """Changes whenever code or vocabulary that shapes the output changes.

    Incremental runs compare it with the manifest to know what to re-extract.
    """
    from extractors import vocab

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:8]}.{vocab.fingerprint()[:8]}"
