"""Who is calling, and what their roles let them do.

The rules (docs/architecture.md, "Permissions"):
- a system administrator may do everything in their organisation;
- an organisation administrator of a unit may read and PATCH the unit and manage its
  waiting areas, meeting rooms and grants (unit-scope grants included);
- an organisation reporter may read its unit and everything in it;
- service and meeting-room roles may read their own scope only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from vcplatform import models
from vcplatform.errors import Forbidden, NotFound, Unauthenticated
from vcplatform.ids import hash_token
from vcplatform.roles import ORG_ADMIN


@dataclass
class Principal:
    account_id: str
    email: str
    org_id: str
    org_key: str
    system_administrator: bool
    # scope id -> roles held there (active grants only)
    roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    role_rows: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def actor(self) -> str:
        return self.email

    def can_read_unit(self, unit_id: str) -> bool:
        return self.system_administrator or bool(self.roles.get(unit_id))

    def can_manage_unit(self, unit_id: str) -> bool:
        return self.system_administrator or ORG_ADMIN in self.roles.get(unit_id, set())

    def can_read_scope(self, unit_id: str, scope_id: str) -> bool:
        return self.can_read_unit(unit_id) or bool(self.roles.get(scope_id))

    def readable_unit_ids(self) -> set[str] | None:
        """``None`` means every unit of the organisation."""
        if self.system_administrator:
            return None
        return {scope for _, scope_type, scope in self.role_rows if scope_type == "unit"}

    def readable_scope_ids(self) -> set[str]:
        return {scope for _, scope_type, scope in self.role_rows if scope_type != "unit"}

    def require(self, allowed: bool, detail: str) -> None:
        if not allowed:
            raise Forbidden(detail)


def authenticate(session: Session, token: str | None, org_key: str | None) -> Principal:
    """Resolve a bearer token; an org other than the token's is "not found"."""
    if not token:
        raise Unauthenticated("send an API token as 'Authorization: Bearer <token>'")
    row = session.execute(
        select(models.Account, models.Organisation)
        .join(models.ApiToken, models.ApiToken.account_id == models.Account.id)
        .join(models.Organisation, models.Organisation.id == models.Account.org_id)
        .where(models.ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None:
        raise Unauthenticated("the API token is not valid (it may have been revoked)")
    account, org = row
    if org_key is not None and org_key != org.key:
        raise NotFound(f"organisation {org_key!r} does not exist")
    principal = Principal(
        account_id=account.id,
        email=account.email,
        org_id=org.id,
        org_key=org.key,
        system_administrator=account.system_administrator,
    )
    grants = session.scalars(
        select(models.Grant).where(
            models.Grant.account_id == account.id, models.Grant.state == "active"
        )
    )
    for grant in grants:
        principal.roles[grant.scope_id].add(grant.role)
        principal.role_rows.append((grant.role, grant.scope_type, grant.scope_id))
    principal.role_rows.sort()
    return principal
