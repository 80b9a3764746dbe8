"""The field's words, each explained once, for every place they appear: the app's hover help, the
command line (``interlace explain TERM``) and the README. Plain data, no imports, so the CLI's help
stays light.

Sources: S. R. Batten & R. Robson, *Angew. Chem. Int. Ed.* 37, 1460 (1998) (interpenetration);
L. Carlucci, G. Ciani & D. M. Proserpio, *Coord. Chem. Rev.* 246, 247 (2003) (polycatenation,
polythreading); V. A. Blatov, L. Carlucci, G. Ciani & D. M. Proserpio, *CrystEngComm* 6, 377 (2004)
(Z, Zt, Zn, classes); M. O'Keeffe et al., *Acc. Chem. Res.* 41, 1782 (2008) (RCSR); K. Ma et al.,
*Nat. Commun.* (2025), doi:10.1038/s41467-025-60720-6 (the SC series' words).
"""

from __future__ import annotations

GLOSSARY: dict[str, str] = {
    "net": "The crystal reduced to its connections: each metal cluster (or branching linker) a node, each "
           "linker a link between two nodes.",
    "dimensionality": "How many independent directions a net extends in: 3D a framework, 2D a layer, 1D a chain, "
                      "0D a discrete unit.",
    "fold": "How many interpenetrating copies a net splits into, all alike and related by translations "
            "(a 2-fold pcu is two pcu nets); it does not depend on the cell chosen. The app's tables call it 'copies'.",
    "interpenetration": "Two or more nets share one space without a bond between them, yet cannot be pulled "
                        "apart without breaking one: their rings are linked (Batten & Robson 1998).",
    "non-interpenetrated": "One 3D net, one copy: nothing passes through its rings.",
    "3D-3D interpenetrated": "Two or more 3D net copies with rings linked between them.",
    "2D-3D interpenetrating": "The words of the SC series' paper (Ma et al. 2025) for 2D layers entangled with a 3D "
                              "framework. Between nets of different dimensionality Carlucci, Ciani & Proserpio call "
                              "each such pair polycatenation (linked rings) or polythreading (edges through rings), "
                              "as the report names each entangled pair.",
    "polycatenation": "Nets, usually layers or chains, whose rings are linked with each other's like the links of a "
                      "chain, the whole extending further than each net (Carlucci, Ciani & Proserpio 2003). "
                      "Parallel: the layers lie in one orientation; inclined: in several.",
    "polythreading": "Edges (or chains) of one net pass through the rings of another without any ring being linked "
                     "(Carlucci, Ciani & Proserpio 2003).",
    "Hopf link": "Two closed rings that pass through each other once, like two links of a chain: their Gauss linking "
                 "number is 1. Interlace counts them per primitive cell; the Why? view shows one.",
    "threaded ring": "A ring of one net with an edge of another net passing through it.",
    "Z": "The number of interpenetrating 3D net copies, Z = Zt x Zn (Blatov, Carlucci, Ciani & Proserpio 2004); "
         "the 'interpenetration degree' of the report.",
    "Zt": "How many of the Z copies are related by translations of the crystal (its own lattice and centrings).",
    "Zn": "How many groups of translation-related copies the crystal's other symmetry operations relate.",
    "class": "Interpenetration class (Blatov et al. 2004): I, copies related by translations only (Zn = 1); II, by "
             "other symmetry only (Zt = 1); III, both; a when all copies are symmetry-equivalent (Z = Zt x Zn), "
             "b when not. So Ia is a k-fold net; Ib two different (or unrelated) nets.",
    "RCSR symbol": "The three-letter name of a net in the Reticular Chemistry Structure Resource (pcu, dia, sql; "
                   "O'Keeffe et al. 2008).",
    "point symbol": "For each kind of node, the shortest rings through each pair of its links, written as "
                    "{4^12.6^3}: twelve 4-rings and three 6-rings.",
    "coordination sequence": "How many nodes lie 1, 2, 3 ... links away from a node (pcu: 6, 18, 38, 66 ...).",
    "TD10": "The topological density: one node plus the first ten terms of its coordination sequence.",
    "copy": "One of the k interpenetrating pieces of a k-fold net; the app draws each in its own colour.",
    "quotient graph": "One vertex per node of the unit cell, each edge labelled with the lattice translation it crosses.",
    "clustering": "How a crystal's building units become the vertices of its net, as CrystalNets.jl names the choices: SingleNodes (the default) makes each metal cluster and each branching organic unit one vertex; AllNodes splits an organic unit into its branch points (a linker with two branching rings is two vertices) and a rod into its points of extension. The report gives the nets under both.",
}
"""Term -> meaning, in words a student can read."""

ALIASES = {"2d-2d inclined polycatenation": "polycatenation", "2d-2d parallel polycatenation": "polycatenation",
           "1d-1d polycatenation": "polycatenation", "1d-2d polythreading": "polythreading",
           "1d-3d interpenetrating": "polythreading",
           "interpenetrated": "interpenetration", "interpenetrating": "interpenetration",
           "2d-2d interpenetrated": "interpenetration", "hopf": "Hopf link", "hopf links": "Hopf link",
           "interpenetration degree": "Z", "interpenetration class": "class", "ia": "class", "ib": "class",
           "iia": "class", "iib": "class", "iiia": "class", "iiib": "class", "copies": "fold", "n-fold": "fold",
           "rcsr": "RCSR symbol", "td10": "TD10", "threaded": "threaded ring", "dimension": "dimensionality"}
"""Other spellings (lower case) -> the term explained."""


def lookup(term: str) -> str | None:
    """The glossary's term for ``term`` (any case, an alias, a classification), or None."""
    wanted = " ".join(term.split()).lower()
    for known in GLOSSARY:
        if known.lower() == wanted:
            return known
    return ALIASES.get(wanted)


def explain(term: str) -> str | None:
    """"term: meaning", or None for a word the glossary does not have."""
    known = lookup(term)
    return f"{known}: {GLOSSARY[known]}" if known else None
