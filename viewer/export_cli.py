"""Export commands of the ``interlace`` CLI (``render``, ``animate``), registered by :func:`add_commands`."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the export subcommands."""
