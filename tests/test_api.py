"""The Python API: every kind of structure a notebook user holds gives the report of the file, and
the report shows itself in a notebook (table, 3D view, linked rings, figure); surveys as a DataFrame."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import gemmi
import numpy as np
import pytest

import topology
from topology import InputError
from viewer.scene import Options, build_scene

ROOT = Path(__file__).resolve().parent.parent
STRUCTURES = ROOT / "assets" / "structures"
CRYSTALNETS = ROOT / "tests" / "data" / "crystalnets"

CASES = [  # an ordered MOF, a 2-fold net, partial occupancy with and without the half-occupied pillars
    (CRYSTALNETS / "HKUST-1.cif", 0.0),
    (CRYSTALNETS / "JXUST-1.cif", 0.0),
    (STRUCTURES / "SC-2-0.5.cif", 0.0),
    (STRUCTURES / "SC-2-0.5.cif", 0.6),
]


def _pymatgen(path: Path):
    from pymatgen.core import Structure

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Structure.from_file(path)


def _ase(path: Path):
    import ase.io

    return ase.io.read(path)


READERS = {"path": str, "Path": Path, "bytes": lambda p: (p.name, p.read_bytes()), "gemmi": lambda p:
           gemmi.read_small_structure(str(p)), "pymatgen": _pymatgen, "ase": _ase}


def _answer(report: topology.Report) -> tuple:
    return (report.classification, report.topologies, report.interpenetration_degree, report.n_atoms,
            [(n.dimensionality, n.fold, n.topology, n.point_symbol) for n in report.nets if n.dimensionality > 0])


@pytest.mark.parametrize(("path", "min_occupancy"), CASES, ids=lambda c: c.name if isinstance(c, Path) else str(c))
@pytest.mark.parametrize("kind", READERS)
def test_every_input_kind_gives_the_files_answer(path, min_occupancy, kind):
    expected = topology.analyze_file(path, min_occupancy)
    got = topology.analyze(READERS[kind](path), min_occupancy=min_occupancy)
    assert _answer(got) == _answer(expected)


def test_answers_are_the_papers_nets():
    """The cases above are not trivially equal: each has its own answer."""
    answers = {(p.name, t): topology.analyze(p, min_occupancy=t) for p, t in CASES}
    assert answers["HKUST-1.cif", 0.0].topologies == "tbo"
    assert answers["JXUST-1.cif", 0.0].topologies == "2-fold pcu"
    assert answers["SC-2-0.5.cif", 0.0].classification == "3D-3D interpenetrated"
    assert answers["SC-2-0.5.cif", 0.6].classification == "2D layers"


@pytest.mark.parametrize("kind", ["pymatgen", "ase", "gemmi"])
def test_occupancies_and_labels_are_carried_over(kind):
    path = STRUCTURES / "SC-2-0.5.cif"
    expected = topology.analyze_file(path).crystal
    got = topology.analyze(READERS[kind](path)).crystal
    assert sorted(got.occupancy.round(3)) == sorted(expected.occupancy.round(3))
    assert (got.occupancy < 1).sum() == (expected.occupancy < 1).sum() > 0  # the half-occupied pillars, the acids
    if kind != "ase":  # ASE keeps no labels
        assert sorted(got.labels) == sorted(expected.labels)


def test_a_mixed_site_gives_one_atom_per_element():
    from pymatgen.core import Lattice, Structure

    s = Structure(Lattice.cubic(10.0), [{"Zn": 0.5, "Co": 0.5}, "O"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    crystal = topology.analyze(s, name="mixed").crystal
    assert sorted(zip(crystal.elements, crystal.occupancy)) == [("Co", 0.5), ("O", 1.0), ("Zn", 0.5)]
    assert any("keeps no disorder groups" in n for n in topology.analyze(s, name="mixed").notes)


def test_wrong_inputs_are_input_errors_naming_what_was_given():
    import ase

    with pytest.raises(InputError, match="cannot analyse a builtins.dict"):
        topology.analyze({"cell": 1})
    with pytest.raises(InputError, match=r"^water: the Atoms object is not periodic"):
        topology.analyze(ase.Atoms("H2O", positions=np.eye(3)), name="water")
    with pytest.raises(InputError, match=r"\(name, bytes\)"):
        topology.analyze(("a.cif",))
    with pytest.raises(InputError, match=r"^missing.cif: cannot open"):
        topology.analyze("missing.cif")
    with pytest.raises(InputError, match="min_occupancy"):
        topology.analyze(STRUCTURES / "SC-1.cif", min_occupancy=2)


def test_importing_and_analysing_loads_no_drawing_library():
    code = ("import sys, topology; r = topology.analyze('assets/structures/SC-3.cif'); r.to_dict(); "
            "print(sorted(m for m in ('viewer', 'streamlit', 'matplotlib', 'py3Dmol', 'pymatgen', 'ase', 'dask') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_html_names_the_nets_and_escapes_file_text():
    report = topology.analyze(("<img src=x onerror=alert(1)>.cif", (STRUCTURES / "SC-1.cif").read_bytes()))
    page = report._repr_html_()
    assert "<td>pcu</td>" in page and "<td>sql</td>" in page and "2D-3D interpenetrating" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;.cif" in page
    assert "polycatenation" in page
    bundled = topology.analyze(STRUCTURES / "SC-1.cif")._repr_html_()
    assert "Idealised model" in bundled and "Idealised model" not in page  # only the bundled file is called a model
    assert repr(report).endswith("2D-3D interpenetrating, pcu + sql + sql>")  # two layers a cell


def test_to_dict_is_the_json_report_of_the_cli(capsys):
    from viewer.cli import main

    assert main(["analyze", str(STRUCTURES / "SC-3.cif"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(topology.analyze(STRUCTURES / "SC-3.cif").to_dict()))


def test_view_draws_the_apps_scene_with_3dmol_inside():
    report = topology.analyze(STRUCTURES / "SC-2-0.5.cif")
    page = report.view(width=500, height=400)._make_html()
    assert "data:text/javascript;base64," in page and "cdn.jsdelivr" not in page
    scene = build_scene(report, Options(net=True))
    atoms = json.loads(page.split("getModel().addAtoms(")[1].split(");\n")[0])
    assert len(atoms) == len(scene.atoms)
    assert {a["properties"]["occ"] for a in atoms} >= {0.5, 1.0}  # partly occupied sites carried, faded
    assert "addDashedCylinder" in page  # the net over the atoms, partly occupied linkers dashed
    with pytest.raises(InputError, match="not a view option"):
        report.view(colour="net")


def test_why_shows_the_linked_rings():
    why = topology.analyze(STRUCTURES / "SC-1.cif").why()
    assert "pcu framework" in why.sentence and "sql layer" in why.sentence
    svg = why._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert why.view()._make_html().count("addCylinder") > 8
    with pytest.raises(InputError, match="no linked or threaded rings"):
        topology.analyze(STRUCTURES / "SC-3.cif").why()


@pytest.mark.parametrize(("column", "width_pt"), [("double", "518.4pt"), ("single", "252pt")])
def test_figure_is_the_journal_figure(tmp_path, column, width_pt):
    path = topology.analyze(STRUCTURES / "SC-3.cif").figure(tmp_path / "sc3.svg", column=column)
    head = path.read_text()[:600]
    assert f'width="{width_pt}"' in head
    with pytest.raises(InputError, match="cannot write .gif"):
        topology.analyze(STRUCTURES / "SC-3.cif").figure(tmp_path / "sc3.gif")


def test_survey_returns_the_summary_with_every_record(tmp_path):
    folder = tmp_path / "cifs"
    folder.mkdir()
    for name in ("SC-1.cif", "SC-3.cif"):
        (folder / name).write_bytes((STRUCTURES / name).read_bytes())
    (folder / "broken.cif").write_text("data_broken\n_cell_length_a 0\n")
    out = tmp_path / "out.jsonl"
    table = topology.survey(folder, jobs=1, output=out)
    assert list(table["source"]) == ["SC-1.cif", "SC-3.cif", "broken.cif"]
    assert list(table["classification"][:2]) == ["2D-3D interpenetrating", "non-interpenetrated"]
    assert table["Z"].tolist()[:2] == [1, 1] and table["Z"].isna().tolist() == [False, False, True]
    assert table["error"].iloc[2].startswith("broken.cif:")
    assert table["record"].iloc[0]["nets"][1]["topology"] == "sql"
    written = sorted((json.loads(line) for line in out.read_text().splitlines()), key=lambda r: r["path"])
    assert written == sorted(table["record"], key=lambda r: r["path"])


def test_version_is_the_packages(capsys):
    from viewer.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"interlace {topology.__version__}"
    assert topology.__version__ in (ROOT / "topology" / "__init__.py").read_text()


@pytest.mark.browser
def test_notebook_view_draws_offline_in_a_browser(browser, tmp_path, artifacts):
    """The view's HTML, as a notebook shows it, draws its WebGL canvas with every network request refused."""
    page_file = tmp_path / "view.html"
    page_file.write_text(topology.analyze(STRUCTURES / "SC-1.cif").view(width=600, height=420).write_html(), "utf-8")
    page = browser.new_page()
    outside: list[str] = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else (outside.append(route.request.url), route.abort()))
    page.goto(page_file.as_uri())
    page.wait_for_function("() => { const c = document.querySelector('canvas'); return c && c.width > 100; }",
                           timeout=30000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "notebook_view.png"))
    assert page.locator("text=3Dmol.js failed to load").count() == 0
    assert outside == []
    page.close()
