"""Where the bundled SC models are: the repository's ``assets/structures`` when run from a checkout,
else the copy an installed wheel puts under ``<prefix>/share/interlace/structures``."""

from __future__ import annotations

import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent / "assets" / "structures"
INSTALLED = Path(sys.prefix) / "share" / "interlace" / "structures"
STRUCTURES = REPOSITORY if REPOSITORY.is_dir() else INSTALLED


def command_path(filename: str) -> str:
    """A bundled model as a command typed at the repository's root names it (its full path when
    installed from a wheel)."""
    if STRUCTURES == REPOSITORY:
        return f"assets/structures/{filename}"
    return str(STRUCTURES / filename)
