"""``vcplatform dump``: an organisation's full tree as sorted, stable JSON.

Timestamps are left out so two dumps of the same content compare equal.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select

from vcplatform import models, serialize
from vcplatform.db import Database
from vcplatform.operator import find_org

Dumped = TypeVar(
    "Dumped", models.Account, models.Unit, models.WaitingArea, models.MeetingRoom, models.Grant
)

VOLATILE = ("createdAt", "updatedAt")


def _stable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in VOLATILE}


def _grants(by_scope: dict[str, list[models.Grant]], scope_id: str) -> list[dict[str, Any]]:
    rows = [
        {
            "id": g.id,
            "role": g.role,
            "email": g.email,
            "state": serialize.grant_state(g),
            "accountId": g.account_id,
            "sendCount": g.invitation_send_count,
        }
        for g in by_scope.get(scope_id, [])
    ]
    return sorted(rows, key=lambda r: (r["role"], r["email"], r["state"], r["id"]))


def dump(db: Database, org_key: str) -> dict[str, Any]:
    with db.reading() as session:
        org = find_org(session, org_key)

        def rows(model: type[Dumped]) -> list[Dumped]:
            return list(session.scalars(select(model).where(model.org_id == org.id)))

        grants: dict[str, list[models.Grant]] = {}
        for grant in rows(models.Grant):
            grants.setdefault(grant.scope_id, []).append(grant)
        areas = rows(models.WaitingArea)
        rooms = rows(models.MeetingRoom)
        units = []
        for unit in rows(models.Unit):
            units.append(
                {
                    **_stable(serialize.unit(unit)),
                    "grants": _grants(grants, unit.id),
                    "waitingAreas": sorted(
                        (
                            {**_stable(serialize.waiting_area(a)), "grants": _grants(grants, a.id)}
                            for a in areas
                            if a.unit_id == unit.id
                        ),
                        key=lambda a: (a["name"], a["id"]),
                    ),
                    "meetingRooms": sorted(
                        (
                            {**_stable(serialize.meeting_room(r)), "grants": _grants(grants, r.id)}
                            for r in rooms
                            if r.unit_id == unit.id
                        ),
                        key=lambda r: (r["name"], r["id"]),
                    ),
                }
            )
        accounts = sorted(
            (
                {"email": a.email, "systemAdministrator": a.system_administrator}
                for a in rows(models.Account)
            ),
            key=lambda a: str(a["email"]),
        )
        return {
            "organisation": {"id": org.id, "key": org.key, "name": org.name},
            "accounts": accounts,
            "units": sorted(units, key=lambda u: (u["name"], u["id"])),
        }
