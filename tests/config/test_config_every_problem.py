"""One `vcorg validate` run shows every problem (issue 12, item 8).

An object that fails the schema still goes through every semantic rule that does not
depend on the part that failed, and a rule that does depend on it stays quiet instead of
guessing (no "missing time zone" because the time zone was misspelt).
"""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vcorg.cli import main
from vcorg.config import check_config
from vcorg.config.positions import format_path

# The issue's file: the upper-case unit key hid 4 problems, and those hid 2 more.
ISSUE_EXAMPLE = """\
apiVersion: vcorg/v1
organisation: metro-health
defaults: {timezone: UTC}
units:
  Medicine:
    name: Internal Medicine
    descripton: Adult medicine
    roles:
      organisationAdministrators: [ana.lee@metro-health.example, not-an-email]
    waitingAreas:
      clinic:
        name: Clinic
        type: walk-in
        accessHours:
          open:
            - {days: [mon, tue, mon], from: "09:00", to: "12:00"}
    meetingRooms:
      huddle:
        name: Huddle
        maxParticipants: 9
        waitingArea: nowhere
"""


def _found(validate, text: str) -> set[tuple[str, str]]:
    return {(rule, path) for rule, path, _ in validate(textwrap.dedent(text))}


def test_the_issue_example_shows_all_seven_problems_in_one_run(tmp_path, capsys):
    path = tmp_path / "org.yaml"
    path.write_text(ISSUE_EXAMPLE, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{path}:5:3: error: units.Medicine: 'Medicine' is not a valid key: use lowercase "
        "letters, digits and single hyphens, starting with a letter",
        f"{path}:7:5: error: units.Medicine.descripton: unknown key 'descripton'; "
        "did you mean 'description'?",
        f"{path}:9:66: error: units.Medicine.roles.organisationAdministrators[1]: "
        "'not-an-email' is not an email address",
        f"{path}:13:15: error: units.Medicine.waitingAreas.clinic.type: 'walk-in' is not "
        "one of regular, group-consultation, consult-now",
        f"{path}:16:33: error: units.Medicine.waitingAreas.clinic.accessHours.open[0].days[2]: "
        "'mon' is listed twice in this block",
        f"{path}:20:26: error: units.Medicine.meetingRooms.huddle.maxParticipants: "
        "9 is greater than the maximum of 6",
        f"{path}:21:22: error: units.Medicine.meetingRooms.huddle.waitingArea: there is no "
        "waiting area 'nowhere' in unit 'Medicine'",
    ]


def test_a_unit_with_a_bad_name_still_has_its_people_and_areas_checked(validate):
    found = _found(
        validate,
        """
        apiVersion: vcorg/v1
        organisation: metro-health
        defaults: {timezone: UTC}
        units:
          im:
            name: ' Internal Medicine'
            roles: {organisationAdministrators: [a@m.example, A@M.example]}
            waitingAreas:
              clinic: {name: Clinic, reportingTags: [x, x]}
              other: {name: Clinic}
          ed:
            name: Emergency
            roles: {organisationAdministrators: [a@m.example]}
            waitingAreas:
              clinic: {name: Triage}
        """,
    )
    assert found == {
        ("invalid-format", "units.im.name"),
        ("duplicate-email", "units.im.roles.organisationAdministrators[1]"),
        ("duplicate-reporting-tag", "units.im.waitingAreas.clinic.reportingTags[1]"),
        ("duplicate-waiting-area-name", "units.im.waitingAreas.other.name"),
        ("duplicate-waiting-area-key", "units.ed.waitingAreas.clinic"),
    }


def test_a_broken_block_hides_only_what_depends_on_it(validate):
    found = _found(
        validate,
        """
        apiVersion: vcorg/v1
        organisation: metro-health
        units:
          im:
            name: Internal Medicine
            roles: {organisationAdministrators: [a@m.example]}
            waitingAreas:
              clinic:
                name: Clinic
                accessHours:
                  timezone: Europe/Lodnon
                  open:
                    - {days: [mon], from: "25:00", to: "12:00"}
                    - {days: [tue, tue], from: "12:00", to: "11:00"}
                    - {days: [wed, thu], from: "09:00", to: "17:00"}
                    - {days: [thu, frii], from: "10:00", to: "18:00"}
                callerDetails:
                  - {key: dob, label: Date of birth, type: datum}
                  - {key: dob, label: Again}
        """,
    )
    assert found == {
        ("unknown-timezone", "units.im.waitingAreas.clinic.accessHours.timezone"),
        ("invalid-format", "units.im.waitingAreas.clinic.accessHours.open[0].from"),
        ("from-not-before-to", "units.im.waitingAreas.clinic.accessHours.open[1].to"),
        ("not-allowed-value", "units.im.waitingAreas.clinic.accessHours.open[3].days[1]"),
        ("overlapping-hours", "units.im.waitingAreas.clinic.accessHours.open[3]"),
        ("not-allowed-value", "units.im.waitingAreas.clinic.callerDetails[0].type"),
        ("duplicate-caller-detail-key", "units.im.waitingAreas.clinic.callerDetails[1].key"),
    }


