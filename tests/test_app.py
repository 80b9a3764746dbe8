"""Page logic of the explore page, driven by streamlit.testing (no browser)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from viewer.library import analysis

DATA = Path(__file__).resolve().parent / "data"
PAGE = str(Path(__file__).resolve().parent.parent / "viewer" / "views" / "explore.py")


def explore(timeout: float = 60) -> AppTest:
    """The explore page as after its first picture: the view has reported it (a browser's part, which
    AppTest has not), so every run lays out the whole page."""
    at = AppTest.from_file(PAGE, default_timeout=timeout)
    at.session_state["view_ready"] = True
    return at


def badge(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "data-testid='classification'" in m.value)


def test_opens_on_sc1_with_its_classification_and_caveat() -> None:
    at = explore().run()
    assert not at.exception
    assert at.selectbox(key="structure").value == "SC-1"
    assert "2D-3D interpenetrating" in badge(at)
    assert any("Idealised model" in c.value and "CCDC 2384559" in c.value for c in at.caption)
    table = at.table[0].value
    assert sorted(table["dimension"]) == ["2D", "2D", "3D"]  # the pcu net and its two stacks of layers


def test_min_occupancy_slider_turns_sc2_into_layers() -> None:
    at = explore().run()
    at.selectbox(key="structure").set_value("SC-2-0.5").run()
    assert "3D-3D interpenetrated" in badge(at)
    assert not [c.value for c in at.caption if " lies in " in c.value]  # two 3D nets: nothing to place
    at.slider(key="min_occupancy").set_value(0.6).run()
    assert "2D layers" in badge(at)
    assert list(at.table[0].value["dimension"]) == ["2D"] * 4  # two stacks of layers of each net
    assert [c.value for c in at.caption if " lies in " in c.value] == [
        f"Net {k} lies in (0 1 0) planes, 1 per cell." for k in range(4)]


def test_every_bundled_structure_and_style_renders() -> None:
    at = explore().run()
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
    at = explore().run()
    before = view_args(at)
    at.button(key="reset").click().run()
    after = view_args(at)
    assert before["script"] == after["script"] and before["view"] != after["view"]
    assert "addAtoms" in after["script"] and "zoomTo" in after["script"]


def test_a_new_visit_sends_the_picture_first_and_the_rest_when_it_is_on_screen() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    first = view_args(at)
    assert first["waiting"] and "addAtoms" in first["script"]
    assert "2D-3D interpenetrating" in badge(at)
    assert not at.sidebar.get("selectbox") and not at.table  # the controls and the nets come after
    at.session_state["view_ready"] = True  # what the view's report does (view_changed)
    at.run()
    after = view_args(at)
    assert at.selectbox(key="structure").value == "SC-1" and at.table
    assert not after["waiting"]
    assert (after["script"], after["view"]) == (first["script"], first["view"])  # drawn once, with the defaults


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
    at.multiselect[0].set_value(["3D-3D interpenetrated"]).run()  # keys are per set of results
    filtered = at.dataframe[0].value
    assert sorted(filtered["source"]) == ["SC-2-0.5.cif", "SC-2-0.8.cif"] and set(filtered["Z"]) == {2}
    at.text_input[0].set_value("sql").run()
    assert len(at.dataframe[0].value) == 0


def test_a_supercell_too_big_to_draw_is_refused_with_a_message() -> None:
    data = (Path(__file__).parent / "data" / "crystalnets" / "MIL-101.cif").read_bytes()
    at = explore(120)
    at.session_state["opened"] = {"MIL-101.cif": ("MIL-101.cif", data)}
    at.session_state["structure"] = "MIL-101.cif"
    at.run()
    for key in ("na", "nb", "nc"):
        at.number_input(key=key).set_value(3)
    at.run()
    assert not at.exception
    assert any("more than the view draws" in m.value for m in at.markdown)


def test_slider_at_full_occupancy_shows_a_readable_page_not_an_exception() -> None:
    at = explore().run()
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


def markdown_with(at: AppTest, testid: str) -> str:
    return next((m.value for m in at.markdown if f"data-testid='{testid}'" in m.value), "")


def test_the_nets_are_said_in_words_a_lecturer_can_read_out() -> None:
    at = explore().run()
    assert "one pcu net and one sql layer, interpenetrating" in markdown_with(at, "nets-sentence")
    page_text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "interpenetration degree" not in page_text and "fold" not in page_text.lower().split()
    at.selectbox(key="structure").set_value("SC-2-0.5").run()
    assert "2 interpenetrating pcu nets" in markdown_with(at, "nets-sentence")
    at.selectbox(key="structure").set_value("SC-3").run()
    assert "one pcu net, not interpenetrated" in markdown_with(at, "nets-sentence")


def test_the_two_copies_of_jxust1_are_named_and_coloured_apart() -> None:
    data = (Path(__file__).parent / "data" / "crystalnets" / "JXUST-1.cif").read_bytes()
    at = explore(120)
    at.session_state["opened"] = {"JXUST-1.cif": ("JXUST-1.cif", data)}
    at.session_state["structure"] = "JXUST-1.cif"
    at.run()
    assert "2 interpenetrating pcu nets" in markdown_with(at, "nets-sentence")
    legend = markdown_with(at, "legend")
    assert "copy 1 of 2" in legend and "copy 2 of 2" in legend
    assert any("two copies of one pcu" in c.value for c in at.caption)
    script = view_args(at)["script"]
    assert "#56B4E9" in script and "#E69F00" in script  # both copies' colours drawn
    at.toggle(key="teach").set_value(True).run()
    assert "two copies of one pcu framework" in markdown_with(at, "teach-sentence")


def test_teach_view_draws_nets_only_turned_along_a_direction_and_reset_comes_back() -> None:
    at = explore().run()
    plain = view_args(at)
    assert plain["orient"]["q"] == [0.0, 0.0, 0.0, 1.0]
    at.toggle(key="teach").set_value(True).run()
    taught = view_args(at)
    sentence = markdown_with(at, "teach-sentence")
    assert "orange sql layer" in sentence and "blue pcu framework" in sentence
    assert "addAtoms" not in taught["script"] and "addShape" in taught["script"]
    assert "opacity: 1.0" in taught["script"] and "opacity: 0.75" in taught["script"]  # one net solid, one not
    assert taught["orient"]["q"] != plain["orient"]["q"] and taught["orient"]["token"] != plain["orient"]["token"]
    legend = markdown_with(at, "legend")
    assert "TFA" not in legend and "sql layer" in legend  # no atoms drawn, none in the legend
    at.button(key="reset").click().run()
    reset = view_args(at)
    assert reset["orient"]["token"] != taught["orient"]["token"] and reset["orient"]["q"] == taught["orient"]["q"]
    at.toggle(key="teach").set_value(False).run()
    at.selectbox(key="look").set_value("c").run()
    along_c = view_args(at)["orient"]
    at.button(key="reset").click().run()
    assert view_args(at)["orient"]["q"] == along_c["q"] != plain["orient"]["q"]
    at.selectbox(key="look").set_value("as turned").run()
    at.button(key="reset").click().run()
    assert view_args(at)["orient"]["q"] == [0.0, 0.0, 0.0, 1.0]  # reset: the starting orientation again


def test_hiding_a_net_leaves_it_out_of_the_view_and_the_legend() -> None:
    at = explore().run()
    at.toggle(key="atoms").set_value(False).run()
    both = view_args(at)["script"]
    assert "#56B4E9" in both and "#E69F00" in both
    assert "TFA" not in markdown_with(at, "legend")  # atoms hidden: no TFA in the legend
    (pills,) = [e for e in at.get("button_group")]
    pills.set_value([1]).run()  # show only the sql layer
    only = view_args(at)["script"]
    assert "#E69F00" in only and "#56B4E9" not in only
    assert "pcu" not in markdown_with(at, "legend")


def test_occupancy_is_written_beside_partly_occupied_units() -> None:
    at = explore().run()
    at.selectbox(key="structure").set_value("SC-2-0.8").run()
    script = view_args(at)["script"]
    assert "addLabel(\"0.8\"" in script and "addLabel(\"0.5\"" in script
    at.selectbox(key="structure").set_value("SC-2-0.5").run()
    script = view_args(at)["script"]
    assert "addLabel(\"0.5\"" in script and "addLabel(\"0.8\"" not in script


def test_presentation_mode_sizes_the_view_to_the_window_and_listens_to_the_arrow_keys() -> None:
    at = explore().run()
    assert view_args(at)["keys"] is False
    at.toggle(key="presenting").set_value(True).run()
    args = view_args(at)
    assert args["keys"] is True and args["fill"] > 0.5
    assert not any("font-size: 1.25rem" in m.value for m in at.markdown)  # headings keep their size


def test_teaching_text_for_an_upload_does_not_speak_of_the_sc_series() -> None:
    data = (Path(__file__).parent / "data" / "crystalnets" / "ZIF-8.cif").read_bytes()
    at = explore()
    at.session_state["opened"] = {"ZIF-8.cif": ("ZIF-8.cif", data)}
    at.session_state["structure"] = "ZIF-8.cif"
    at.run()
    about = next(e for e in at.expander if e.label.startswith("About this structure"))
    texts = " ".join(m.value for m in about.markdown)
    assert "net" in texts and "Ag12" not in texts and "SC-1" not in texts and "TCNB" not in texts
    at.selectbox(key="structure").set_value("SC-1").run()
    about = next(e for e in at.expander if e.label.startswith("About this structure"))
    import html

    assert "Ag12(iPrS)6" in html.unescape(" ".join(m.value for m in about.markdown))


def test_a_file_chosen_twice_is_listed_once() -> None:
    from types import SimpleNamespace

    from viewer.library import distinct_uploads

    def upload(name: str, data: bytes) -> SimpleNamespace:
        return SimpleNamespace(name=name, getvalue=lambda: data)

    files = [upload("a.cif", b"x"), upload("b.cif", b"y"), upload("a.cif", b"x"), upload("a.cif", b"changed")]
    assert [(e.name, e.data) for e in distinct_uploads(files)] == [("a.cif", b"x"), ("b.cif", b"y"),
                                                                   ("a.cif", b"changed")]
    assert distinct_uploads(None) == []


def test_an_upload_over_the_time_or_memory_limit_is_one_line(monkeypatch) -> None:
    """The app analyses in a worker process under the command line's limits: over either, a one-line
    message (the worker stopped), never a server held at full load or out of memory."""
    from viewer import worker

    data = (DATA / "crystalnets" / "MIL-101.cif").read_bytes()
    monkeypatch.setattr(worker, "TIME_LIMIT", 0.01)
    slow = analysis("slow-MIL-101.cif", data, 0.0)
    assert slow == "slow-MIL-101.cif: analysis took longer than the 0.01 s limit"
    monkeypatch.setattr(worker, "TIME_LIMIT", 60.0)
    monkeypatch.setattr(worker, "MEMORY_LIMIT", 150 * 2**20)
    big = analysis("big-MIL-101.cif", data, 0.0)
    assert isinstance(big, str) and big.startswith("big-MIL-101.cif: ") and "0.146 GiB memory limit" in big
    assert "\n" not in slow + big
    monkeypatch.setattr(worker, "MEMORY_LIMIT", 2 * 2**30)
    report = analysis("MIL-101.cif", data, 0.0)
    assert not isinstance(report, str) and report.nets[0].topology == "mtn-e"


def test_survey_results_with_bad_lines_list_them_and_show_the_rest() -> None:
    """A results file with a net list that is not a list, a line that is not JSON and a number where a
    name goes: those lines are named in one warning, the good records are tabled, no traceback."""
    import json

    good = [{"path": f"{k}.cif", "source": f"{k}.cif", "classification": "non-interpenetrated",
             "interpenetration_degree": 1, "nets": [{"dimensionality": 3, "fold": 1, "topology": "pcu"}]}
            for k in ("a", "b")]
    lines = [json.dumps(good[0]), json.dumps({**good[0], "path": "x.cif", "nets": "x"}), "{not json",
             json.dumps({**good[1], "classification": 7}), json.dumps({"path": "e.cif", "error": "e.cif: broken"}),
             json.dumps(good[1])]
    at = AppTest.from_file(str(Path(PAGE).with_name("survey.py")), default_timeout=60).run()
    at.radio(key="survey_source").set_value("A results file (.jsonl)").run()
    at.file_uploader(key="survey_results").set_value([("r.jsonl", "\n".join(lines).encode(), "application/json")]).run()
    assert not at.exception
    import html

    warnings = [html.unescape(m.value) for m in at.markdown if "message-warning" in m.value]
    assert any("lines 2, 3, 4 of r.jsonl: not a survey record; left out, the other 3 shown" in w for w in warnings)
    assert any("All 3 structures shown." in m.value for m in at.markdown)
    assert {"a.cif", "b.cif"} <= set(at.dataframe[0].value["path"])


def test_clustering_control_names_mil53_both_ways() -> None:
    """The sidebar's clustering control starts at SingleNodes (MIL-53's rods: bpq) and AllNodes renames
    the net as CrystalNets.jl does (rna), in the sentence that says the nets."""
    data = (Path(__file__).parent / "data" / "crystalnets" / "MIL-53.cif").read_bytes()
    at = explore(120)
    at.session_state["opened"] = {"MIL-53.cif": ("MIL-53.cif", data)}
    at.session_state["structure"] = "MIL-53.cif"
    at.run()
    control = at.sidebar.selectbox(key="clustering")
    assert control.value == "SingleNodes" and list(control.options) == ["SingleNodes", "AllNodes"]
    assert "AllNodes" in control.help and "bpq" in markdown_with(at, "nets-sentence")
    control.set_value("AllNodes").run()
    assert "rna" in markdown_with(at, "nets-sentence") and not at.exception


def test_survey_analyses_under_the_chosen_clustering() -> None:
    at = AppTest.from_file(SURVEY, default_timeout=60).run()
    assert at.selectbox(key="survey_clustering").value == "SingleNodes"
    at.selectbox(key="survey_clustering").set_value("AllNodes").run()
    assert not at.exception and len(at.dataframe) >= 1


def test_every_term_on_the_page_is_explained_where_it_appears() -> None:
    from topology.glossary import GLOSSARY

    at = explore().run()
    at.selectbox(key="structure").set_value("SC-2-0.8").run()
    assert not at.exception
    assert f"title='3D-3D interpenetrated: {GLOSSARY['3D-3D interpenetrated']}" in badge(at)  # hover help on the badge
    words = next(m.value for m in at.markdown if "data-testid='glossary'" in m.value)
    for term in ("fold", "Hopf link", "class", "Z", "Zt", "Zn", "RCSR symbol"):
        assert f"<b>{term}</b>: " in words
    klass = next(m.value for m in at.markdown if "data-testid='interpenetration-class'" in m.value)
    assert "Zt = " in klass and "Zn = " in klass


def test_the_command_the_app_shows_runs_from_the_repository_root(tmp_path) -> None:
    import shlex
    import subprocess
    import sys

    at = explore().run()
    command = next(c.value for c in at.code if c.value.startswith("interlace render"))
    args = shlex.split(command)[1:]
    args[args.index("-o") + 1] = str(tmp_path / "figure.pdf")
    root = Path(PAGE).parent.parent.parent
    done = subprocess.run([sys.executable, "-m", "viewer.cli", *args], cwd=root, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "figure.pdf").read_bytes()[:4] == b"%PDF"
