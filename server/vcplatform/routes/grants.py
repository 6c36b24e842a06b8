"""Role grants and their invitations."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vcplatform import apimodels, invitations, models, serialize
from vcplatform.access import Principal
from vcplatform.audit import Recorder
from vcplatform.clock import utcnow
from vcplatform.context import IdempotencyKey, IfMatch, OrgCtx, check_if_match, respond
from vcplatform.errors import Conflict, NotFound, ValidationFailed
from vcplatform.ids import new_id
from vcplatform.pagination import page
from vcplatform.roles import ROLES_BY_SCOPE, Role, ScopeType
from vcplatform.routes.common import DEFAULT_PAGE, Cursor, Limit, UnitFilter, load

router = APIRouter(tags=["grants"])

MANAGE = (
    "only a system administrator or an organisation administrator of the unit can manage its roles"
)


def scope_unit_id(session: Session, principal: Principal, scope_type: str, scope_id: str) -> str:
    """The unit that holds the scope; 422 when the scope is not in the organisation."""
    model = models.SCOPE_MODELS[scope_type]
    # A select of a union of tables is typed as a select of their base class.
    scope = cast(
        "models.Scope | None",
        session.scalars(
            select(model).where(model.id == scope_id, model.org_id == principal.org_id)
        ).first(),
    )
    if scope is None:
        raise ValidationFailed.field("scopeId", f"there is no {scope_type} with id {scope_id!r}")
    return models.unit_of(scope)


@router.get("/orgs/{org}/grants", response_model=apimodels.GrantPage)
def list_grants(
    ctx: OrgCtx,
    scope_type: Annotated[ScopeType | None, Query(alias="scopeType")] = None,
    scope_id: Annotated[str | None, Query(alias="scopeId", max_length=40)] = None,
    unit_id: UnitFilter = None,
    role: Annotated[Role | None, Query()] = None,
    state: Annotated[
        apimodels.GrantState | None, Query(description="Default: every state except revoked")
    ] = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Any:
    principal = ctx.principal
    grant = models.Grant
    stmt = select(grant).where(grant.org_id == principal.org_id)
    for column, value in (
        (grant.scope_type, scope_type),
        (grant.scope_id, scope_id),
        (grant.unit_id, unit_id),
        (grant.role, role),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if state is None:
        stmt = stmt.where(grant.state != "revoked")
    else:
        stmt = stmt.where(invitations.state_filter(state, utcnow()))
    readable = principal.readable_unit_ids()
    if readable is not None:
        stmt = stmt.where(
            or_(grant.unit_id.in_(readable), grant.scope_id.in_(principal.readable_scope_ids()))
        )
    with ctx.reading() as session:
        return page(session, stmt, grant, limit=limit, cursor=cursor, render=serialize.grant)


@router.post("/orgs/{org}/grants", status_code=201, response_model=apimodels.Grant)
def create_grant(
    body: apimodels.GrantCreate, ctx: OrgCtx, idempotency_key: IdempotencyKey = None
) -> Response:
    principal = ctx.principal
    if body.role not in ROLES_BY_SCOPE[body.scope_type]:
        allowed = ", ".join(ROLES_BY_SCOPE[body.scope_type])
        raise ValidationFailed.field("role", f"a {body.scope_type} role must be one of {allowed}")
    email = body.email.lower()

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        unit_id = scope_unit_id(session, principal, body.scope_type, body.scope_id)
        principal.require(principal.can_manage_unit(unit_id), MANAGE)
        existing = session.scalars(
            select(models.Grant).where(
                models.Grant.scope_id == body.scope_id,
                models.Grant.role == body.role,
                models.Grant.email == email,
                models.Grant.state != "revoked",
            )
        ).first()
        if existing is not None:
            raise Conflict(
                f"{email} already holds or is invited to {body.role} on this "
                f"{body.scope_type} (state {serialize.grant_state(existing)})",
                existing_id=existing.id,
            )
        grant = models.Grant(
            id=new_id("grant"),
            org_id=principal.org_id,
            unit_id=unit_id,
            scope_type=body.scope_type,
            scope_id=body.scope_id,
            role=body.role,
            email=email,
            state="active",
            invitation_send_count=0,
            granted_by=principal.actor,
        )
        account = invitations.find_account(session, principal.org_id, email)
        if account is not None:
            grant.account_id = account.id
            grant.accepted_at = grant.created_at = grant.updated_at = utcnow()
        else:
            invitations.send(grant, ctx.settings.invitation_ttl)
            grant.created_at = grant.updated_at
        return 201, Recorder.of(session, principal).created("grant.create", grant)

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


def _load_managed(session: Session, principal: Principal, grant_id: str) -> models.Grant:
    grant = load(session, models.Grant, principal.org_id, grant_id, lock=True)
    principal.require(principal.can_manage_unit(grant.unit_id), MANAGE)
    return grant


@router.get("/orgs/{org}/grants/{grant_id}", response_model=apimodels.Grant)
def get_grant(grant_id: str, ctx: OrgCtx) -> Response:
    with ctx.reading() as session:
        grant = load(session, models.Grant, ctx.principal.org_id, grant_id)
        ctx.principal.require(
            ctx.principal.can_read_scope(grant.unit_id, grant.scope_id),
            "you hold no role on this grant's scope",
        )
        return respond(200, serialize.grant(grant))


@router.post("/orgs/{org}/grants/{grant_id}/resend", response_model=apimodels.Grant)
def resend_grant(grant_id: str, ctx: OrgCtx, idempotency_key: IdempotencyKey = None) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        grant = _load_managed(session, principal, grant_id)
        state = serialize.grant_state(grant)
        if state not in ("pending", "expired"):
            raise Conflict(f"only pending or expired invitations can be re-sent; this is {state}")
        before = serialize.grant(grant)
        invitations.send(grant, ctx.settings.invitation_ttl)
        return 200, Recorder.of(session, principal).saved("grant.resend", grant, before)

    return ctx.mutate(change, idempotency_key=idempotency_key)


@router.delete("/orgs/{org}/grants/{grant_id}", status_code=204, response_class=Response)
def delete_grant(grant_id: str, ctx: OrgCtx, if_match: IfMatch = None) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, None]:
        grant = _load_managed(session, principal, grant_id)
        check_if_match(if_match, grant.version)
        state = serialize.grant_state(grant)
        if state == "revoked":
            raise NotFound(f"grant {grant_id!r} was already revoked")
        recorder = Recorder.of(session, principal)
        if state == "pending":
            before = serialize.grant(grant)
            grant.state = "revoked"
            grant.updated_at = utcnow()
            recorder.saved("grant.revoke", grant, before)
        else:
            recorder.deleted("grant.delete", grant)
        return 204, None

    return ctx.mutate(change)
