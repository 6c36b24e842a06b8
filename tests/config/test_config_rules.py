"""Every semantic rule, with a failing example that pins its id, path and line:col."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from vcorg.config.rules import rule_ids

HEAD = """\
apiVersion: vcorg/v1
organisation: metro-health
defaults:
  timezone: Australia/Sydney
units:
"""
# Lines 1-5 are HEAD; unit content starts on line 6.

CASES: dict[str, tuple[str, set[tuple[str, str, str]]]] = {
    "duplicate-waiting-area-key": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic: {name: Clinic}
  ed:
    name: Emergency
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic: {name: Clinic}
""",
        {("duplicate-waiting-area-key", "units.ed.waitingAreas.clinic", "15:7")},
    ),
    "duplicate-meeting-room-key": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    meetingRooms:
      huddle: {name: Huddle}
  ed:
    name: Emergency
    roles: {organisationAdministrators: [ana@m.example]}
    meetingRooms:
      huddle: {name: Huddle}
""",
        {("duplicate-meeting-room-key", "units.ed.meetingRooms.huddle", "15:7")},
    ),
    "unknown-waiting-area": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic: {name: Clinic}
    meetingRooms:
      case-review:
        name: Case Review
        waitingArea: clinc
""",
        {("unknown-waiting-area", "units.im.meetingRooms.case-review.waitingArea", "14:22")},
    ),
    "unknown-waiting-area in another unit": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic: {name: Clinic}
  ed:
    name: Emergency
    roles: {organisationAdministrators: [ana@m.example]}
    meetingRooms:
      handover: {name: Handover, waitingArea: clinic}
""",
        {("unknown-waiting-area", "units.ed.meetingRooms.handover.waitingArea", "15:47")},
    ),
    "duplicate-unit-name": (
        """\
  im:
    name: Medicine
    roles: {organisationAdministrators: [ana@m.example]}
  im2:
    name: Medicine
    roles: {organisationAdministrators: [ana@m.example]}
""",
        {("duplicate-unit-name", "units.im2.name", "10:11")},
    ),
    "duplicate-waiting-area-name": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      a: {name: Clinic}
      b: {name: Clinic}
""",
        {("duplicate-waiting-area-name", "units.im.waitingAreas.b.name", "11:17")},
    ),
    "duplicate-meeting-room-name": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    meetingRooms:
      a: {name: Huddle}
      b: {name: Huddle}
""",
        {("duplicate-meeting-room-name", "units.im.meetingRooms.b.name", "11:17")},
    ),
    "duplicate-email": (
        """\
  im:
    name: Internal Medicine
    roles:
      organisationAdministrators:
        - ana@m.example
        - ANA@M.example
""",
        {("duplicate-email", "units.im.roles.organisationAdministrators[1]", "11:11")},
    ),
    "no-organisation-administrator": (
        """\
  im:
    name: Internal Medicine
    roles:
      organisationReporters: [data@m.example]
""",
        {("no-organisation-administrator", "units.im.roles.organisationAdministrators", "8:5")},
    ),
    "unknown-timezone": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic:
        name: Clinic
        accessHours:
          timezone: Australia/Sidney
""",
        {("unknown-timezone", "units.im.waitingAreas.clinic.accessHours.timezone", "13:21")},
    ),
    "from-not-before-to": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic:
        name: Clinic
        accessHours:
          open:
            - {days: [mon], from: "17:00", to: "09:00"}
""",
        {("from-not-before-to", "units.im.waitingAreas.clinic.accessHours.open[0].to", "14:48")},
    ),
    "duplicate-day": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic:
        name: Clinic
        accessHours:
          open:
            - {days: [mon, tue, mon], from: "09:00", to: "12:00"}
""",
        {
            (
                "duplicate-day",
                "units.im.waitingAreas.clinic.accessHours.open[0].days[2]",
                "14:33",
            )
        },
    ),
    "overlapping-hours": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic:
        name: Clinic
        accessHours:
          open:
            - {days: [mon, tue], from: "08:00", to: "18:00"}
            - {days: [wed], from: "08:00", to: "12:00"}
            - {days: [tue], from: "12:00", to: "13:00"}
