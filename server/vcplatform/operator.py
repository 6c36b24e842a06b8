"""Operator commands: what the CLI does to the database directly (no HTTP)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from vcplatform import invitations, models, serialize
from vcplatform.audit import Recorder
from vcplatform.clock import utcnow
from vcplatform.db import Database
from vcplatform.ids import hash_token, new_api_token, new_id
from vcplatform.roles import SCOPE_OF_ROLE, SYSTEM_ADMIN

OPERATOR = "operator"


class OperatorError(Exception):
    """A command that cannot be carried out; the message is for the operator."""


def find_org(session: Session, key: str) -> models.Organisation:
    org = session.scalars(select(models.Organisation).where(models.Organisation.key == key)).first()
    if org is None:
        raise OperatorError(f"organisation {key!r} does not exist; run 'vcplatform org create'")
    return org


def create_org(db: Database, key: str, name: str) -> tuple[models.Organisation, bool]:
    """Create the organisation, or return the existing one (renamed if ``name`` differs)."""
    with db.writing() as session:
        org = session.scalars(
            select(models.Organisation).where(models.Organisation.key == key)
        ).first()
        if org is not None:
            if org.name != name:
                org.name = name
            return org, False
        org = models.Organisation(id=new_id("org"), key=key, name=name)
        Recorder(session, org.id, OPERATOR).created("organisation.create", org)
        return org, True


def create_token(db: Database, org_key: str, email: str, role: str, scope_id: str | None) -> str:
    """Create the account and role if missing, and return a new token for it."""
    email = email.lower()
    with db.writing() as session:
        org = find_org(session, org_key)
        account = invitations.ensure_account(session, org.id, email)
        if role == SYSTEM_ADMIN:
            account.system_administrator = True
        else:
            _grant_active(session, org, account, role, scope_id)
        token = new_api_token()
        session.add(models.ApiToken(token_hash=hash_token(token), account_id=account.id))
        return token


def _grant_active(
    session: Session,
    org: models.Organisation,
    account: models.Account,
    role: str,
    scope_id: str | None,
) -> None:
    scope_type = SCOPE_OF_ROLE.get(role)
    if scope_type is None:
        raise OperatorError(f"unknown role {role!r}")
    if scope_id is None:
        raise OperatorError(f"role {role} needs --{scope_type} ID")
    model = models.SCOPE_MODELS[scope_type]
    # A select of a union of tables is typed as a select of their base class.
    scope = cast(
        "models.Scope | None",
        session.scalars(select(model).where(model.id == scope_id, model.org_id == org.id)).first(),
    )
    if scope is None:
        raise OperatorError(f"there is no {scope_type} {scope_id!r} in {org.key}")
    grant = session.scalars(
        select(models.Grant).where(
            models.Grant.scope_id == scope_id,
            models.Grant.role == role,
            models.Grant.email == account.email,
            models.Grant.state != "revoked",
        )
    ).first()
    if grant is None:
        grant = models.Grant(
            id=new_id("grant"),
            org_id=org.id,
            unit_id=models.unit_of(scope),
            scope_type=scope_type,
            scope_id=scope_id,
            role=role,
            email=account.email,
            state="active",
            invitation_send_count=0,
            granted_by=OPERATOR,
        )
        session.add(grant)
    if grant.state != "active" or grant.accepted_at is None:
        grant.accepted_at = utcnow()
    grant.state, grant.account_id = "active", account.id
    Recorder(session, org.id, OPERATOR).saved("grant.create", grant, None)


def accept_invitations(db: Database, org_key: str, email: str | None) -> list[dict[str, Any]]:
    with db.writing() as session:
        org = find_org(session, org_key)
        return [serialize.grant(g) for g in invitations.accept(session, org.id, email, OPERATOR)]


def expire_invitations(db: Database, org_key: str, email: str | None) -> list[dict[str, Any]]:
    with db.writing() as session:
        org = find_org(session, org_key)
        return [serialize.grant(g) for g in invitations.expire(session, org.id, email, OPERATOR)]
