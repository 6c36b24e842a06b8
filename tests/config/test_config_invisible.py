"""Names and emails hold only what a reviewer can see (issue 12, item 6).

`ana\\u202e@x.example` (a right-to-left override) used to pass validation, show raw in
plans and be invited. Emails are now checked by email-validator; names refuse control,
format (bidi, zero-width), separator and filler characters.
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import email_validator
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from vcorg.config import check_config
from vcorg.config.text import real_email

HEAD = "apiVersion: vcorg/v1\norganisation: metro-health\ndefaults: {timezone: UTC}\n"
# Domains reserved for other uses (RFC 6761 and others): no invitation can reach them.
SPECIAL_USE = {"arpa", "invalid", "local", "localhost", "onion", "test"}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

# Characters a reader cannot see, or cannot tell from a plain space.
INVISIBLE = [
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u202d",  # LEFT-TO-RIGHT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u061c",  # ARABIC LETTER MARK
    "\u200b",  # ZERO WIDTH SPACE
    "\u200c",  # ZERO WIDTH NON-JOINER
    "\u200d",  # ZERO WIDTH JOINER
    "\u2060",  # WORD JOINER
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (BOM)
    "\u00ad",  # SOFT HYPHEN
    "\u00a0",  # NO-BREAK SPACE
    "\u3164",  # HANGUL FILLER
    "\U000e0041",  # TAG LATIN CAPITAL LETTER A
    "\x00",
    "\x1b",
    "\u2028",  # LINE SEPARATOR
]


def _org(tmp_path: Path, *, name: str = "Internal Medicine", email: str = "a@m.example"):
    data = {
        "apiVersion": "vcorg/v1",
        "organisation": "metro-health",
        "defaults": {"timezone": "UTC"},
        "units": {
            "im": {
                "name": name,
                "roles": {"organisationAdministrators": [email]},
                "meetingRooms": {"huddle": {"name": name}},
            }
        },
    }
    path = tmp_path / "org.yaml"
    # allow_unicode=False: PyYAML writes every character as an escape, so the file is
    # plain ASCII and the test controls exactly which code points reach the loader.
    path.write_text(yaml.safe_dump(data, allow_unicode=False), encoding="utf-8")
    return check_config([path]).problems


def _ids(problems) -> set[tuple[str, str]]:
    return {(p.id, p.path) for p in problems}


def test_the_issue_email_is_refused(tmp_path):
    problems = _org(tmp_path, email="ana\u202e@x.example")
    assert _ids(problems) == {("invalid-format", "units.im.roles.organisationAdministrators[0]")}
    [problem] = problems
    # The echo shows the character as an escape, and the reason names it.
    assert "'ana\\u202e@x.example'" in problem.message
    assert "RIGHT-TO-LEFT OVERRIDE" in problem.message
    assert "\u202e" not in str(problem)


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_names_refuse_invisible_characters(tmp_path, char):
    problems = _org(tmp_path, name=f"Internal{char}Medicine")
    assert _ids(problems) == {
        ("invalid-format", "units.im.name"),
        ("invalid-format", "units.im.meetingRooms.huddle.name"),
    }
    label = unicodedata.name(char, f"U+{ord(char):04X}")
    assert all(label in p.message for p in problems), [p.message for p in problems]
    assert all(char not in str(p) for p in problems)


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_emails_refuse_invisible_characters(tmp_path, char):
    problems = _org(tmp_path, email=f"ana{char}@x.example")
    assert _ids(problems) == {("invalid-format", "units.im.roles.organisationAdministrators[0]")}


@pytest.mark.parametrize(
    "email",
    [
        "a@b",  # no top-level domain
        "a..b@x.example",
        "a.@x.example",
        '"a b"@x.example',
        "a@[192.0.2.1]",
        "ana@localhost.localdomain.local",  # special-use domain
        "ana@x.example.",
        "ana@-x.example",
        "Ana Lee <ana@x.example>",
    ],
)
def test_emails_are_checked_as_real_addresses(tmp_path, email):
    problems = _org(tmp_path, email=email)
    assert _ids(problems) == {("invalid-format", "units.im.roles.organisationAdministrators[0]")}


@pytest.mark.parametrize("email", ["josé@x.example", "😀@x.example", "анна@x.example"])
def test_non_ascii_local_parts_are_refused_with_the_reason(tmp_path, email):
    [problem] = _org(tmp_path, email=email)
    assert problem.id == "invalid-format"
    assert "only ASCII before the @" in problem.message


@pytest.mark.parametrize("email", ["ana@bücher.example", "Ana.Lee+clinic@Metro-Health.example"])
def test_real_addresses_pass_as_written(tmp_path, email):
    path = tmp_path / "org.yaml"
    assert _org(tmp_path, email=email) == []
    config = check_config([path]).config
    assert config is not None
    assert config.units["im"].roles.organisation_administrators == [email]


@pytest.mark.parametrize("name", ["☕ Break Room", "Клиника Север", "عيادة", "Zürich Ärzte"])
def test_visible_non_ascii_and_single_emoji_names_pass(tmp_path, name):
    assert _org(tmp_path, name=name) == []


@FUZZ
@given(
    prefix=st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=10),
    char=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Co"]),
    suffix=st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=10),
)
def test_property_any_invisible_character_in_a_name_is_refused(prefix, char, suffix):
    assume(char != " ")
    with tempfile.TemporaryDirectory() as tmp:
        problems = _org(Path(tmp), name=f"{prefix}{char}{suffix}")
    assert ("invalid-format", "units.im.name") in _ids(problems)
    assert all(char not in str(p) for p in problems)


@FUZZ
@given(name=st.text(st.characters(categories=["L", "M", "N", "P", "S"]), min_size=1, max_size=60))
def test_property_visible_names_pass(name):
    with tempfile.TemporaryDirectory() as tmp:
        problems = _org(Path(tmp), name=name)
    assert ("invalid-format", "units.im.name") not in _ids(problems), problems


@FUZZ
@given(email=st.emails())
def test_property_real_ascii_addresses_pass(email):
    assume(
        email.rsplit(".", 1)[-1].lower()
        not in {"arpa", "invalid", "local", "localhost", "onion", "test"}
    )
    with tempfile.TemporaryDirectory() as tmp:
        problems = _org(Path(tmp), email=email)
    assert problems == [], (email, [str(p) for p in problems])


@FUZZ
@given(
    email=st.emails(),
    char=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Co"]),
    at=st.integers(min_value=0),
)
def test_property_an_invisible_character_anywhere_in_an_email_is_refused(email, char, at):
    at %= len(email) + 1
    with tempfile.TemporaryDirectory() as tmp:
        problems = _org(Path(tmp), email=email[:at] + char + email[at:])
    assert ("invalid-format", "units.im.roles.organisationAdministrators[0]") in _ids(problems)


@FUZZ
@given(
    local=st.one_of(
        st.text(st.characters(codec="ascii"), min_size=0, max_size=70),
        st.from_regex(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,66}", fullmatch=True),
    ),
    domain=st.sampled_from(["x.example", "metro-health.example", "bücher.example", "a.test"]),
)
def test_property_the_fast_path_agrees_with_email_validator(local, domain):
    """vcorg skips email-validator for plain local parts; its verdict must not change."""
    address = f"{local}@{domain}"
    try:
        email_validator.validate_email(
            address,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
        )
        expected = True
    except email_validator.EmailNotValidError:
        expected = False
    try:
        real_email(address)
        got = True
    except PydanticCustomError:
        got = False
    assert got is expected, address
