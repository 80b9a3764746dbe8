"""The nets of a structure in sentences a lecturer can read out ("2 interpenetrating pcu nets"),
shared by the app's headline and Teach view, figure captions and the movie. No Streamlit here, so
the command line can use them."""

from __future__ import annotations

import itertools
from collections import Counter

from topology.report import NetSummary, Report
from viewer import palette

WHAT = {3: "net", 2: "layer", 1: "chain"}
KIND = {3: "3D framework", 2: "2D layer", 1: "1D chain", 0: "discrete unit"}
NOT_ENTANGLED = {"non-interpenetrated", "2D layers", "1D chains", "0D discrete", "2D layers and 1D chains"}
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def connected(net: NetSummary) -> str:
    """"6-connected", or "3,4-connected" for a net with several kinds of node."""
    return ",".join(map(str, sorted(net.node_degrees))) + "-connected"


def entangled_word(classification: str) -> str:
    """The adjective the headline uses, the same word as the badge's: "polycatenated" under a
    polycatenation, "polythreaded" under a polythreading, else "interpenetrating"."""
    if "polycatenation" in classification:
        return "polycatenated"
    return "polythreaded" if "polythreading" in classification else "interpenetrating"


def _group(nets: list[NetSummary], count: int, entangled: str) -> str:
    """``count`` copies of nets alike (same name, dimensionality and node degrees) in words; ``entangled``
    is the adjective for them when they are entangled with each other, else empty."""
    net = nets[0]
    noun = WHAT[net.dimensionality] + ("s" if count > 1 else "")
    adjective = f"{entangled} " if entangled and count > 1 else ""
    number = str(count) if count > 1 else "one"
    if net.topology:
        return f"{number} {adjective}{net.topology} {noun}"
    return f"{number} {adjective}{net.dimensionality}D {noun} ({connected(net)})"


def nets_sentence(report: Report) -> str:
    """The nets of a structure in words a lecturer can read out: "2 interpenetrating pcu nets" (SC-2,
    and JXUST-1's two copies of one net), "one pcu net and one sql layer, interpenetrating" (SC-1),
    "one pcu net, not interpenetrated" (SC-3); without names, "2 interpenetrating 3D nets
    (6-connected)". The stacks of one layer that share a colour (:func:`viewer.palette.stacks`, SC-1's
    two a cell) count as one net."""
    first = palette.stacks(report)
    periodic = [n for n in report.nets if n.dimensionality > 0 and first[n.id] == n.id]
    if not periodic:
        return "discrete units only: no net extends through the crystal"
    entangled = report.classification not in NOT_ENTANGLED
    groups: Counter = Counter()
    members: dict[tuple, list[NetSummary]] = {}
    for n in periodic:
        key = (n.dimensionality, n.topology or n.topology_key or "", n.node_degrees)
        groups[key] += n.fold
        members.setdefault(key, []).append(n)
    word = entangled_word(report.classification) if entangled else ""
    parts = [_group(members[key], count, word if len(groups) == 1 else "") for key, count in groups.items()]
    text = " and ".join(parts)
    if entangled and len(groups) > 1:
        return f"{text}, {word}"
    if not entangled and report.classification == "non-interpenetrated":
        return f"{text}, not interpenetrated"
    if not entangled and sum(groups.values()) > 1:
        return f"{text}, not entangled"
    return text


def copies_sentence(net: NetSummary) -> str:
    """For a k-fold net: what the k colours are."""
    return (f"Net {net.id} is {NUMBERS.get(net.fold, str(net.fold))} copies of one "
            f"{net.topology or KIND[net.dimensionality]}, related by a translation; each copy has its own colour.")


