"""Organisational units."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from vcplatform import apimodels, models, serialize
from vcplatform.audit import Recorder
from vcplatform.context import IdempotencyKey, IfMatch, OrgCtx, check_if_match, respond
from vcplatform.errors import UnitNotEmpty
from vcplatform.ids import new_id
from vcplatform.pagination import page
from vcplatform.routes.common import (
    DEFAULT_PAGE,
    Cursor,
    Limit,
    columns,
    ensure_unique_name,
    load,
    settings,
)

router = APIRouter(tags=["units"])

# Fields a PATCH copies as they are (the name is checked for uniqueness first).
PATCHED = settings(apimodels.UnitPatch, handled={"name"})


@router.get("/orgs/{org}/units", response_model=apimodels.UnitPage)
def list_units(ctx: OrgCtx, limit: Limit = DEFAULT_PAGE, cursor: Cursor = None) -> Any:
    principal = ctx.principal
    stmt = select(models.Unit).where(models.Unit.org_id == principal.org_id)
    readable = principal.readable_unit_ids()
    if readable is not None:
        stmt = stmt.where(models.Unit.id.in_(readable))
    with ctx.reading() as session:
        return page(session, stmt, models.Unit, limit=limit, cursor=cursor, render=serialize.unit)


@router.post("/orgs/{org}/units", status_code=201, response_model=apimodels.Unit)
def create_unit(
    body: apimodels.UnitCreate, ctx: OrgCtx, idempotency_key: IdempotencyKey = None
) -> Response:
    principal = ctx.principal
    principal.require(
        principal.system_administrator, "only a system administrator can create units"
    )

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        ensure_unique_name(session, models.Unit, name=body.name, org_id=principal.org_id)
        unit = models.Unit(
            id=new_id("unit"),
            org_id=principal.org_id,
            **columns(body, settings(apimodels.UnitCreate)),
        )
        return 201, Recorder.of(session, principal).created("unit.create", unit)

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


@router.get("/orgs/{org}/units/{unit_id}", response_model=apimodels.Unit)
def get_unit(unit_id: str, ctx: OrgCtx) -> JSONResponse | Response:
    with ctx.reading() as session:
        unit = load(session, models.Unit, ctx.principal.org_id, unit_id)
        ctx.principal.require(ctx.principal.can_read_unit(unit.id), "you hold no role on this unit")
        return respond(200, serialize.unit(unit))


@router.patch("/orgs/{org}/units/{unit_id}", response_model=apimodels.Unit)
def update_unit(
    unit_id: str,
    body: apimodels.UnitPatch,
    ctx: OrgCtx,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        unit = load(session, models.Unit, principal.org_id, unit_id, lock=True)
        principal.require(
            principal.can_manage_unit(unit.id),
            "only a system administrator or an organisation administrator of this unit "
            "can change it",
        )
        check_if_match(if_match, unit.version)
        before = serialize.unit(unit)
        fields = body.model_fields_set
        if "name" in fields and body.name != unit.name:
            ensure_unique_name(
                session, models.Unit, name=body.name, exclude_id=unit.id, org_id=principal.org_id
            )
            unit.name = body.name
        for name, value in columns(body, fields & set(PATCHED)).items():
            setattr(unit, name, value)
        return 200, Recorder.of(session, principal).updated("unit.update", unit, before)

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


@router.delete("/orgs/{org}/units/{unit_id}", status_code=204, response_class=Response)
def delete_unit(unit_id: str, ctx: OrgCtx, if_match: IfMatch = None) -> Response:
    principal = ctx.principal
    principal.require(
        principal.system_administrator, "only a system administrator can delete units"
    )

    def change(session: Session) -> tuple[int, None]:
        unit = load(session, models.Unit, principal.org_id, unit_id, lock=True)
        check_if_match(if_match, unit.version)
        areas = session.scalar(select(exists().where(models.WaitingArea.unit_id == unit.id)))
        rooms = session.scalar(select(exists().where(models.MeetingRoom.unit_id == unit.id)))
        if areas or rooms:
            raise UnitNotEmpty(
                f"unit {unit.name!r} still holds waiting areas or meeting rooms; "
                "delete or move them first"
            )
        recorder = Recorder.of(session, principal)
        recorder.delete_grants_of(unit.id)
        recorder.deleted("unit.delete", unit)
        return 204, None

    return ctx.mutate(change)
