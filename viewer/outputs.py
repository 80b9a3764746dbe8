"""Where the CLI writes: every output path is checked before any work starts, so a survey of hours
never ends on a folder given for a file, a missing folder, a link to nothing, a device or a pipe
(which would block a resume or a figure forever)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from topology.errors import InputError


def check_output(path: Path, option: str) -> None:
    """Refuse, in one line naming ``path``, an output that cannot be written as a regular file.
    ``os.devnull`` is allowed: writing to it is the usual way to throw output away."""
    if not str(path):
        raise InputError(option, "an empty file name")
    if path.is_symlink() and not path.exists():
        raise InputError(str(path), f"{option}: a link to nothing ({os.readlink(path)})")
    if path.exists():
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(str(path), f"{option}: is a folder; give a file name in it")
        if not stat.S_ISREG(mode) and not _devnull(path):
            raise InputError(str(path), f"{option}: not a regular file (a device, pipe or socket); give a file name")
        if not os.access(path, os.W_OK):
            raise InputError(str(path), f"{option}: the file cannot be written")
        return
    folder = path.absolute().parent
    if not folder.is_dir():
        raise InputError(str(path), f"{option}: the folder to write in does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(str(path), f"{option}: the folder to write in cannot be written")


def _devnull(path: Path) -> bool:
    try:
        return path.samefile(os.devnull)
    except OSError:
        return False
