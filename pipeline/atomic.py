"""Writing a file so that no reader ever sees half of it: write a temporary file beside it, then
move it into place. The comparison's tables, report.html and ivp.xlsx are all written this way."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def publish(tmp: str, target: Path) -> None:
    """Move a finished temporary file into place, readable like any file the user creates (mkstemp makes 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, target)


@contextmanager
def replacing(target: Path) -> Iterator[str]:
    """A temporary path beside `target` to write to; when the block ends without an error it
    replaces `target`, and otherwise it is removed and `target` stays as it was."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        publish(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
