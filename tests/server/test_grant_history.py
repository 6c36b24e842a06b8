"""Grants say when they were first invited, when they became active, and who made them."""

from __future__ import annotations

from tests.support.platform import PlatformServer, unique_name


def test_grant_history_fields(shared_server: PlatformServer) -> None:
    with shared_server.client() as api:
        unit = api.post("/units", json={"name": unique_name("History")}).json()
        email = unique_name("new").replace(" ", ".") + "@acme.test"
        body = {
            "scopeType": "unit",
            "scopeId": unit["id"],
            "role": "organisation-reporter",
            "email": email,
        }
        invited = api.post("/grants", json=body).json()
        assert invited["state"] == "pending"
        assert invited["invitedAt"] == invited["invitation"]["sentAt"]
        assert invited["acceptedAt"] is None
        assert invited["grantedBy"] == shared_server.admin_email

        resent = api.post(f"/grants/{invited['id']}/resend").json()
        assert resent["invitation"]["sentAt"] > invited["invitation"]["sentAt"]
        assert resent["invitedAt"] == invited["invitedAt"]

        shared_server.accept_invitations(email)
        accepted = api.get(f"/grants/{invited['id']}").json()
        assert accepted["state"] == "active"
        assert accepted["acceptedAt"] >= resent["invitation"]["sentAt"]

        # The person now has an account: a second role is active at once, never invited.
        direct = api.post("/grants", json=body | {"role": "organisation-administrator"}).json()
        assert direct["state"] == "active"
        assert direct["invitedAt"] is None
        assert direct["acceptedAt"] == direct["createdAt"]

    token_holder = unique_name("ops").replace(" ", ".") + "@acme.test"
    shared_server.create_token(token_holder, "organisation-reporter", unit["id"])
    with shared_server.client() as api:
        grants = api.get("/grants", params={"scopeId": unit["id"]}).json()["items"]
    made_by_operator = next(g for g in grants if g["email"] == token_holder)
    assert made_by_operator["grantedBy"] == "operator"
    assert made_by_operator["acceptedAt"] is not None
