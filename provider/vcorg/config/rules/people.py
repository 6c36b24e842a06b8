"""Role lists: no duplicates, and nobody locked out of a unit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pydantic import BaseModel

from vcorg.config.models import OrgConfig
from vcorg.config.positions import SourceMap
from vcorg.config.problem import Problem
from vcorg.config.rules.base import Parts, area_path, problem, room_path

IDS = {
    "duplicate-email": "An email is listed once per role list (compared case-insensitively).",
    "no-organisation-administrator": (
        "Every unit keeps at least one organisation administrator, so nobody is locked out."
    ),
}


def _role_lists(config: OrgConfig) -> Iterator[tuple[Parts, BaseModel]]:
    for unit_key, unit in config.units.items():
        found: list[tuple[Parts, BaseModel | None]] = [(("units", unit_key, "roles"), unit.roles)]
        found += [
            ((*area_path(unit_key, k), "roles"), a.roles)
            for k, a in (unit.waiting_areas or {}).items()
        ]
        found += [
            ((*room_path(unit_key, k), "roles"), r.roles)
            for k, r in (unit.meeting_rooms or {}).items()
        ]
        # A roles map that failed the schema altogether is a hole (vcorg.config.salvage).
        yield from ((parts, roles) for parts, roles in found if roles is not None)


def unique_emails(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    """Emails compare case-insensitively, as the platform lowercases them."""
    for parts, roles in _role_lists(config):
        for name, field in type(roles).model_fields.items():
            emails: Sequence[str | None] = getattr(roles, name) or ()
            seen: dict[str, int] = {}
            for index, email in enumerate(emails):
                if email is None:
                    continue
                folded = email.lower()
                if folded in seen:
                    yield problem(
                        sources,
                        "duplicate-email",
                        (*parts, field.alias or name, index),
                        f"{email!r} is already listed as item {seen[folded]} of this role "
                        "(emails compare case-insensitively)",
                    )
                else:
                    seen[folded] = index


def unit_has_administrator(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    """Without an organisation administrator, nobody but the system admin can manage a unit."""
    for unit_key, unit in config.units.items():
        if unit.roles is None or unit.roles.organisation_administrators is None:
            continue  # the list failed the schema: that error says enough
        if not unit.roles.organisation_administrators:
            yield problem(
                sources,
                "no-organisation-administrator",
                ("units", unit_key, "roles", "organisationAdministrators"),
                f"unit {unit_key!r} has no organisation administrator; list at least one "
                "under roles.organisationAdministrators so the unit is never locked out",
                at_key=True,
            )


RULES = (unique_emails, unit_has_administrator)
