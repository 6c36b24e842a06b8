"""RoleMembers: the authoritative set of people holding one role on one scope.

One resource per (scope, role), not per person, so the resource count follows the
scopes and a plan can say "+ invite x" and "- remove y". Pending invitations satisfy
the config; expired ones read back as missing, so the next apply re-sends them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from vcorg.client import Collection, Conflict, JSONObject, NotFound
from vcorg.vocabulary import ROLE_MEMBERS_KIND, ROLES_BY_SCOPE, SCOPE_TYPES

from .base import PlatformProvider
from .dynamic import VcorgResource
from .errors import reported
from .props import changed_fields, is_unknown
from .validation import Checker

LIVE_STATES = ("active", "pending", "expired")
INPUT_FIELDS = (
    "organisation",
    "unitKey",
    "scopeType",
    "scopeKey",
    "scopeId",
    "role",
    "emails",
)


def normalise_emails(emails: Sequence[str]) -> list[str]:
    return sorted({e.strip().lower() for e in emails})


class RoleMembersProvider(PlatformProvider):
    kind = "roles"

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checker = Checker(news)
        checker.key("organisation")
        checker.key("unitKey")
        checker.key("scopeKey")
        checker.object_id("scopeId")
        scope_type = news.get("scopeType")
        checker.choice("scopeType", SCOPE_TYPES)
        if scope_type in ROLES_BY_SCOPE:
            checker.choice("role", ROLES_BY_SCOPE[scope_type])
        checker.emails("emails")
        inputs = dict(news)
        emails = news.get("emails")
        if not checker.failures and isinstance(emails, list) and not is_unknown(emails):
            inputs["emails"] = normalise_emails(emails)
        return CheckResult(inputs, checker.failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if changed_fields(olds, news, ("organisation",)):
            return DiffResult(changes=True, replaces=["organisation"])
        olds = {**olds, "emails": normalise_emails(olds.get("emails") or [])}
        fields = ("unitKey", "scopeType", "scopeKey", "scopeId", "role", "emails")
        return DiffResult(changes=bool(changed_fields(olds, news, fields)))

    # -- platform access --------------------------------------------------------------

    def _current(
        self, org: str, scope_type: str, scope_id: str, role: str
    ) -> dict[str, JSONObject]:
        grants = self.client.iter_objects(
            org, Collection.GRANTS, scope_type=scope_type, scope_id=scope_id, role=role
        )
        return _by_email(grants, scope_type, scope_id, role)

    def _remove(self, org: str, grant_id: str, email: str) -> None:
        """Revoke a pending invitation or remove a grant; gone already is fine."""
        with contextlib.suppress(NotFound):
            self.client.delete_grant(org, grant_id, email=email)

    def _listed(self, org: str, scope_type: str, scope_id: str, role: str) -> dict[str, JSONObject]:
        """This role's grants on the scope, from the organisation's grant index."""
        session = self._session()
        grants = session.grants.scope(
            org, scope_id, lambda: session.client.iter_objects(org, Collection.GRANTS)
        )
        return _by_email(grants, scope_type, scope_id, role)

    def _reconcile(
        self, props: Mapping[str, Any], current: dict[str, JSONObject]
    ) -> dict[str, dict[str, str]]:
        org, scope_type, scope_id, role = (
            props["organisation"],
            props["scopeType"],
            props["scopeId"],
            props["role"],
        )
        desired = normalise_emails(props.get("emails") or [])
        client = self.client
        members: dict[str, dict[str, str]] = {}
        written: list[JSONObject] = []
        removed: list[str] = []
        for email in desired:
            grant = current.get(email)
            if grant is None:
                try:
                    grant = client.create_grant(
                        org, scope_type=scope_type, scope_id=scope_id, role=role, email=email
                    )
                except Conflict as exc:
                    # Invited by someone else (or by our own lost response): adopt it.
                    if not exc.existing_id:
                        raise
                    grant = client.get_object(org, Collection.GRANTS, exc.existing_id)
                written.append(grant)
            if grant.get("state") == "expired":
                grant = client.resend_grant(org, grant["id"], email=email)
                written.append(grant)
            members[email] = {"state": grant["state"], "grantId": grant["id"]}
        for email, grant in sorted(current.items()):
            if email not in members:
                self._remove(org, grant["id"], email)
                removed.append(grant["id"])
        self._session().grants.record(org, scope_id, upserts=written, deletes=removed)
        return members

    def _outputs(self, props: Mapping[str, Any], members: Mapping[str, Any]) -> dict[str, Any]:
        outs = {f: props[f] for f in INPUT_FIELDS if f in props}
        outs["emails"] = normalise_emails(props.get("emails") or [])
        outs["members"] = dict(members)
        return outs

    # -- the provider protocol -------------------------------------------------------

    @reported
    def create(self, props: dict[str, Any]) -> CreateResult:
        org = props["organisation"]
        scope = (props["scopeType"], props["scopeId"], props["role"])
        # A scope this run created new has no grants yet: nothing to read. Any other may
        # hold people already (adopted, or created by a run that crashed).
        fresh = props["scopeId"] in self._session().fresh
        current = {} if fresh else self._listed(org, *scope)
        members = self._reconcile(props, current)
        resource_id = f"{props['scopeType']}/{props['scopeKey']}/{props['role']}"
        outs = self._outputs(props, members)
        if current:
            # People already held the role: taken over, and changed only if the lists
            # differ (re-sending an expired invitation changes nobody's role).
            kept = set(current) == set(normalise_emails(props.get("emails") or []))
            outs["adopted"] = "unchanged" if kept else "updated"
        return CreateResult(resource_id, outs)

    @reported
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        org = props["organisation"]
        scope_type, scope_id, role = props["scopeType"], props["scopeId"], props["role"]
        current = self._listed(org, scope_type, scope_id, role)
        members = {
            email: {"state": g["state"], "grantId": g["id"]} for email, g in sorted(current.items())
        }
        # Expired invitations do not satisfy the config: leaving them out of the inputs
        # makes the next diff want them, and the update re-sends them.
        live = sorted(e for e, g in current.items() if g["state"] != "expired")
        inputs = {f: props[f] for f in INPUT_FIELDS if f in props}
        inputs["emails"] = live
        outs = {**inputs, "members": members}
        return ReadResult(id_, outs, inputs)

    @reported
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        org = news["organisation"]
        old_scope = (olds.get("scopeType"), olds.get("scopeId"), olds.get("role"))
        new_scope = (news["scopeType"], news["scopeId"], news["role"])
        if old_scope != new_scope and all(old_scope):
            # The scope was recreated (or the role renamed): clear the old grants first.
            for email, member in sorted((olds.get("members") or {}).items()):
                self._remove(org, member["grantId"], email)
        current = self._current(org, *new_scope)
        members = self._reconcile(news, current)
        return UpdateResult(self._outputs(news, members))

    @reported
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org = props["organisation"]
        try:
            current = self._current(org, props["scopeType"], props["scopeId"], props["role"])
        except NotFound:
            return  # the scope is gone, and its grants with it
        for email, grant in sorted(current.items()):
            self._remove(org, grant["id"], email)
        self._session().grants.record(
            org, props["scopeId"], deletes=[g["id"] for g in current.values()]
        )


def _by_email(
    grants: Iterable[JSONObject], scope_type: str, scope_id: str, role: str
) -> dict[str, JSONObject]:
    return {
        g["email"].lower(): g
        for g in grants
        if g.get("scopeType") == scope_type
        and g.get("scopeId") == scope_id
        and g.get("role") == role
        and g.get("state") in LIVE_STATES
    }


ROLE_MEMBERS_PROVIDER = RoleMembersProvider()


class RoleMembers(VcorgResource, module="vcorg", name=ROLE_MEMBERS_KIND):
    """Who holds ``role`` on one unit, waiting area or meeting room; nobody else does."""

    members: pulumi.Output[dict[str, dict[str, str]]]
    output_slots = ("members",)

    def __init__(
        self,
        resource_name: str,
        *,
        organisation: pulumi.Input[str],
        unit_key: pulumi.Input[str],
        scope_type: pulumi.Input[str],
        scope_key: pulumi.Input[str],
        scope_id: pulumi.Input[str],
        role: pulumi.Input[str],
        emails: Sequence[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "organisation": organisation,
            "unitKey": unit_key,
            "scopeType": scope_type,
            "scopeKey": scope_key,
            "scopeId": scope_id,
            "role": role,
            "emails": normalise_emails(emails),
        }
        super().__init__(ROLE_MEMBERS_PROVIDER, resource_name, props, opts)
