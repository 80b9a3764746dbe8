"""Colours and sizes shared by the 3D view and the exported figures, so both look the same.

Element colours follow how the paper draws the series (Figs. 1-3 of doi:10.1038/s41467-025-60720-6):
O red, F green, C gray, N blue; partially occupied TCNB as larger, transparent atoms. Net colours are
colour-blind safe (:mod:`viewer.palette`), keeping the paper's blue 3D framework and orange 2D layer;
where the paper draws TFA red and partial TCNB gold, both of which a colour-blind reader sees as the
layer's orange, TFA is dark grey and partial linkers indigo. The occupancy scale runs in lightness
(dark indigo, teal, sand), which no colour vision loses.
"""

from __future__ import annotations

import itertools

from viewer import palette

ELEMENT_COLORS: dict[str, str] = {
    "H": "#F2F2F2", "C": "#8C8C8C", "N": "#2F5BEA", "O": "#E0301E", "F": "#46B83D", "S": "#E8C31C",
    "Cl": "#1FB86B", "Ag": "#B8BCC6", "Cu": "#C8803A", "Zn": "#7D80B0", "Zr": "#3FA7B5", "Cd": "#FFD98F",
    "Co": "#F090A0", "Fe": "#E06633", "Cr": "#8A99C7", "Al": "#BFA6A6", "Mg": "#8AFF00", "P": "#FF8000",
    "Br": "#A62929", "I": "#940094", "Si": "#F0C8A0", "B": "#FFB5B5",
}
DEFAULT_ELEMENT_COLOR = "#FF1493"

TFA_COLOR = "#333333"
PARTIAL_LINKER_COLOR = palette.PARTIAL  # the paper's not-fully-occupied TCNB, larger; no net is indigo
UNASSIGNED_COLOR = "#BDBDBD"

MIN_OPACITY = 0.25
"""The faintest a site is drawn, however small its occupancy, so it stays visible."""

PARTIAL_SCALE = 1.35
"""How much larger partially occupied linker atoms are drawn, as in the paper's figures."""


def element_color(symbol: str) -> str:
    return ELEMENT_COLORS.get(symbol, DEFAULT_ELEMENT_COLOR)


def occupancy_opacity(occupancy: float) -> float:
    """Opacity of a site: 1 when fully occupied, else its occupancy (never below MIN_OPACITY)."""
    return 1.0 if occupancy >= 0.999 else max(MIN_OPACITY, float(occupancy))


def occupancy_color(occupancy: float) -> str:
    """Colour-by-occupancy scale: full sites dark indigo, half-occupied teal, faint sites sand."""
    stops = [(0.0, (221, 204, 119)), (0.5, (68, 170, 153)), (1.0, (51, 34, 136))]
    occ = min(max(float(occupancy), 0.0), 1.0)
    for (x0, c0), (x1, c1) in itertools.pairwise(stops):
        if occ <= x1:
            t = (occ - x0) / (x1 - x0)
            rgb = [round(a + (b - a) * t) for a, b in zip(c0, c1)]
            return "#{:02X}{:02X}{:02X}".format(*tuple(rgb))
    return "#332288"
