"""Problem documents become typed, actionable errors that never show the token."""

from __future__ import annotations

import httpx
import pytest

from vcorg.client import (
    ApiError,
    ClientSettings,
    Collection,
    ConfigurationError,
    Conflict,
    Forbidden,
    NotFound,
    PlatformClient,
    PlatformError,
    PreconditionFailed,
    RetryPolicy,
    ServerError,
    TransportError,
    Unauthorized,
    ValidationFailed,
)

TOKEN = "tok-SECRET-0123456789"
SETTINGS = ClientSettings(api_url="http://platform.test", token=TOKEN)


def client_answering(response: httpx.Response | Exception) -> PlatformClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    return PlatformClient(
        SETTINGS,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_attempts=1),
        sleep=lambda s: None,
    )


def problem(status: int, slug: str, **extra: object) -> httpx.Response:
    body = {
        "type": f"https://vcplatform.dev/problems/{slug}",
        "title": slug.title(),
        "status": status,
    }
    body.update(extra)
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


@pytest.mark.parametrize(
    ("status", "slug", "cls", "advice"),
    [
        (401, "unauthenticated", Unauthorized, "vcorg:token"),
        (403, "forbidden", Forbidden, "role"),
        (404, "not-found", NotFound, "refresh"),
        (409, "conflict", Conflict, "adoptExisting"),
        (412, "precondition-failed", PreconditionFailed, "refresh"),
        (422, "validation", ValidationFailed, "Fix the fields"),
        (500, "internal", ServerError, "safe to re-run"),
    ],
)
def test_status_maps_to_type_with_advice(status: int, slug: str, cls: type, advice: str) -> None:
    client = client_answering(problem(status, slug, detail="the platform's own words"))
    with pytest.raises(cls) as info:
        client.update_object(
            "metro",
            Collection.WAITING_AREAS,
            "wa_1",
            {"name": "X"},
            version=2,
            subject="waiting area 'Oncology Clinic'",
        )
    err = info.value
    assert isinstance(err, ApiError)
    assert isinstance(err, PlatformError)
    assert err.problem.status == status
    text = str(err)
    assert "waiting area 'Oncology Clinic'" in text
    assert "the platform's own words" in text
    assert advice in text


def test_conflict_carries_existing_id() -> None:
    client = client_answering(problem(409, "conflict", detail="name taken", existingId="unit_42"))
    with pytest.raises(Conflict) as info:
        client.create_object("metro", Collection.UNITS, {"name": "Housing"})
    assert info.value.existing_id == "unit_42"
    assert "unit 'Housing'" in str(info.value)
    assert "unit_42" in str(info.value)


def test_validation_lists_field_errors() -> None:
    client = client_answering(
        problem(
            422,
            "validation",
            detail="invalid body",
            errors=[
                {"field": "accessHours.open[0].from", "message": "must be before 'to'"},
            ],
        )
    )
    with pytest.raises(ValidationFailed) as info:
        client.create_object("metro", Collection.WAITING_AREAS, {"name": "A"})
    assert info.value.errors[0].field == "accessHours.open[0].from"
    assert "accessHours.open[0].from: must be before 'to'" in str(info.value)


def test_non_json_error_body_still_maps() -> None:
    client = client_answering(httpx.Response(502, text="<html>bad gateway</html>"))
    with pytest.raises(ServerError, match="502"):
        client.get_object("metro", Collection.UNITS, "u")


def test_token_never_appears_in_messages_even_when_echoed() -> None:
    echoed = problem(
        401, "unauthenticated", detail=f"token {TOKEN} is not valid", title=f"bad {TOKEN}"
    )
    client = client_answering(echoed)
    with pytest.raises(Unauthorized) as info:
        client.me()
    assert TOKEN not in str(info.value)
    assert TOKEN not in repr(info.value.problem)
    assert "***" in str(info.value)


def test_token_never_in_transport_errors() -> None:
    client = client_answering(httpx.ConnectError(f"cannot connect with {TOKEN}"))
    with pytest.raises(TransportError) as info:
        client.me()
    assert TOKEN not in str(info.value)
    assert info.value.__cause__ is None


def test_settings_repr_hides_token() -> None:
    assert TOKEN not in repr(SETTINGS)


def test_settings_prefer_stack_config_then_environment() -> None:
    config = {"vcorg:apiUrl": "https://cfg.example/api/v1/", "vcorg:token": "cfg-token"}
    env = {"VCORG_API_URL": "https://env.example", "VCORG_TOKEN": "env-token"}
    s = ClientSettings.resolve(config.get, env)
    assert (s.api_url, s.token) == ("https://cfg.example", "cfg-token")
    s = ClientSettings.resolve({}.get, env)
    assert (s.api_url, s.token) == ("https://env.example", "env-token")


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"VCORG_TOKEN": "t"}, "VCORG_API_URL"),
        ({"VCORG_API_URL": "https://x.example"}, "VCORG_TOKEN"),
        ({"VCORG_API_URL": "ftp://x", "VCORG_TOKEN": "t"}, "must start with https://"),
    ],
)
def test_missing_settings_explain_what_to_set(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigurationError, match=needle):
        ClientSettings.resolve(None, env)
