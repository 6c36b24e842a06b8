"""YAML-level and schema-level problems: ids, positions and messages an admin can act on."""

from __future__ import annotations

from pathlib import Path

from vcorg.config import ConfigError, check_config, load_config
from vcorg.config.yamlload import load_yaml

HEAD = "apiVersion: vcorg/v1\norganisation: metro-health\ndefaults: {timezone: UTC}\n"
UNIT = (
    "units:\n  im:\n    name: Internal Medicine\n"
    "    roles: {organisationAdministrators: [a@m.example]}\n"
)
# HEAD is lines 1-3 and UNIT lines 4-7.


def _check(tmp_path: Path, text: str, name: str = "org.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_config([path]).problems


def _pinned(problems):
    return [(p.id, p.path, p.line, p.column) for p in problems]


def test_duplicate_map_key_is_an_error_at_the_second_key(tmp_path):
    problems = _check(tmp_path, HEAD + UNIT + "    name: Medicine\n")
    assert _pinned(problems) == [("duplicate-map-key", "", 8, 5)]
    assert "first at line 6, column 5" in problems[0].message


def test_yaml_syntax_error_is_one_positioned_problem(tmp_path):
    problems = _check(tmp_path, HEAD + "units: [unclosed\n")
    assert [(p.id, p.line) for p in problems] == [("yaml-syntax", 5)]
    assert "\n" not in problems[0].message


def test_unknown_key_suggests_the_closest_one(tmp_path):
    problems = _check(tmp_path, HEAD + UNIT + "    waitingAreas:\n      clinic: {nmae: Clinic}\n")
    assert ("unknown-key", "units.im.waitingAreas.clinic.nmae", 9, 16) in _pinned(problems)
    assert "did you mean 'name'?" in next(p for p in problems if p.id == "unknown-key").message
    # The same area also lacks its name; that is reported at the area's key.
    assert ("missing-key", "units.im.waitingAreas.clinic.name", 9, 7) in _pinned(problems)


def test_unknown_top_level_key(tmp_path):
    problems = _check(tmp_path, HEAD + "unit: {}\n")
    assert _pinned(problems) == [("unknown-key", "unit", 4, 1)]
    assert "did you mean 'units'?" in problems[0].message


def test_limits_give_the_number_and_the_limit(tmp_path):
    room = "      tumour-board: {name: Tumour Board, maxParticipants: 8}\n"
    text = HEAD + UNIT + "    meetingRooms:\n" + room
    problems = _check(tmp_path, text)
    assert _pinned(problems) == [
        ("too-large", "units.im.meetingRooms.tumour-board.maxParticipants", 9, 59)
    ]
    assert problems[0].message == "8 is greater than the maximum of 6"
    assert str(problems[0]) == (
        f"{tmp_path / 'org.yaml'}:9:59: error: "
        "units.im.meetingRooms.tumour-board.maxParticipants: 8 is greater than the maximum of 6"
    )


def test_no_silent_coercion(tmp_path):
    text = HEAD + UNIT + "    meetingRooms:\n      huddle: {name: Huddle, maxParticipants: '4'}\n"
    assert _pinned(_check(tmp_path, text)) == [
        ("wrong-type", "units.im.meetingRooms.huddle.maxParticipants", 9, 47)
    ]


def test_name_rules(tmp_path):
    text = (
        HEAD
        + UNIT
        + "    waitingAreas:\n"
        + "      a: {name: 'Clinic '}\n"
        + f"      b: {{name: {'x' * 101}}}\n"
        + "      c: {name: ''}\n"
    )
    assert _pinned(_check(tmp_path, text)) == [
        ("invalid-format", "units.im.waitingAreas.a.name", 9, 17),
        ("too-long", "units.im.waitingAreas.b.name", 10, 17),
        ("too-short", "units.im.waitingAreas.c.name", 11, 17),
    ]


def test_at_most_twenty_reporting_tags(tmp_path):
    tags = ", ".join(f"t{i}" for i in range(21))
    text = HEAD + UNIT + f"    reportingTags: [{tags}]\n"
    problems = _check(tmp_path, text)
    assert _pinned(problems) == [("too-many-items", "units.im.reportingTags", 8, 20)]
    assert "21 items" in problems[0].message


def test_bad_key_points_at_the_key(tmp_path):
    text = HEAD + UNIT + "    waitingAreas:\n      General_Clinic: {name: Clinic}\n"
    assert _pinned(_check(tmp_path, text)) == [
        ("invalid-format", "units.im.waitingAreas.General_Clinic", 9, 7)
    ]


def test_enum_value_suggests(tmp_path):
    text = HEAD + UNIT + "    waitingAreas:\n      clinic: {name: Clinic, type: regulr}\n"
    problems = _check(tmp_path, text)
    assert _pinned(problems) == [("not-allowed-value", "units.im.waitingAreas.clinic.type", 9, 36)]
    assert "did you mean 'regular'?" in problems[0].message


def test_yaml_12_scalars_no_norway_problem(tmp_path):
    text = (
        HEAD
        + UNIT
        + (
            "    waitingAreas:\n"
            "      clinic:\n"
            "        name: no\n"
            "        accessHours: {open: [{days: [mon], from: 08:00, to: 17:30}]}\n"
        )
    )
    result = check_config([_write(tmp_path, text)])
    assert result.problems == []
    area = result.config.units["im"].waiting_areas["clinic"]
    assert area.name == "no"
    assert (area.access_hours.open[0].from_, area.access_hours.open[0].to) == ("08:00", "17:30")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_merge_keys_and_anchors_work(tmp_path):
    text = (
        HEAD
        + UNIT
        + (
            "    waitingAreas:\n"
            "      a: &area {name: A, informationForCallers: Hello}\n"
            "      b:\n"
            "        <<: *area\n"
            "        name: B\n"
        )
    )
    config = load_config([_write(tmp_path, text)])
    areas = config.units["im"].waiting_areas
    assert (areas["b"].name, areas["b"].information_for_callers) == ("B", "Hello")


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*{chr(96 + i)}"] * 10)
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{refs}]")
    problems = _check(tmp_path, "\n".join(lines) + "\n")
    assert [p.id for p in problems] == ["yaml-alias-expansion"]


