"""Absurdly large values give one positioned error with a short echo (issue 12, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vcorg.config import check_config

HEAD = "apiVersion: vcorg/v1\norganisation: metro-health\ndefaults: {timezone: UTC}\n"
UNIT = (
    "units:\n  im:\n    name: Internal Medicine\n"
    "    roles: {organisationAdministrators: [a@m.example]}\n"
)
DIGITS = "9" * 5000


def _problems(tmp_path: Path, text: str):
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return check_config([path]).problems


@pytest.mark.parametrize("sign", ["", "-", "+"])
def test_a_5000_digit_integer_is_one_error_with_its_path(tmp_path, sign):
    text = (
        HEAD + UNIT + f"    meetingRooms:\n      r: {{name: R, maxParticipants: {sign}{DIGITS}}}\n"
    )
    problems = _problems(tmp_path, text)
    assert [(p.id, p.path, p.line, p.column) for p in problems] == [
        (
            "too-large" if sign != "-" else "too-small",
            "units.im.meetingRooms.r.maxParticipants",
            9,
            37,
        )
    ]
    message = problems[0].message
    assert len(str(problems[0])) < 300, message
    assert "5000 digits" in message
    assert message.startswith(f"{sign}99999")


def test_a_5000_digit_integer_where_text_belongs(tmp_path):
    text = HEAD + UNIT.replace("name: Internal Medicine", f"name: {DIGITS}")
    problems = _problems(tmp_path, text)
    assert [(p.id, p.path) for p in problems] == [("wrong-type", "units.im.name")]
    assert len(problems[0].message) < 200
    assert "5000 digits" in problems[0].message


def test_a_long_text_value_is_echoed_truncated(tmp_path):
    text = HEAD + UNIT + f"    meetingRooms:\n      r: {{name: R, maxParticipants: x{DIGITS}}}\n"
    problems = _problems(tmp_path, text)
    assert [(p.id, p.path) for p in problems] == [
        ("wrong-type", "units.im.meetingRooms.r.maxParticipants")
    ]
    assert len(problems[0].message) < 200
