"""`consoleOwned` and `drift.ignoreUnmanaged`: part of the config language, checked like
every other key, with positions and "did you mean"."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from vcorg.config import check_config, load_config
from vcorg.config.ownership import console_owned
from vcorg.config.schema import org_schema

HEAD = "apiVersion: vcorg/v1\norganisation: metro-health\n"
DEFAULTS = (
    "defaults:\n"
    "  timezone: UTC\n"
    "  consoleOwned:\n"
    "    waitingAreas: [suspended, suspendedMessageForCallers]\n"
)
UNIT = (
    "units:\n"
    "  im:\n"
    "    name: Internal Medicine\n"
    "    roles: {organisationAdministrators: [a@m.example]}\n"
    "    waitingAreas:\n"
    "      clinic:\n"
    "        name: Clinic\n"
    "        consoleOwned: [informationForCallers]\n"
    "      ward:\n"
    "        name: Ward\n"
    "    meetingRooms:\n"
    "      huddle: {name: Huddle, consoleOwned: [description]}\n"
)


def _write(tmp_path: Path, text: str, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _pinned(path: Path) -> list[tuple[str, str, int, int, str]]:
    return [(p.id, p.path, p.line, p.column, p.message) for p in check_config([path]).problems]


def test_console_owned_fields_join_the_defaults_and_each_object(tmp_path: Path) -> None:
    config = load_config([_write(tmp_path, HEAD + DEFAULTS + UNIT)])
    assert console_owned(config) == {
        ("WaitingArea", "clinic"): frozenset(
            {"suspended", "suspendedMessageForCallers", "informationForCallers"}
        ),
        ("WaitingArea", "ward"): frozenset({"suspended", "suspendedMessageForCallers"}),
        ("MeetingRoom", "huddle"): frozenset({"description"}),
    }


def test_a_misspelt_field_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    text = HEAD + DEFAULTS.replace("suspendedMessageForCallers", "suspendedMesageForCallers")
    text += UNIT.replace("[informationForCallers]", "[suspend]")
    found = _pinned(_write(tmp_path, text))
    assert [(i, p, line, col) for i, p, line, col, _ in found] == [
        ("not-allowed-value", "defaults.consoleOwned.waitingAreas[1]", 6, 31),
        ("not-allowed-value", "units.im.waitingAreas.clinic.consoleOwned[0]", 14, 24),
    ]
    assert found[0][4].endswith("did you mean 'suspendedMessageForCallers'?")
    assert found[1][4].endswith("did you mean 'suspended'?")
    # Only a kind's own settings may be console-owned: not its people, nor a reference.
    assert "roles" not in found[0][4] and "consoleOwned" not in found[0][4]
    rooms = _pinned(
        _write(tmp_path, HEAD + DEFAULTS + UNIT.replace("[description]", "[waitingArea]"))
    )
    assert rooms[0][:2] == ("not-allowed-value", "units.im.meetingRooms.huddle.consoleOwned[0]")
    assert rooms[0][4].startswith("'waitingArea' is not one of name, description, maxParticipants")
    unknown = _pinned(_write(tmp_path, HEAD + "defaults: {consoleOwned: {areas: []}}\n"))
    assert unknown[0][:2] == ("unknown-key", "defaults.consoleOwned.areas")


def test_ignore_list_is_checked_and_joined_across_files(tmp_path: Path) -> None:
    bad = HEAD + "drift:\n  ignoreUnmanaged:\n    - {kind: room, nam: Sandbox}\n"
    found = _pinned(_write(tmp_path, bad))
    assert [(i, p) for i, p, *_ in found] == [
        ("missing-key", "drift.ignoreUnmanaged[0].name"),
        ("not-allowed-value", "drift.ignoreUnmanaged[0].kind"),
        ("unknown-key", "drift.ignoreUnmanaged[0].nam"),
    ]
    assert "did you mean 'name'?" in found[2][4]

    org = tmp_path / "org"
    org.mkdir()
    first = "drift:\n  ignoreUnmanaged:\n    - {kind: unit, name: 'Sandbox*', reason: demo}\n"
    second = "drift:\n  ignoreUnmanaged:\n    - {kind: grant, name: '*@locum.example'}\n"
    _write(org, HEAD + DEFAULTS + first + UNIT, "a.yaml")
    _write(org, HEAD + second, "b.yaml")
    config = load_config([org])
    assert [(r.kind, r.name, r.reason) for r in config.drift.ignore_unmanaged] == [
        ("unit", "Sandbox*", "demo"),
        ("grant", "*@locum.example", ""),
    ]


def test_schema_knows_the_fields_and_rejects_others() -> None:
    validator = jsonschema.Draft202012Validator(org_schema())
    good = {
        "apiVersion": "vcorg/v1",
        "organisation": "m",
        "defaults": {"consoleOwned": {"waitingAreas": ["suspended"]}},
        "drift": {"ignoreUnmanaged": [{"kind": "meeting-room", "name": "Temp *"}]},
    }
    assert list(validator.iter_errors(good)) == []
    bad = json.loads(json.dumps(good))
    bad["defaults"]["consoleOwned"]["waitingAreas"] = ["roles"]
    assert list(validator.iter_errors(bad))
