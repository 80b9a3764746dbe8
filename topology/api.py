"""The Python entry points: :func:`analyze` whatever the structure is held in, :func:`survey` over folders.

Both take the options of ``interlace analyze`` under the same names, so a notebook, the CLI and the
app give the same report for the same structure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from topology import pipeline
from topology.errors import InputError
from topology.reading.crystal import Crystal
from topology.reading.objects import KINDS, to_crystal
from topology.report import Report

if TYPE_CHECKING:
    import pandas


def analyze(structure: Any, min_occupancy: float = 0.0, disorder: str = "major", names: bool = True,
            name: str | None = None, clustering: str = "SingleNodes") -> Report:
    """The report of one structure: its nets, their names, folds and entanglement.

    ``structure`` is a path to a CIF or Systre ``.cgd`` file, a ``(name, bytes)`` pair (an upload), a
    ``gemmi.SmallStructure``, a pymatgen ``Structure``, an ``ase.Atoms`` or a :class:`Crystal`.
    ``min_occupancy`` leaves out sites below it before bonding; ``disorder`` is ``"major"`` (the most
    occupied part of each disorder assembly) or ``"all"``; ``names=False`` skips naming the nets;
    ``name`` stands for the file name in the report and in messages; ``clustering`` is
    ``"SingleNodes"`` (every SBU one vertex) or ``"AllNodes"`` (each branch point of an organic SBU a
    vertex), as CrystalNets.jl names them.

    >>> report = analyze("assets/structures/SC-3.cif")
    >>> report.classification, report.topologies
    ('non-interpenetrated', 'pcu')
    """
    if not 0.0 <= min_occupancy <= 1.0:
        raise InputError(name or "min_occupancy", f"min_occupancy must be between 0 and 1, not {min_occupancy!r}")
    if isinstance(structure, (str, os.PathLike)):
        return pipeline.analyze_file(structure, min_occupancy, names, disorder, clustering)
    if isinstance(structure, tuple):
        if len(structure) != 2 or not isinstance(structure[0], str) or not isinstance(structure[1], (bytes, bytearray)):
            raise InputError(name or "structure", f"a tuple must be (name, bytes); give {KINDS}")
        return pipeline.analyze_bytes(structure[0], bytes(structure[1]), min_occupancy, names, disorder, clustering)
    crystal = structure if isinstance(structure, Crystal) else to_crystal(structure, name)
    return pipeline.analyze(crystal, min_occupancy, names, disorder, clustering)


def survey(paths: str | os.PathLike | Iterable[str | os.PathLike], jobs: int | None = None,
           scheduler: str | None = None, min_occupancy: float = 0.0, disorder: str = "major", timeout: float = 0,
           output: str | os.PathLike | None = None, clustering: str = "SingleNodes") -> pandas.DataFrame:
    """Every structure file under ``paths`` (files, folders searched recursively, globs) analysed by the
    engine of ``interlace analyze -o``: in ``jobs`` worker processes (default: all cores) or on the
    Dask cluster at ``scheduler``.

    Returns the summary table, one row per file in the order the files were found (path, source,
    classification, Z, dimensionalities, folds, topologies, seconds, error), with the whole JSON
    record of each file in the column ``record``. ``output`` also writes the records as JSON Lines.
    """
    import pandas as pd

    from topology import batch

    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files = [str(p) for p in batch.discover(str(p) for p in given)]
    options = {"min_occupancy": min_occupancy, "disorder": disorder, "clustering": clustering, "timeout": timeout}
    results = batch.run_dask(files, options, scheduler) if scheduler else \
        batch.run_local(files, options, jobs or batch.default_jobs())
    rows = {}
    out = open(output, "w", encoding="utf-8") if output else None  # noqa: SIM115
    try:
        for record, seconds in results:
            if out:
                out.write(json.dumps(record) + "\n")
            rows[record["path"]] = {**batch.summary_row(record, seconds), "record": record}
    finally:
        if out:
            out.close()
    table = pd.DataFrame([rows[f] for f in files if f in rows], columns=[*batch.SUMMARY_FIELDS, "record"])
    table["Z"] = pd.to_numeric(table["Z"], errors="coerce").astype("Int64")  # no Z for a file that failed
    return table
