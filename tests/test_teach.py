"""The Teach view's scene and words: the nets interwoven around one centre, the sentence about the
nets shown."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from topology import analyze_file
from viewer.scene import Options, build_scene
from viewer.sentences import teach_sentence

ROOT = Path(__file__).resolve().parent.parent
TEACH = Options(style="ball-and-stick", color_by="net", atoms=False, net=True, cell=False, teach=True,
                supercell=(3, 3, 3))


@pytest.mark.parametrize("name", ["SC-1", "SC-2-0.8"])
def test_teach_blocks_of_the_two_nets_share_one_centre(name: str) -> None:
    report = analyze_file(ROOT / "assets" / "structures" / f"{name}.cif")
    scene = build_scene(report, TEACH)
    by_color: dict[str, list] = {}
    for node in scene.net_nodes:
        by_color.setdefault(node["color"], []).append(node["xyz"])
    assert len(by_color) == 2 and all(len(p) >= 27 for p in by_color.values())  # SC-1's two stacks of layers share one
    centres = [np.mean(p, axis=0) for p in by_color.values()]
    to_frac = np.linalg.inv(np.array(report.net.cell.orth.mat.tolist()))
    # interwoven, not half a cell apart (a quarter of b is where the layers sit between the pcu's nodes)
    assert all(np.abs(to_frac @ (c - centres[0])).max() <= 0.26 for c in centres)
    edges = {tuple(np.round(e["start"], 3)) for e in scene.net_edges} | {tuple(np.round(e["end"], 3)) for e in scene.net_edges}
    nodes = {tuple(np.round(n["xyz"], 3)) for n in scene.net_nodes}
    assert edges <= nodes  # no edge hanging out of the block


def test_teach_sentence_follows_the_nets_shown() -> None:
    report = analyze_file(ROOT / "assets" / "structures" / "SC-1.cif")
    pcu = next(n.id for n in report.nets if n.topology == "pcu")
    sql = tuple(n.id for n in report.nets if n.topology == "sql")  # two layers a cell, screw images of each other
    assert teach_sentence(report).startswith("The orange sql layers (4-connected) are threaded by the blue pcu framework")
    alone = teach_sentence(report, hidden=(pcu,))
    assert "threaded" not in alone and "sql layers" in alone and "pcu framework they are entangled with is hidden" in alone
    assert teach_sentence(report, hidden=sql).startswith("The blue pcu framework (6-connected), shown alone")


def test_headline_badge_and_cli_use_one_word_and_every_term_is_explained() -> None:
    import subprocess
    import sys

    from topology.glossary import GLOSSARY, explain
    from topology.verdict import CLASSIFICATIONS
    from viewer.sentences import nets_sentence

    cod = analyze_file(ROOT / "tests" / "data" / "real" / "cod7051132_Co-bpe2-NCS2_MeOH.cif")
    assert cod.classification == "2D-2D inclined polycatenation"
    assert nets_sentence(cod) == "2 polycatenated sql layers"  # the badge's word, not "interpenetrating"
    entangled = [c for c in CLASSIFICATIONS if "beside" not in c and "side by side" not in c
                 and c not in ("2D layers", "1D chains", "0D discrete", "2D layers and 1D chains")]
    assert all(explain(c) for c in entangled)
    for term in ("fold", "Z", "Zt", "Zn", "Ia", "IIa", "polycatenation", "polythreading", "Hopf link"):
        assert explain(term)
    run = [sys.executable, "-m", "viewer.cli"]
    table = subprocess.run([*run, "analyze", str(ROOT / "assets" / "structures" / "SC-1.cif")], capture_output=True,
                           text=True, cwd=ROOT, timeout=120, check=False).stdout
    assert "words: 2D-3D interpenetrating, fold, polycatenation, Hopf link (interlace explain TERM)" in table
    said = subprocess.run([*run, "explain", "2D-3D interpenetrating"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, check=False)
    assert said.returncode == 0 and "polycatenation" in said.stdout  # how the two words relate
    unknown = subprocess.run([*run, "explain", "foo"], capture_output=True, text=True, cwd=ROOT, timeout=60,
                             check=False)
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1
    every = subprocess.run([*run, "explain"], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False).stdout
    assert len(every.strip().splitlines()) == len(GLOSSARY)


def test_the_readme_carries_the_glossary_word_for_word() -> None:
    from topology.glossary import GLOSSARY

    readme = (ROOT / "README.md").read_text()
    for term, meaning in GLOSSARY.items():
        assert f"- **{term}**: {meaning}" in readme


def test_a_tenfold_net_is_taught_as_its_simplified_net_on_a_graded_scale() -> None:
    from viewer import palette
    from viewer.scene import legend

    report = analyze_file(ROOT / "tests" / "data" / "real" / "curatedcofs_18134N3_LZU-79_CSD1846140.cif")
    (net,) = [n for n in report.nets if n.dimensionality == 3]
    assert net.fold == 10
    sentence = teach_sentence(report)
    assert "Copies 1-10 of one dia framework" in sentence and "blue, orange" not in sentence
    options = Options(style="ball-and-stick", color_by="net", atoms=False, net=True, cell=False, teach=True,
                      supercell=(2, 2, 2))
    scene = build_scene(report, options)
    colors = palette.net_colors(report)[net.id]
    assert len(set(colors)) == 10 and {n["color"] for n in scene.net_nodes} == set(colors)
    assert len(scene.net_nodes) <= 3 ** 3 * 2  # the dia nodes only (2 a cell), not every bend of the linkers
    assert next(text for _, text in legend(report, options)).endswith("copies 1-10 shaded from dark blue to yellow)")