def test_rules_that_depend_on_a_broken_part_stay_quiet(validate):
    """A misspelt part is reported once, not again as missing by a semantic rule."""
    found = _found(
        validate,
        """
        apiVersion: vcorg/v2
        organisation: Metro-Health
        defaults: {timezone: 'Australia Sydney'}
        units:
          im:
            name: Internal Medicine
            roles: {organisationAdministrators: ana@m.example}
            waitingAreas:
              clinic: {name: Clinic, accessHours: always}
              ward: {name: Ward}
            meetingRooms:
              huddle: {name: Huddle, waitingArea: Clinic}
              board: {name: Board, waitingArea: clinic, maxParticipants: 2}
              board-2: {name: Board, maxParticipants: two}
        """,
    )
    assert found == {
        ("not-allowed-value", "apiVersion"),
        ("invalid-format", "organisation"),
        ("invalid-format", "defaults.timezone"),
        ("wrong-type", "units.im.roles.organisationAdministrators"),
        ("wrong-type", "units.im.waitingAreas.clinic.accessHours"),
        ("invalid-format", "units.im.meetingRooms.huddle.waitingArea"),
        ("wrong-type", "units.im.meetingRooms.board-2.maxParticipants"),
        ("duplicate-meeting-room-name", "units.im.meetingRooms.board-2.name"),
    }


def test_a_bad_area_key_still_counts_as_that_areas_key(validate):
    found = _found(
        validate,
        """
        apiVersion: vcorg/v1
        organisation: metro-health
        defaults: {timezone: UTC}
        units:
          im:
            name: Internal Medicine
            roles: {organisationAdministrators: [a@m.example]}
            waitingAreas:
              Clinic: {name: Clinic, reportingTags: [a, a]}
            meetingRooms:
              huddle: {name: Huddle, waitingArea: clinic}
        """,
    )
    assert found == {
        ("invalid-format", "units.im.waitingAreas.Clinic"),
        ("duplicate-reporting-tag", "units.im.waitingAreas.Clinic.reportingTags[1]"),
        ("unknown-waiting-area", "units.im.meetingRooms.huddle.waitingArea"),
    }


# --- properties: a broken part is reported once, and hides nothing else ---------------

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOURCES = [EXAMPLES / name / "org.yaml" for name in ("hospital", "social-services")]
NOT_A_SCALAR = {"zz": 1}  # wrong wherever a scalar belongs
NOT_A_CONTAINER = 12345  # wrong wherever a map or a list belongs


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            if not (path == () and key == "units"):
                yield from _leaves(value, (*path, key))
            else:
                for unit_key, unit in value.items():
                    yield from _leaves(unit, ("units", unit_key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _broken(data: Any, path: tuple[Any, ...]) -> Any:
    copy = deepcopy(data)
    old = _get(copy, path)
    _set(copy, path, NOT_A_CONTAINER if isinstance(old, dict | list) else NOT_A_SCALAR)
    return copy


def _problems(tmp: Path, data: Any) -> list[Any]:
    path = tmp / "org.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return check_config([path]).problems


def _under(problem_path: str, parts: tuple[Any, ...]) -> bool:
    prefix = format_path(parts)
    return problem_path == prefix or problem_path.startswith((prefix + ".", prefix + "["))


@st.composite
def _one_broken_part(draw: st.DrawFn) -> tuple[Any, tuple[Any, ...]]:
    source = draw(st.sampled_from(SOURCES))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return data, draw(st.sampled_from(sorted(_leaves(data), key=repr)))


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@PROPERTY
@given(case=_one_broken_part())
def test_a_broken_part_is_reported_only_where_it_is(case):
    """Break one part of a valid example: every problem points at or under that part.

    A rule that depends on the broken part stays quiet instead of reporting it again
    under another name (a misspelt time zone is not also a missing one).
    """
    data, parts = case
    with tempfile.TemporaryDirectory() as tmp:
        problems = _problems(Path(tmp), _broken(data, parts))
    assert problems, parts
    assert all(_under(p.path, parts) for p in problems), (parts, [str(p) for p in problems])


@PROPERTY
@given(case=_one_broken_part())
def test_a_broken_part_hides_no_unrelated_problem(case):
    """A duplicate email stays reported whatever else breaks, unless its own list does."""
    data, parts = case
    unit_key = next(iter(data["units"]))
    admins = ("units", unit_key, "roles", "organisationAdministrators")
    # Breaking the list, or the email the duplicate repeats, rightly hides it.
    assume(not _under(format_path(admins), parts) and parts != (*admins, 0))
    data = deepcopy(data)
    _get(data, admins).append(_get(data, admins)[0].upper())
    duplicate = format_path((*admins, len(_get(data, admins)) - 1))
    with tempfile.TemporaryDirectory() as tmp:
        problems = _problems(Path(tmp), _broken(data, parts))
    assert ("duplicate-email", duplicate) in {(p.id, p.path) for p in problems}, (
        parts,
        [str(p) for p in problems],
    )
