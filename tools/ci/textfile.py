"""Replacing a text file atomically: the one write of images.py and release_pin.py.

Standard library only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def replace_lines(path: Path, lines: list[str]) -> None:
    """Replace `path` with `lines` (each with its own line ending) atomically, keeping its mode."""
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write("".join(lines))
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