def test_recursive_alias_is_refused():
    _, problems = load_yaml("a: &a [1, *a]\n", "f.yaml")
    assert [(p.id, p.line, p.column) for p in problems] == [("yaml-recursive-alias", 1, 4)]


def test_file_level_problems(tmp_path):
    (tmp_path / "empty.yaml").write_text("# nothing\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- 1\n", encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes(b"apiVersion: vcorg/v1\nname: caf\xe9\n")
    (tmp_path / "empty-dir").mkdir()
    result = check_config(
        [
            tmp_path / "empty.yaml",
            tmp_path / "list.yaml",
            tmp_path / "latin1.yaml",
            tmp_path / "missing.yaml",
            tmp_path / "empty-dir",
        ]
    )
    assert {(Path(p.file).name, p.id, p.line, p.column) for p in result.problems} == {
        ("empty.yaml", "empty-file", 1, 1),
        ("list.yaml", "not-a-mapping", 1, 1),
        ("latin1.yaml", "not-utf8", 2, 10),
        ("missing.yaml", "path-not-found", 1, 1),
        ("empty-dir", "no-config-files", 1, 1),
    }
    assert result.config is None and not result.ok


def test_problems_are_all_reported_sorted(tmp_path):
    text = HEAD + (
        "units:\n"
        "  im:\n"
        "    name: ' Internal Medicine'\n"
        "    waitingAreas:\n"
        "      clinic: {name: Clinic, type: nope}\n"
        "  ed:\n"
        "    name: Emergency\n"
        "    roles: {organisationAdministrators: [a@m.example, A@M.EXAMPLE]}\n"
    )
    problems = _check(tmp_path, text)
    # The bad name no longer hides the unit's missing administrator (issue 12, item 8).
    assert [(p.line, p.id) for p in problems] == [
        (5, "no-organisation-administrator"),
        (6, "invalid-format"),
        (8, "not-allowed-value"),
        (11, "duplicate-email"),
    ]


def test_directory_files_must_agree(tmp_path):
    (tmp_path / "a.yaml").write_text(HEAD + UNIT, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "apiVersion: vcorg/v1\norganisation: other-org\ndefaults: {timezone: Europe/Oslo}\n",
        encoding="utf-8",
    )
    result = check_config([tmp_path])
    assert {(Path(p.file).name, p.id, p.path, p.line, p.column) for p in result.problems} == {
        ("b.yaml", "organisation-mismatch", "organisation", 2, 15),
        ("b.yaml", "conflicting-defaults", "defaults", 3, 1),
    }
    [conflict] = [p for p in result.problems if p.id == "conflicting-defaults"]
    # Both places are named: the problem points at b.yaml, the message at a.yaml.
    assert f"{tmp_path / 'a.yaml'}:3:1" in conflict.message


def test_files_may_repeat_the_same_defaults_so_each_stands_alone(tmp_path):
    (tmp_path / "a.yaml").write_text(HEAD + UNIT, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "apiVersion: vcorg/v1\norganisation: metro-health\n"
        "defaults: {timezone: UTC, adoptExisting: false}\n"
        "units:\n  ed:\n    name: Emergency\n"
        "    roles: {organisationAdministrators: [a@m.example]}\n",
        encoding="utf-8",
    )
    config = load_config([tmp_path])
    assert sorted(config.units) == ["ed", "im"]
    assert config.defaults.timezone == "UTC"
    # Each file also validates on its own.
    assert load_config([tmp_path / "b.yaml"]).defaults.timezone == "UTC"


def test_multi_file_units_merge_and_source_points_at_the_right_file(tmp_path):
    (tmp_path / "org.yaml").write_text(HEAD, encoding="utf-8")
    units = tmp_path / "units"
    units.mkdir()
    for key in ("aa", "bb"):
        (units / f"{key}.yaml").write_text(
            "apiVersion: vcorg/v1\norganisation: metro-health\nunits:\n"
            f"  {key}:\n    name: {key.upper()}\n"
            "    roles: {organisationAdministrators: [a@m.example]}\n",
            encoding="utf-8",
        )
    config = load_config([tmp_path])
    assert sorted(config.units) == ["aa", "bb"]
    assert config.source("units.bb.name") == (str(units / "bb.yaml"), 5, 11)
    assert config.source(("defaults", "timezone")) == (str(tmp_path / "org.yaml"), 3, 22)


def test_load_config_raises_with_every_problem(tmp_path):
    text = HEAD + "units:\n  im: {name: A}\n  ed: {name: B}\n"
    try:
        load_config([_write(tmp_path, text)])
    except ConfigError as exc:
        assert [p.id for p in exc.problems] == ["no-organisation-administrator"] * 2
    else:  # pragma: no cover - the test fails here
        raise AssertionError("ConfigError expected")


def test_access_hours_resolved_after_loading(tmp_path):
    text = (
        "apiVersion: vcorg/v1\norganisation: metro-health\n"
        "defaults: {timezone: Australia/Sydney, adoptExisting: true}\n"
        + UNIT
        + "    waitingAreas:\n"
        "      a: {name: A}\n"
        "      b: {name: B, accessHours: {open: [{days: [sat], from: '10:00', to: '12:00'}]}}\n"
        "      c: {name: C, accessHours: {timezone: UTC, open: []}}\n"
    )
    config = load_config([_write(tmp_path, text)])
    assert config.defaults.adopt_existing is True
    areas = config.units["im"].waiting_areas
    a, b, c = (areas[k].access_hours for k in "abc")
    assert a.timezone == "Australia/Sydney"
    assert [(o.days, o.from_, o.to) for o in a.open] == [
        (["mon", "tue", "wed", "thu", "fri"], "09:00", "17:00")
    ]
    assert (b.timezone, b.open[0].days) == ("Australia/Sydney", ["sat"])
    assert (c.timezone, c.open) == ("UTC", [])


def test_models_are_frozen_and_use_camel_case_aliases(tmp_path):
    config = load_config([_write(tmp_path, HEAD + UNIT)])
    unit = config.units["im"]
    dumped = unit.model_dump(by_alias=True)
    assert "organisationAdministrators" in dumped["roles"]
    try:
        unit.name = "x"  # type: ignore[misc]
    except Exception as exc:
        assert "frozen" in str(exc).lower()
    else:  # pragma: no cover
        raise AssertionError("models must be frozen")


def test_own_key_twice_is_a_duplicate_even_after_a_merge():
    _, problems = load_yaml("base: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n  x: 3\n", "f.yaml")
    assert [(p.id, p.line, p.column) for p in problems] == [("duplicate-map-key", 5, 3)]


def test_garbage_collector_state_is_restored(tmp_path):
    import gc

    path = _write(tmp_path, HEAD + UNIT)
    assert gc.isenabled()
    check_config([path])
    assert gc.isenabled()
    gc.disable()
    try:
        check_config([path])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_max_queue_length_is_optional_whole_and_1_to_50(tmp_path):
    def area(setting: str) -> str:
        return HEAD + UNIT + "    waitingAreas:\n      intake: {name: Intake" + setting + "}\n"

    config = load_config([_write(tmp_path, area(", maxQueueLength: 20"))])
    assert config.units["im"].waiting_areas["intake"].max_queue_length == 20
    config = load_config([_write(tmp_path, area(""))])
    assert config.units["im"].waiting_areas["intake"].max_queue_length is None
    path = "units.im.waitingAreas.intake.maxQueueLength"
    for value, rule in (("0", "too-small"), ("51", "too-large"), ("'20'", "wrong-type")):
        problems = _check(tmp_path, area(f", maxQueueLength: {value}"), f"{rule}.yaml")
        assert [(p.id, p.path) for p in problems] == [(rule, path)], value
