"""One `vcorg validate` run shows every problem (issue 12, item 8).

An object that fails the schema still goes through every semantic rule that does not
depend on the part that failed, and a rule that does depend on it stays quiet instead of
guessing (no "missing time zone" because the time zone was misspelt).
"""

from __future__ import annotations

import textwrap

from vcorg.cli import main

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
        f"{path}:16:35: error: units.Medicine.waitingAreas.clinic.accessHours.open[0].days[2]: "
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
        ("duplicate-caller-detail-key", "units.im.waitingAreas.clinic.callerDetails[1]"),
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
