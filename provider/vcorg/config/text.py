"""Checks on text a reviewer must be able to see: names, tags and email addresses.

A plan is reviewed by people, so what they read must be what the platform gets:

- **Names and tags** hold only visible characters and plain spaces. Control and format
  characters (bidirectional overrides, zero-width spaces and joiners, soft hyphens, tag
  characters), line and paragraph separators, spaces other than U+0020 and filler
  characters that render as blanks are refused. Visible non-ASCII text (accents, other
  scripts) and single emoji are fine; emoji built with the invisible zero-width joiner
  (U+200D) are not.
- **Email addresses** are checked as real addresses by `email-validator`, offline (no
  DNS look-up, so validation gives the same answer in CI as on a laptop). The part
  before the @ must be ASCII: invitations to internationalised local parts need SMTPUTF8
  end to end, which many mail systems lack, and non-ASCII there is where look-alike
  addresses hide. Internationalised domain names are accepted (they travel as
  punycode). Quoted local parts, IP-address domains, display names and special-use
  domains (`.test`, `.local`, ...) are refused. The address is kept as written.
"""

from __future__ import annotations

import functools
import re

import email_validator
from pydantic_core import PydanticCustomError

from vcorg.visible import char_label, first_hidden

INVISIBLE_ERROR = "invisible_character"
EMAIL_ERROR = "email_address"


def visible_text(value: str) -> str:
    """Pydantic validator for names and tags: refuse any character a reviewer cannot see."""
    hidden = first_hidden(value)
    if hidden is not None:
        raise PydanticCustomError(
            INVISIBLE_ERROR,
            "contains {char}, a character that cannot be seen; use only visible "
            "characters and plain spaces",
            {"char": char_label(hidden)},
        )
    return value


def real_email(value: str) -> str:
    """Pydantic validator: an address an invitation can be sent to, kept as written."""
    hidden = first_hidden(value)
    reason: str | None
    if hidden is not None:
        reason = f"it contains {char_label(hidden)}, a character that cannot be seen"
    else:
        reason = _email_problem(value)
    if reason is not None:
        raise PydanticCustomError(
            EMAIL_ERROR, "is not an email address: {reason}", {"reason": reason}
        )
    return value


def _email_problem(value: str) -> str | None:
    local, at, domain = value.rpartition("@")
    if not at:
        return _check(value)  # says what is missing
    if not local.isascii():
        return (
            "vcorg accepts only ASCII before the @ (internationalised local parts are "
            "not deliverable everywhere)"
        )
    # Checking a domain costs most of the time, and an organisation uses a handful of
    # them: each is checked once. The local part is then checked against a short
    # stand-in domain, unless it is a plain dot-atom, which email-validator always
    # accepts (tests/config/test_config_invisible.py holds the two to agreeing).
    problem = _domain_problem(domain)
    if problem is not None or (value.isascii() and PLAIN_LOCAL_PART.fullmatch(local)):
        return problem
    return _check(f"{local}@{_STAND_IN_DOMAIN}")


_STAND_IN_DOMAIN = "a.io"
# RFC 5322 dot-atom of ASCII "atext", at most 64 characters (RFC 5321).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
PLAIN_LOCAL_PART = re.compile(rf"(?=.{{1,64}}$){_ATEXT}(?:\.{_ATEXT})*")


@functools.lru_cache(maxsize=1024)
def _domain_problem(domain: str) -> str | None:
    return _check(f"a@{domain}")


def _check(address: str) -> str | None:
    try:
        email_validator.validate_email(
            address,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
            allow_empty_local=False,
        )
    except email_validator.EmailNotValidError as exc:
        text = str(exc).rstrip(".")
        return text[:1].lower() + text[1:]
    return None
