"""Interlace's science engine: from a crystal structure to its nets and their interpenetration.

The pipeline reads in one direction, one module a stage::

    io / cgd  ->  bonds  ->  units  ->  net  ->  periodic  ->  classify

Nothing here imports a user interface.
"""

from topology.classify import Report, analyze, analyze_file
from topology.crystal import Crystal
from topology.errors import InputError

__all__ = ["Crystal", "InputError", "Report", "analyze", "analyze_file"]
