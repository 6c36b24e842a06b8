"""Who am I, my organisation, and the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from vcplatform import apimodels, models, serialize
from vcplatform.context import AccountCtx, OrgCtx, respond
from vcplatform.pagination import page
from vcplatform.routes.common import DEFAULT_PAGE, Cursor, Limit

router = APIRouter(tags=["account"])


@router.get("/me", response_model=apimodels.Me)
def me(ctx: AccountCtx) -> Any:
    principal = ctx.principal
    roles = [
        {"role": role, "scopeType": scope_type, "scopeId": scope_id}
        for role, scope_type, scope_id in principal.role_rows
    ]
    if principal.system_administrator:
        roles.insert(
            0,
            {
                "role": "system-administrator",
                "scopeType": "organisation",
                "scopeId": principal.org_id,
            },
        )
    return {
        "accountId": principal.account_id,
        "email": principal.email,
        "organisation": principal.org_key,
        "roles": roles,
    }


@router.get("/orgs/{org}", response_model=apimodels.Organisation)
def get_organisation(ctx: OrgCtx) -> Response:
    with ctx.reading() as session:
        org = session.get(models.Organisation, ctx.principal.org_id)
        assert org is not None  # the token's organisation; cascades remove tokens with it
        return respond(200, serialize.organisation(org))


@router.get("/orgs/{org}/audit", response_model=apimodels.AuditPage)
def list_audit(ctx: OrgCtx, limit: Limit = DEFAULT_PAGE, cursor: Cursor = None) -> Any:
    ctx.principal.require(
        ctx.principal.system_administrator, "only a system administrator can read the audit log"
    )
    stmt = select(models.AuditEvent).where(models.AuditEvent.org_id == ctx.principal.org_id)
    with ctx.reading() as session:
        return page(
            session,
            stmt,
            models.AuditEvent,
            limit=limit,
            cursor=cursor,
            render=serialize.audit_event,
        )
