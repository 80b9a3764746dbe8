"""Interlace's science engine: from a crystal structure to its nets and their interpenetration.

The folders read as the pipeline, one stage each, imports running one way::

    reading/  ->  net/  ->  naming/  ->  entanglement/  ->  verdict  (pipeline.py runs them; report.py holds the result)

``models/`` builds the bundled SC models and is not on the analysis path. Nothing here imports a
user interface.
"""

from topology.errors import InputError
from topology.pipeline import analyze, analyze_file
from topology.reading.crystal import Crystal
from topology.report import Report

__all__ = ["Crystal", "InputError", "Report", "analyze", "analyze_file"]