def teach_sentence(report: Report, hidden: tuple[int, ...] = ()) -> str:
    """One sentence for the Teach view, naming the nets shown (not the ``hidden`` ones) by their colours;
    the stacks of one layer that share a colour (:func:`viewer.palette.stacks`) are named once, plural."""
    colors = palette.net_colors(report)
    stack = palette.stacks(report)
    members: dict[int, list[int]] = {}
    for n in report.nets:
        if n.dimensionality > 0 and n.id not in hidden:
            members.setdefault(stack[n.id], []).append(n.id)
    shown = [(report.nets[ids[0]], colors[ids[0]]) for ids in members.values()]
    many = {report.nets[ids[0]].id: len(ids) > 1 for ids in members.values()}

    def called(net: NetSummary) -> str:
        return noun(net) + ("s" if many.get(net.id) else "")

    hidden_names = list(dict.fromkeys(f"the {noun(n)}" + ("s" if sum(stack[m.id] == stack[n.id] and m.id in hidden
                                                                      for m in report.nets) > 1 else "")
                                      for n in report.nets if n.id in hidden and n.dimensionality > 0))
    if hidden and len(shown) == 1:  # "show only this net": say what is hidden, not what is not drawn
        net, copies = shown[0]
        alone = f"The {palette.color_name(copies[0])} {called(net)} ({connected(net)})" if net.fold == 1 else \
            f"The {NUMBERS.get(net.fold, str(net.fold))} copies of one {noun(net)}"
        are = "is" if len(hidden_names) == 1 and not hidden_names[0].endswith("s") else "are"
        if report.classification in NOT_ENTANGLED:
            return f"{alone}, shown alone; {' and '.join(hidden_names)} {are} hidden."
        it = "it is" if net.fold == 1 and not many[net.id] else "they are"
        return (f"{alone}, shown alone: {' and '.join(hidden_names)} {it} entangled with "
                f"{are} hidden (bring {'it' if are == 'is' else 'them'} back under Nets shown).")
    entangled = report.classification not in NOT_ENTANGLED

    def name(net: NetSummary, color: str) -> str:
        return f"the {palette.color_name(color)} {called(net)} ({connected(net)})"

    if not shown:
        return "This structure has no net that extends through the crystal: only discrete units."
    if len(shown) == 1 and shown[0][0].fold == 1:
        net, (color,) = shown[0]
        if many[net.id]:
            return f"The {palette.color_name(color)} {called(net)}: they are not entangled."
        alone = "nothing passes through its rings" if net.dimensionality == 3 else "it is not entangled"
        return f"One {palette.color_name(color)} {noun(net)}: {alone}."
    if len(shown) == 1:
        net, copies = shown[0]
        names = ", ".join(palette.color_name(c) for c in copies[:-1]) + f" and {palette.color_name(copies[-1])}"
        if net.fold > palette.MAX_DISTINCT:  # one graded scale: named by its ends, not colour by colour
            how = "pass through each other's rings" if entangled else "lie side by side"
            return (f"Copies 1-{net.fold} of one {noun(net)}, shaded from dark blue (copy 1) to yellow "
                    f"(copy {net.fold}): they {how} without sharing a single bond.")
        how = "pass through each other's rings" if entangled else "lie side by side"
        return (f"The {names} nets are {NUMBERS.get(net.fold, str(net.fold))} copies of one {noun(net)}: "
                f"they {how} without sharing a single bond.")
    first, rest = shown[0], shown[1:]
    names = [name(n, c[0]) for n, c in shown]
    together = ", ".join(names[:-1]) + f" and {names[-1]}"
    tangled = {frozenset(e.between) for e in report.entanglement if e.kind != "none"}
    ids = [n.id for n, _ in shown]
    among = {frozenset((a, b)) for a, b in itertools.combinations(ids, 2)
             if any(frozenset((x, y)) in tangled for x in members[stack[a]] for y in members[stack[b]])}
    if entangled and hidden and not among:  # the nets shown are entangled only with hidden ones
        return (f"{together[0].upper()}{together[1:]}, shown without {' and '.join(hidden_names)} they are entangled "
                f"with (bring {'it' if len(hidden_names) == 1 else 'them'} back under Nets shown).")
    if not entangled:
        return f"{together[0].upper()}{together[1:]} lie side by side without entangling."
    lower = [n for n, _ in rest if n.dimensionality < first[0].dimensionality]
    if len(lower) == len(rest) and (len(rest) == 1 or among == {frozenset((ids[0], i)) for i in ids[1:]}):
        threaded = ", ".join(names[1:-1]) + " and " + names[-1] if len(rest) > 1 else names[1]
        one = len(rest) == 1 and not many[rest[0][0].id]
        sentence = f"{threaded[0].upper()}{threaded[1:]} {'is' if one else 'are'} threaded by {names[0]}"
    else:
        sentence = f"{together[0].upper()}{together[1:]} pass through each other's rings"
    return f"{sentence}: they share no bond, yet cannot be pulled apart without breaking one."


def noun(net: NetSummary) -> str:
    """"pcu framework", "sql layer", or "3D framework" for an unnamed net."""
    noun = {3: "framework", 2: "layer", 1: "chain"}.get(net.dimensionality, "unit")
    return f"{net.topology} {noun}" if net.topology else f"{net.dimensionality}D {noun}"
