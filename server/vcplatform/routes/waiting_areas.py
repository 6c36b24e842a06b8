"""Waiting areas. Their link never changes, not even when they move to another unit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from vcplatform import apimodels, models, serialize
from vcplatform.access import Principal
from vcplatform.audit import Recorder
from vcplatform.context import IdempotencyKey, IfMatch, OrgCtx, check_if_match
from vcplatform.errors import ValidationFailed
from vcplatform.ids import new_id, new_link_token
from vcplatform.pagination import page
from vcplatform.routes.common import (
    DEFAULT_PAGE,
    Cursor,
    Limit,
    UnitFilter,
    columns,
    ensure_unique_name,
    load,
    respond_in_scope,
    settings,
)

router = APIRouter(tags=["waiting areas"])

MANAGE = "only a system administrator or an organisation administrator of the unit can do this"

# Fields copied to columns as they are; the unit (a move) and the name are checked first.
CREATED = settings(apimodels.WaitingAreaCreate, handled={"unit_id"})
PATCHED = settings(apimodels.WaitingAreaPatch, handled={"unit_id", "name"})


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


def scoped_list(
    principal: Principal, model: type[models.InUnit], unit_id: str | None
) -> Select[models.InUnit]:
    """The objects of ``model`` the principal may read, optionally in one unit only."""
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
            link=f"{ctx.settings.public_url}/wait/{new_link_token()}",
            **columns(body, CREATED),
        )
        return 201, Recorder.of(session, principal).created("waiting-area.create", area)

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


@router.get("/orgs/{org}/waiting-areas/{area_id}", response_model=apimodels.WaitingArea)
def get_waiting_area(area_id: str, ctx: OrgCtx) -> Response:
    return respond_in_scope(ctx, models.WaitingArea, area_id, serialize.waiting_area)


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
        if "name" in fields:
            area.name = body.name
        for name, value in columns(body, fields & set(PATCHED)).items():
            setattr(area, name, value)
        recorder = Recorder.of(session, principal)
        if moved_from is None:
            return 200, recorder.updated("waiting-area.update", area, before)
        return 200, recorder.updated(
            "waiting-area.move", area, before, then=lambda: _follow_move(recorder, area)
        )

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


def _follow_move(recorder: Recorder, area: models.WaitingArea) -> None:
    """Keep invariants after a move: grants follow; rooms left behind lose their owner."""
    session = recorder.session
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
        recorder.updated("meeting-room.update", room, before)


@router.delete("/orgs/{org}/waiting-areas/{area_id}", status_code=204, response_class=Response)
def delete_waiting_area(area_id: str, ctx: OrgCtx, if_match: IfMatch = None) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, None]:
        area = load(session, models.WaitingArea, principal.org_id, area_id, lock=True)
        principal.require(principal.can_manage_unit(area.unit_id), MANAGE)
        check_if_match(if_match, area.version)
        recorder = Recorder.of(session, principal)
        _follow_move(recorder, area)
        recorder.delete_grants_of(area.id)
        recorder.deleted("waiting-area.delete", area)
        return 204, None

    return ctx.mutate(change)
