"""Interlace's science engine: from a crystal structure to its nets and their interpenetration.

The folders read as the pipeline, one stage each, imports running one way::

    reading/  ->  net/  ->  naming/  ->  entanglement/  ->  verdict  (pipeline.py runs them; report.py holds the result)

``models/`` builds the bundled SC models and is not on the analysis path; ``batch`` runs the pipeline
over many files. Nothing here imports a user interface: the notebook methods of :class:`Report`
(``view``, ``why``, ``figure``, its HTML) hand the drawing to ``viewer.notebook``, imported when called.

>>> import topology
>>> topology.analyze("assets/structures/SC-1.cif").topologies
'pcu + sql + sql'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from topology.errors import InputError

__version__ = "0.1.0"

if TYPE_CHECKING:
    from topology.api import analyze, survey
    from topology.pipeline import analyze_file
    from topology.reading.crystal import Crystal
    from topology.report import Report

_PUBLIC = {"analyze": "topology.api", "survey": "topology.api", "analyze_file": "topology.pipeline",
           "Crystal": "topology.reading.crystal", "Report": "topology.report"}

__all__ = ["Crystal", "InputError", "Report", "__version__", "analyze", "analyze_file", "survey"]


def __getattr__(name: str) -> Any:
    """The public names, imported when first used, so that ``import topology`` (and ``interlace --help``)
    does not load networkx and scipy."""
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'topology' has no attribute {name!r}")
