"""Fast in-process unit tests of the server's small pure parts."""

from __future__ import annotations

from datetime import datetime

import pytest

from vcplatform.context import check_if_match
from vcplatform.db import DatabaseUrlError, normalise_url
from vcplatform.errors import PreconditionFailed, ValidationFailed
from vcplatform.guards import RateLimitMiddleware
from vcplatform.ids import hash_token, new_api_token, new_id
from vcplatform.metrics import RequestCounter, RouteTemplates
from vcplatform.pagination import decode_cursor, encode_cursor
from vcplatform.problems import field_path
from vcplatform.settings import Faults, RateLimit, SettingError


@pytest.mark.parametrize(
    ("text", "requests", "period"),
    [("5/s", 5, 1.0), ("600/min", 600, 60.0), ("5/10s", 5, 10.0), ("1000 / hour", 1000, 3600.0)],
)
def test_rate_limit_parse(text: str, requests: int, period: float) -> None:
    assert RateLimit.parse(text) == RateLimit(requests, period)


@pytest.mark.parametrize("text", ["", "5", "0/s", "5/fortnight", "x/s", "-1/s"])
def test_rate_limit_parse_rejects(text: str) -> None:
    with pytest.raises(SettingError, match="--rate-limit"):
        RateLimit.parse(text)


def test_fault_settings_are_checked() -> None:
    with pytest.raises(SettingError, match="--fault-drop-rate"):
        Faults(drop_rate=1.5)
    with pytest.raises(SettingError, match="--fault-statuses"):
        Faults(statuses=(502,))
    assert not Faults().active
    assert Faults(latency_ms=1).active


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "accessHours", "open", 0, "from"), "accessHours.open[0].from"),
        (("body", "callerDetails", 2), "callerDetails[2]"),
        (("query", "limit"), "limit"),
        (("body",), "body"),
        (("header", "If-Match"), "If-Match"),
    ],
)
def test_field_path(loc: tuple[str | int, ...], path: str) -> None:
    assert field_path(loc) == path


def test_cursor_round_trip_and_garbage() -> None:
    stamp = datetime(2026, 11, 25, 16, 43, 33, 123456)
    assert decode_cursor(encode_cursor(stamp, "unit_x")) == (stamp, "unit_x")
    for garbage in ("", "%%%", "bm90IGpzb24", encode_cursor(stamp, "u")[:-3]):
        with pytest.raises(ValidationFailed):
            decode_cursor(garbage)


def test_if_match_forms() -> None:
    check_if_match(None, 3)
    check_if_match("*", 3)
    check_if_match('"3"', 3)
    check_if_match('W/"3"', 3)
    check_if_match('"1", "3"', 3)
    with pytest.raises(PreconditionFailed):
        check_if_match('"2"', 3)
    with pytest.raises(PreconditionFailed):
        check_if_match("3x", 3)


def test_ids_and_tokens() -> None:
    first, second = new_id("unit"), new_id("unit")
    assert first.startswith("unit_") and len(first) == 31 and first != second
    token = new_api_token()
    assert len(hash_token(token)) == 64 and hash_token(token) != token


def test_database_urls() -> None:
    assert normalise_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalise_url("rel.db").startswith("sqlite:////")
    with pytest.raises(DatabaseUrlError):
        normalise_url("mysql://u@h/db")


def test_token_bucket_refuses_then_tells_how_long_to_wait() -> None:
    async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
        return None

    async def nobody(token: str) -> None:  # pragma: no cover
        return None

    limiter = RateLimitMiddleware(app, RateLimit(2, 10.0), nobody)
    assert limiter._take("k") == 0.0
    assert limiter._take("k") == 0.0
    wait = limiter._take("k")
    assert 4.0 < wait <= 5.0
    assert limiter._take("other") == 0.0


def test_metrics_use_templates_not_ids() -> None:
    routes = RouteTemplates(["/api/v1/orgs/{org}", "/api/v1/orgs/{org}/units/{unit_id}"])
    counter = RequestCounter()
    counter.inc("GET", routes("/api/v1/orgs/acme/units/unit_1"), "200")
    counter.inc("GET", routes("/api/v1/orgs/acme/units/unit_2"), "200")
    counter.inc("GET", routes("/nope"), "404")
    text = counter.render()
    assert 'route="/api/v1/orgs/{org}/units/{unit_id}",status="200"} 2' in text
    assert 'route="unmatched",status="404"} 1' in text
