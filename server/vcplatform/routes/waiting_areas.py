"""Waiting areas. Their link never changes, not even when they move to another unit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vcplatform import apimodels, audit, models, serialize
from vcplatform.access import Principal
from vcplatform.context import IdempotencyKey, IfMatch, OrgCtx, check_if_match, respond
from vcplatform.errors import ValidationFailed
from vcplatform.ids import new_id, new_link_token
from vcplatform.pagination import page
from vcplatform.routes.common import (
    DEFAULT_PAGE,
    Cursor,
    Limit,
    UnitFilter,
    ensure_unique_name,
    load,
    touch,
)

router = APIRouter(tags=["waiting areas"])

MANAGE = "only a system administrator or an organisation administrator of the unit can do this"

SETTINGS = (
    "name",
    "description",
    "type",
    "caller_details",
    "information_for_callers",
    "suspended",
    "suspended_message_for_callers",
    "suspended_message_for_staff",
    "reporting_tags",
)


def target_unit(session: Session, principal: Principal, unit_id: str) -> models.Unit:
    """The unit named in a body: 422 (not 404) when it is not in the organisation."""
    unit = session.scalars(
        select(models.Unit)
        .where(models.Unit.id == unit_id, models.Unit.org_id == principal.org_id)
        .with_for_update(read=True)
    ).first()
    if unit is None:
        raise ValidationFailed.field("unitId", f"there is no unit with id {unit_id!r}")
    principal.require(principal.can_manage_unit(unit.id), MANAGE)
    return unit


def scoped_list(principal: Principal, model: Any, unit_id: str | None) -> Any:
    stmt = select(model).where(model.org_id == principal.org_id)
    if unit_id is not None:
        stmt = stmt.where(model.unit_id == unit_id)
    readable = principal.readable_unit_ids()
    if readable is not None:
        stmt = stmt.where(
            or_(model.unit_id.in_(readable), model.id.in_(principal.readable_scope_ids()))
        )
    return stmt


@router.get("/orgs/{org}/waiting-areas", response_model=apimodels.WaitingAreaPage)
def list_waiting_areas(
    ctx: OrgCtx,
    unit_id: UnitFilter = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Any:
    stmt = scoped_list(ctx.principal, models.WaitingArea, unit_id)
    with ctx.reading() as session:
        return page(
            session,
            stmt,
            models.WaitingArea,
            limit=limit,
            cursor=cursor,
            render=serialize.waiting_area,
        )


@router.post("/orgs/{org}/waiting-areas", status_code=201, response_model=apimodels.WaitingArea)
def create_waiting_area(
    body: apimodels.WaitingAreaCreate, ctx: OrgCtx, idempotency_key: IdempotencyKey = None
) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        unit = target_unit(session, principal, body.unit_id)
        ensure_unique_name(session, models.WaitingArea, name=body.name, unit_id=unit.id)
        area = models.WaitingArea(
            id=new_id("wa"),
            org_id=principal.org_id,
            unit_id=unit.id,
            access_hours=body.access_hours.model_dump(mode="json", by_alias=True),
            caller_details=[d.model_dump(mode="json", by_alias=True) for d in body.caller_details],
            link=f"{ctx.settings.public_url}/wait/{new_link_token()}",
            **{name: getattr(body, name) for name in SETTINGS if name != "caller_details"},
        )
        session.add(area)
        session.flush()
        after = serialize.waiting_area(area)
        audit.record(
            session,
            org_id=principal.org_id,
            actor=principal.actor,
            action="waiting-area.create",
            object_id=area.id,
            before=None,
            after=after,
        )
        return 201, after

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


@router.get("/orgs/{org}/waiting-areas/{area_id}", response_model=apimodels.WaitingArea)
def get_waiting_area(area_id: str, ctx: OrgCtx) -> Response:
    with ctx.reading() as session:
        area = load(session, models.WaitingArea, ctx.principal.org_id, area_id)
        ctx.principal.require(
            ctx.principal.can_read_scope(area.unit_id, area.id),
            "you hold no role on this waiting area or its unit",
        )
        return respond(200, serialize.waiting_area(area))


@router.patch("/orgs/{org}/waiting-areas/{area_id}", response_model=apimodels.WaitingArea)
def update_waiting_area(
    area_id: str,
    body: apimodels.WaitingAreaPatch,
    ctx: OrgCtx,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        area = load(session, models.WaitingArea, principal.org_id, area_id, lock=True)
        principal.require(principal.can_manage_unit(area.unit_id), MANAGE)
        check_if_match(if_match, area.version)
        before = serialize.waiting_area(area)
        fields = body.model_fields_set
        moved_from = None
        if "unit_id" in fields and body.unit_id != area.unit_id:
            unit = target_unit(session, principal, body.unit_id)
            moved_from, area.unit_id = area.unit_id, unit.id
        new_name = body.name if "name" in fields else area.name
        if moved_from is not None or new_name != area.name:
            ensure_unique_name(
                session,
                models.WaitingArea,
                name=new_name,
                exclude_id=area.id,
                unit_id=area.unit_id,
            )
        for name in SETTINGS:
            if name in fields and name != "caller_details":
                setattr(area, name, getattr(body, name))
        if "access_hours" in fields:
            area.access_hours = body.access_hours.model_dump(mode="json", by_alias=True)
        if "caller_details" in fields:
            area.caller_details = [
                d.model_dump(mode="json", by_alias=True) for d in body.caller_details
            ]
        if serialize.waiting_area(area) == before:
            return 200, before
        touch(area)
        if moved_from is not None:
            _follow_move(session, principal, area, moved_from)
        session.flush()
        after = serialize.waiting_area(area)
        audit.record(
            session,
            org_id=principal.org_id,
            actor=principal.actor,
            action="waiting-area.move" if moved_from else "waiting-area.update",
            object_id=area.id,
            before=before,
            after=after,
        )
        return 200, after

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


def _follow_move(
    session: Session, principal: Principal, area: models.WaitingArea, old_unit_id: str
) -> None:
    """Keep invariants after a move: grants follow; rooms left behind lose their owner."""
    for grant in session.scalars(select(models.Grant).where(models.Grant.scope_id == area.id)):
        grant.unit_id = area.unit_id
    rooms = session.scalars(
        select(models.MeetingRoom)
        .where(models.MeetingRoom.waiting_area_id == area.id)
        .with_for_update()
    )
    for room in rooms:
        before = serialize.meeting_room(room)
        room.waiting_area_id = None
        touch(room)
        session.flush()
        audit.record(
            session,
            org_id=principal.org_id,
            actor=principal.actor,
            action="meeting-room.update",
            object_id=room.id,
            before=before,
            after=serialize.meeting_room(room),
        )


@router.delete("/orgs/{org}/waiting-areas/{area_id}", status_code=204, response_class=Response)
def delete_waiting_area(area_id: str, ctx: OrgCtx, if_match: IfMatch = None) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, None]:
        area = load(session, models.WaitingArea, principal.org_id, area_id, lock=True)
        principal.require(principal.can_manage_unit(area.unit_id), MANAGE)
        check_if_match(if_match, area.version)
        before = serialize.waiting_area(area)
        _follow_move(session, principal, area, area.unit_id)
        audit.delete_grants_of(
            session, org_id=principal.org_id, actor=principal.actor, scope_id=area.id
        )
        session.delete(area)
        audit.record(
            session,
            org_id=principal.org_id,
            actor=principal.actor,
            action="waiting-area.delete",
            object_id=area.id,
            before=before,
            after=None,
        )
        return 204, None

    return ctx.mutate(change)