""",
        {("overlapping-hours", "units.im.waitingAreas.clinic.accessHours.open[2]", "16:15")},
    ),
    "duplicate-caller-detail-key": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic:
        name: Clinic
        callerDetails:
          - {key: dob, label: Date of birth, type: date}
          - {key: dob, label: Birthday}
""",
        {
            (
                "duplicate-caller-detail-key",
                "units.im.waitingAreas.clinic.callerDetails[1].key",
                "14:19",
            )
        },
    ),
    "reserved-caller-detail-key": (
        """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic:
        name: Clinic
        callerDetails:
          - {key: phone, label: Phone}
""",
        {
            (
                "reserved-caller-detail-key",
                "units.im.waitingAreas.clinic.callerDetails[0].key",
                "13:19",
            )
        },
    ),
    "duplicate-reporting-tag": (
        """\
  im:
    name: Internal Medicine
    reportingTags: [medicine, medicine]
    roles: {organisationAdministrators: [ana@m.example]}
""",
        {("duplicate-reporting-tag", "units.im.reportingTags[1]", "8:31")},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule_reports_position(validate: Callable[..., set[tuple[str, str, str]]], case: str):
    body, expected = CASES[case]
    assert validate(HEAD + body) == expected


def test_missing_timezone_without_defaults(validate: Callable[..., set[tuple[str, str, str]]]):
    found = validate(
        """\
        apiVersion: vcorg/v1
        organisation: metro-health
        units:
          im:
            name: Internal Medicine
            roles: {organisationAdministrators: [ana@m.example]}
            waitingAreas:
              clinic: {name: Clinic}
              ward:
                name: Ward
                accessHours: {timezone: Australia/Perth}
        """
    )
    assert found == {("missing-timezone", "units.im.waitingAreas.clinic", "8:7")}


def test_unknown_default_timezone_reported_once(validate):
    found = validate(
        """\
        apiVersion: vcorg/v1
        organisation: metro-health
        defaults: {timezone: Mars/Olympus}
        units:
          im:
            name: Internal Medicine
            roles: {organisationAdministrators: [ana@m.example]}
            waitingAreas:
              a: {name: A}
              b: {name: B}
        """
    )
    assert found == {("unknown-timezone", "defaults.timezone", "3:22")}


def test_suspended_without_message_is_only_a_warning(tmp_path):
    from vcorg.config import Severity, check_config

    (tmp_path / "org.yaml").write_text(
        HEAD
        + """\
  im:
    name: Internal Medicine
    roles: {organisationAdministrators: [ana@m.example]}
    waitingAreas:
      clinic: {name: Clinic, suspended: true}
""",
        encoding="utf-8",
    )
    result = check_config([tmp_path / "org.yaml"])
    assert result.ok and result.config is not None
    assert [(p.id, p.severity, p.line, p.column) for p in result.problems] == [
        ("suspended-without-message", Severity.WARNING, 10, 41)
    ]


def test_unit_keys_unique_across_files_naming_both(tmp_path):
    from vcorg.config import check_config

    head = "apiVersion: vcorg/v1\norganisation: metro-health\n"
    unit = (
        "units:\n  im:\n    name: {name}\n"
        "    roles: {{organisationAdministrators: [a@m.example]}}\n"
    )
    (tmp_path / "a.yaml").write_text(head + unit.format(name="A"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(head + unit.format(name="B"), encoding="utf-8")
    result = check_config([tmp_path])
    assert [(p.id, p.file, p.line, p.column, p.path) for p in result.problems] == [
        ("duplicate-unit-key", str(tmp_path / "b.yaml"), 4, 3, "units.im")
    ]
    assert f"{tmp_path / 'a.yaml'}:4:3" in result.problems[0].message


def test_catalogue_ids_are_stable_kebab_case():
    from vcorg.config.rules import catalogue

    ids = catalogue()
    assert set(rule_ids()) <= set(ids)
    for rule, text in ids.items():
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule), rule
        assert text


def test_every_rule_id_has_a_failing_example():
    pinned = {next(iter(expected))[0] for _, expected in CASES.values()}
    pinned |= {"missing-timezone", "suspended-without-message", "duplicate-unit-key"}
    assert set(rule_ids()) <= pinned
    for rule in rule_ids():
        assert rule == rule.lower() and " " not in rule and "_" not in rule


def test_a_duplicate_unit_is_still_checked_in_its_own_file(tmp_path):
    from vcorg.config import check_config

    head = "apiVersion: vcorg/v1\norganisation: metro-health\n"
    unit = "units:\n  im:\n    name: A\n    roles: {organisationAdministrators: [a@m.example]}\n"
    (tmp_path / "a.yaml").write_text(head + unit, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(head + unit + "    nmae: B\n", encoding="utf-8")
    result = check_config([tmp_path])
    assert [(p.id, p.file, p.line, p.column) for p in result.problems] == [
        ("duplicate-unit-key", str(tmp_path / "b.yaml"), 4, 3),
        ("unknown-key", str(tmp_path / "b.yaml"), 7, 5),
    ]
