"""Page logic of the explore page, driven by streamlit.testing (no browser)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from viewer.library import analysis

PAGE = str(Path(__file__).resolve().parent.parent / "viewer" / "views" / "explore.py")


def badge(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "data-testid='classification'" in m.value)


def test_opens_on_sc1_with_its_classification_and_caveat() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key="structure").value == "SC-1"
    assert "2D-3D interpenetrating" in badge(at)
    assert any("Idealised model" in c.value and "CCDC 2384559" in c.value for c in at.caption)
    table = at.table[0].value
    assert sorted(table["dimension"]) == ["2D", "3D"]


def test_min_occupancy_slider_turns_sc2_into_layers() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.selectbox(key="structure").set_value("SC-2-0.5").run()
    assert "3D-3D interpenetrated" in badge(at)
    assert not [c.value for c in at.caption if " lies in " in c.value]  # two 3D nets: nothing to place
    at.slider(key="min_occupancy").set_value(0.6).run()
    assert "2D layers" in badge(at)
    assert list(at.table[0].value["dimension"]) == ["2D", "2D"]
    assert [c.value for c in at.caption if " lies in " in c.value] == [
        "Net 0 lies in (0 0 1) planes, 1 per cell.", "Net 1 lies in (0 0 1) planes, 1 per cell."]


def test_every_bundled_structure_and_style_renders() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    expected = {"SC-1": "2D-3D interpenetrating", "SC-2-0.8": "3D-3D interpenetrated",
                "SC-2-0.5": "3D-3D interpenetrated", "SC-3": "non-interpenetrated"}
    for name, classification in expected.items():
        at.selectbox(key="structure").set_value(name).run()
        assert classification in badge(at) and not at.exception
    for style in ("sticks", "space-filling", "cluster"):
        at.selectbox(key="style").set_value(style).run()
        assert not at.exception
    at.toggle(key="presenting").set_value(True).run()
    assert not at.exception
    assert not at.sidebar.get("toggle")  # the sidebar is out of the way; its controls fold away below
    at.toggle(key="presenting").set_value(False).run()  # and the way out is still there
    assert at.sidebar.toggle(key="presenting").value is False


def test_broken_file_gives_a_message_not_an_exception() -> None:
    result = analysis("broken.cif", b"data_x\n_cell_length_a 10\n", 0.0)
    assert isinstance(result, str) and result.startswith("broken.cif: ")


def test_reset_view_redraws_the_same_scene() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    before = view_args(at)
    at.button(key="reset").click().run()
    after = view_args(at)
    assert before["script"] == after["script"] and before["view"] != after["view"]
    assert "addAtoms" in after["script"] and "zoomTo" in after["script"]


def view_args(at: AppTest) -> dict:
    """The arguments the page gave its live 3D view."""
    import json

    (element,) = [e for e in at.get("component_instance")]
    return json.loads(element.proto.json_args)


SURVEY = str(Path(__file__).resolve().parent.parent / "viewer" / "views" / "survey.py")


def test_survey_page_lists_the_bundled_models_and_filters_them() -> None:
    at = AppTest.from_file(SURVEY, default_timeout=60).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table["source"]) == ["SC-1.cif", "SC-2-0.5.cif", "SC-2-0.8.cif", "SC-3.cif"]
    assert set(table["classification"]) == {"2D-3D interpenetrating", "3D-3D interpenetrated", "non-interpenetrated"}
    at.multiselect(key="survey_kinds").set_value(["3D-3D interpenetrated"]).run()
    filtered = at.dataframe[0].value
    assert sorted(filtered["source"]) == ["SC-2-0.5.cif", "SC-2-0.8.cif"] and set(filtered["Z"]) == {2}
    at.text_input(key="survey_name").set_value("sql").run()
    assert len(at.dataframe[0].value) == 0


def test_a_supercell_too_big_to_draw_is_refused_with_a_message() -> None:
    data = (Path(__file__).parent / "data" / "crystalnets" / "MIL-101.cif").read_bytes()
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["opened"] = {"MIL-101.cif": ("MIL-101.cif", data)}
    at.session_state["structure"] = "MIL-101.cif"
    at.run()
    for key in ("na", "nb", "nc"):
        at.number_input(key=key).set_value(3)
    at.run()
    assert not at.exception
    assert any("more than the view draws" in m.value for m in at.markdown)


def test_slider_at_full_occupancy_shows_a_readable_page_not_an_exception() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.selectbox(key="structure").set_value("SC-2-0.5").run()
    at.slider(key="min_occupancy").set_value(1.0).run()
    assert not at.exception
    assert badge(at)  # a classification is still shown, whatever is left above occupancy 1


HALF_OCCUPIED = b"""data_half
_cell_length_a 10
_cell_length_b 10
_cell_length_c 10
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Zn1 Zn 0 0 0 0.5
O1 O 0.2 0 0 0.5
"""


def test_no_sites_above_the_minimum_occupancy_is_a_one_line_message() -> None:
    result = analysis("half.cif", HALF_OCCUPIED, 0.6)
    assert isinstance(result, str) and result.startswith("half.cif: ") and "occupancy 0.6" in result
    assert "\n" not in result and "Traceback" not in result
