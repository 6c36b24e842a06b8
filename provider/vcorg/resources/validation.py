"""Input validation for ``check()``: every failure names the property path it is about.

The config loader validates the YAML long before this runs; these checks protect the
providers when they are used directly from a Pulumi program, and values not known yet
(during preview) are skipped.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure

from .props import is_unknown

KEY_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
TIME_RE = re.compile(r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WAITING_AREA_TYPES = ("regular", "group-consultation", "consult-now")
CALLER_DETAIL_TYPES = ("text", "date", "number", "email", "phone")
ROLES_BY_SCOPE = {
    "unit": ("organisation-administrator", "organisation-reporter"),
    "waiting-area": ("service-administrator", "service-provider"),
    "meeting-room": ("meeting-room-administrator", "meeting-room-member"),
}
MAX_NAME = 100
MAX_TEXT = 2000
MAX_TAGS = 20


class Checker:
    """Collects failures; each method checks one property and never raises."""

    def __init__(self, props: Mapping[str, Any]) -> None:
        self.props = props
        self.failures: list[CheckFailure] = []

    def fail(self, path: str, reason: str) -> None:
        self.failures.append(CheckFailure(path, reason))

    def _get(self, path: str) -> tuple[bool, Any]:
        value = self.props.get(path)
        return (not is_unknown(value)), value

    def key(self, path: str, *, required: bool = True) -> None:
        known, value = self._get(path)
        if not known or (value is None and not required):
            return
        if not isinstance(value, str) or not KEY_RE.match(value):
            self.fail(path, "must be a lowercase slug such as 'internal-medicine'")

    def text(self, path: str, *, required: bool = False, max_length: int = MAX_TEXT) -> None:
        known, value = self._get(path)
        if not known:
            return
        if value is None or value == "":
            if required:
                self.fail(path, "is required and must not be empty")
            return
        if not isinstance(value, str):
            self.fail(path, "must be text")
        elif len(value) > max_length:
            self.fail(path, f"is {len(value)} characters long; the limit is {max_length}")
        elif required and value != value.strip():
            self.fail(path, "must not start or end with spaces")

    def boolean(self, path: str) -> None:
        known, value = self._get(path)
        if known and value is not None and not isinstance(value, bool):
            self.fail(path, "must be true or false")

    def choice(self, path: str, options: tuple[str, ...]) -> None:
        known, value = self._get(path)
        if known and value not in options:
            self.fail(path, f"must be one of {', '.join(options)}")

    def tags(self, path: str) -> None:
        known, value = self._get(path)
        if not known or value is None:
            return
        if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
            self.fail(path, "must be a list of non-empty texts")
        elif len(value) > MAX_TAGS:
            self.fail(path, f"has {len(value)} tags; the limit is {MAX_TAGS}")
        elif len(set(value)) != len(value):
            self.fail(path, "must not repeat a tag")

    def object_id(self, path: str, *, required: bool = True) -> None:
        known, value = self._get(path)
        if not known or (value is None and not required):
            return
        if not isinstance(value, str) or not value:
            self.fail(path, "must be the platform id of an existing object")


def check_access_hours(checker: Checker, path: str = "accessHours") -> None:
    value = checker.props.get(path)
    if is_unknown(value):
        return
    if not isinstance(value, Mapping):
        checker.fail(path, "must be an object with 'timezone' and 'open'")
        return
    tz = value.get("timezone")
    if not isinstance(tz, str) or not tz:
        checker.fail(f"{path}.timezone", "is required (an IANA name such as Australia/Sydney)")
    else:
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            checker.fail(f"{path}.timezone", f"'{tz}' is not an IANA time zone")
    blocks = value.get("open")
    if not isinstance(blocks, list):
        checker.fail(f"{path}.open", "must be a list of opening blocks")
        return
    taken: dict[str, list[tuple[str, str]]] = {}
    for i, block in enumerate(blocks):
        here = f"{path}.open[{i}]"
        if not isinstance(block, Mapping):
            checker.fail(here, "must be an object with 'days', 'from' and 'to'")
            continue
        days = block.get("days")
        start, end = block.get("from"), block.get("to")
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
            checker.fail(f"{here}.days", f"must list days from {', '.join(DAYS)}")
            days = []
        elif len(set(days)) != len(days):
            checker.fail(f"{here}.days", "must not repeat a day")
        times_ok = True
        for key, t in (("from", start), ("to", end)):
            if not isinstance(t, str) or not TIME_RE.match(t):
                checker.fail(f"{here}.{key}", "must be a 24-hour time HH:MM")
                times_ok = False
        if not times_ok:
            continue
        assert isinstance(start, str) and isinstance(end, str)
        if start >= end:
            checker.fail(f"{here}.to", f"must be later than 'from' ({start})")
            continue
        for day in days:
            for other_start, other_end in taken.get(day, []):
                if start < other_end and other_start < end:
                    checker.fail(here, f"overlaps another block on {day}")
            taken.setdefault(day, []).append((start, end))


def check_caller_details(checker: Checker, path: str = "callerDetails") -> None:
    value = checker.props.get(path)
    if is_unknown(value) or value is None:
        return
    if not isinstance(value, list):
        checker.fail(path, "must be a list")
        return
    seen: set[str] = set()
    for i, detail in enumerate(value):
        here = f"{path}[{i}]"
        if not isinstance(detail, Mapping):
            checker.fail(here, "must be an object with 'key' and 'label'")
            continue
        key = detail.get("key")
        if not isinstance(key, str) or not key:
            checker.fail(f"{here}.key", "is required")
        elif key in seen:
            checker.fail(f"{here}.key", f"'{key}' is used twice in this waiting area")
        else:
            seen.add(key)
        label = detail.get("label")
        if not isinstance(label, str) or not label.strip():
            checker.fail(f"{here}.label", "is required")
        if detail.get("type", "text") not in CALLER_DETAIL_TYPES:
            checker.fail(f"{here}.type", f"must be one of {', '.join(CALLER_DETAIL_TYPES)}")
        if not isinstance(detail.get("required", False), bool):
            checker.fail(f"{here}.required", "must be true or false")


def check_participants(checker: Checker, path: str = "maxParticipants") -> None:
    value = checker.props.get(path)
    if is_unknown(value):
        return
    # Pulumi numbers arrive as floats.
    if not isinstance(value, int | float) or isinstance(value, bool) or value != int(value):
        checker.fail(path, "must be a whole number")
    elif not 2 <= value <= 6:
        checker.fail(path, f"is {int(value)}; a meeting room holds 2 to 6 participants")


def check_emails(checker: Checker, path: str = "emails") -> None:
    value = checker.props.get(path)
    if is_unknown(value):
        return
    if not isinstance(value, list):
        checker.fail(path, "must be a list of email addresses")
        return
    for i, email in enumerate(value):
        # Surrounding spaces are trimmed by normalisation, so they are no error.
        if not isinstance(email, str) or not EMAIL_RE.match(email.strip()) or len(email) > 254:
            checker.fail(f"{path}[{i}]", f"{email!r} is not an email address")
