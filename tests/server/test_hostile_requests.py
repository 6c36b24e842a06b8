"""The platform's guards against hostile requests hold (issue 12, items 12-15).

- the rate limit is keyed on who is calling, not on the spelling of the header;
- client errors are labelled as client errors: 413, 400 `malformed-body`, 415;
- NUL characters are refused on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.support.platform import PlatformServer

PROBLEMS = "https://vcplatform.dev/problems/"


def _slug(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response
    body = response.json()
    assert body["status"] == response.status_code
    return body["type"].removeprefix(PROBLEMS)


def _no_traceback(server: PlatformServer) -> None:
    log = server.stderr_path.read_text()
    assert "Traceback" not in log, log[-5_000:]


# --- item 12: the rate limit ---------------------------------------------------------------

BEARER_SPELLINGS = [
    "".join(letters) for letters in itertools.product(*((c.lower(), c.upper()) for c in "bearer"))
][:40]


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformServer]:
    with PlatformServer(
        tmp_path_factory.mktemp("limited"), serve_args=["--rate-limit", "5/s"]
    ) as server:
        yield server


def _burst(server: PlatformServer, headers: list[dict[str, str]]) -> tuple[Counter[int], float]:
    time.sleep(1.5)  # a full bucket for every key
    started = time.monotonic()
    with httpx.Client(base_url=server.org_api, timeout=30) as client:
        statuses = Counter(client.get("/units", headers=h).status_code for h in headers)
    return statuses, time.monotonic() - started


def _allowed(elapsed: float) -> int:
    """Most requests a 5/s bucket can let through in ``elapsed`` seconds from full."""
    return 5 + int(elapsed * 5) + 1


def test_40_spellings_of_bearer_share_one_budget(limited):
    assert len(set(BEARER_SPELLINGS)) == 40
    headers = [{"Authorization": f"{scheme} {limited.token}"} for scheme in BEARER_SPELLINGS]
    statuses, elapsed = _burst(limited, headers)
    assert set(statuses) == {200, 429}, statuses
    assert statuses[200] <= _allowed(elapsed), (statuses, elapsed)


def test_padding_the_token_does_not_make_a_new_budget(limited):
    headers = [
        {"Authorization": f"{BEARER_SPELLINGS[i]}{' ' * (1 + i % 3)}{limited.token}"}
        for i in range(40)
    ]
    statuses, elapsed = _burst(limited, headers)
    assert statuses[200] <= _allowed(elapsed), (statuses, elapsed)


def test_two_tokens_of_one_account_share_one_budget(limited):
    second = limited.create_token(limited.admin_email, role="system-administrator")
    headers = [{"Authorization": f"Bearer {(limited.token, second)[i % 2]}"} for i in range(40)]
    statuses, elapsed = _burst(limited, headers)
    assert statuses[200] <= _allowed(elapsed), (statuses, elapsed)


def test_made_up_tokens_are_limited_by_client_address(limited):
    headers = [{"Authorization": f"Bearer not-a-token-{i}"} for i in range(40)]
    statuses, elapsed = _burst(limited, headers)
    assert set(statuses) == {401, 429}, statuses
    assert statuses[401] <= _allowed(elapsed), (statuses, elapsed)


def test_another_account_keeps_its_own_budget(limited):
    other = limited.create_token("reader@acme.test", role="system-administrator")
    headers = [{"Authorization": f"Bearer {limited.token}"}] * 20
    statuses, _ = _burst(limited, headers)
    assert statuses[429] > 0
    with limited.client(other) as api:
        assert api.get("/units").status_code == 200


# --- items 13 and 14: client errors are client errors ------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformServer]:
    with PlatformServer(tmp_path_factory.mktemp("hostile")) as server:
        yield server


def _post(server: PlatformServer, content: bytes | Iterator[bytes], content_type: str | None):
    headers = {"Authorization": f"Bearer {server.token}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    with httpx.Client(base_url=server.org_api, timeout=60) as client:
        return client.post("/units", content=content, headers=headers)


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    for _ in range(total // size):
        yield b"x" * size


def test_an_oversize_chunked_body_is_413(server):
    response = _post(server, _chunks(2 * 1024 * 1024), "application/json")
    assert response.status_code == 413
    assert _slug(response) == "payload-too-large"
    _no_traceback(server)


MALFORMED = {
    "5,000-deep array": b"[" * 5000 + b"]" * 5000,
    "5,000-deep object": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "5,000-digit number": b'{"name": "n", "description": ' + b"9" * 5000 + b"}",
    "not JSON": b'{"name": ',
    "trailing garbage": b'{"name": "n"} x',
    "not UTF-8": b'{"name": "\xff\xfe"}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_body_is_400_malformed_body(server, body):
    response = _post(server, body, "application/json")
    assert response.status_code == 400, response.text
    assert _slug(response) == "malformed-body"
    assert response.json()["title"] == "Malformed request body"
    assert len(response.text) < 1_000  # the 5,000 digits are not echoed
    _no_traceback(server)


NOT_JSON = {
    "text/plain": ("text/plain", b'{"name": "as text"}'),
    "xml": ("application/xml", b"<unit name='x'/>"),
    "form": ("application/x-www-form-urlencoded", b"name=form"),
    "multipart": ("multipart/form-data; boundary=x", b"--x\r\n\r\nname\r\n--x--\r\n"),
    "no content type": (None, b'{"name": "untyped"}'),
    "json look-alike": ("application/jsonp", b'{"name": "jsonp"}'),
}


@pytest.mark.parametrize(("content_type", "body"), NOT_JSON.values(), ids=NOT_JSON.keys())
def test_a_non_json_body_is_415(server, content_type, body):
    response = _post(server, body, content_type)
    assert response.status_code == 415, response.text
    assert _slug(response) == "unsupported-media-type"
    assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/problem+json",
    ],
)
def test_json_media_types_are_accepted(server, content_type):
    name = f"Typed {content_type}"
    response = _post(server, f'{{"name": "{name}"}}'.encode(), content_type)
    assert response.status_code == 201, response.text


def test_a_bodyless_post_needs_no_content_type(server):
    with server.client() as api:
        unit = api.post("/units", json={"name": "Rooms"}).json()
        room = api.post("/meeting-rooms", json={"unitId": unit["id"], "name": "R"}).json()
        reset = api.post(f"/meeting-rooms/{room['id']}/reset-link", headers={"Content-Type": ""})
    assert reset.status_code == 200, reset.text


# --- item 15: NUL characters, on both storage backends --------------------------------------


NUL_BODIES = {
    "unit name": ("/units", {"name": "Cardio\u0000logy"}, "name"),
    "unit description": ("/units", {"name": "Desc", "description": "a\u0000b"}, "description"),
    "reporting tag": ("/units", {"name": "Tags", "reportingTags": ["t\u0000"]}, "reportingTags[0]"),
    "grant email": (
        "/grants",
        {
            "scopeType": "unit",
            "scopeId": "unit_x",
            "role": "organisation-reporter",
            "email": "ana\u0000@x.example",
        },
        "email",
    ),
}


def test_nul_in_a_body_is_refused(storage_server):
    with storage_server.client() as api:
        for path, body, field in NUL_BODIES.values():
            response = api.post(path, json=body)
            assert response.status_code == 422, response.text
            assert _slug(response) == "validation"
            errors = response.json()["errors"]
            assert {"field": field, "message": "must not contain NUL characters"} in errors
    assert storage_server.dump()["units"] == []
    _no_traceback(storage_server)


def test_nul_in_names_of_areas_rooms_and_caller_details_is_refused(storage_server):
    with storage_server.client() as api:
        unit = api.post("/units", json={"name": "Unit"}).json()
        for path, body, field in (
            ("/waiting-areas", {"unitId": unit["id"], "name": "A\u0000"}, "name"),
            (
                "/waiting-areas",
                {
                    "unitId": unit["id"],
                    "name": "A",
                    "callerDetails": [{"key": "dob", "label": "Date\u0000"}],
                },
                "callerDetails[0].label",
            ),
            ("/meeting-rooms", {"unitId": unit["id"], "name": "R\u0000"}, "name"),
        ):
            response = api.post(path, json=body)
            assert response.status_code == 422, response.text
            assert field in [e["field"] for e in response.json()["errors"]]
        patch = api.patch(f"/units/{unit['id']}", json={"name": "U\u0000"})
        assert patch.status_code == 422, patch.text
    _no_traceback(storage_server)


def test_nul_in_the_path_or_query_is_refused(storage_server):
    with storage_server.client() as api:
        in_path = api.get("/units/unit_%00x")
        assert in_path.status_code == 404, in_path.text
        assert _slug(in_path) == "not-found"
        in_query = api.get("/waiting-areas", params={"unitId": "a\u0000b"})
        assert in_query.status_code == 422, in_query.text
        assert [e["field"] for e in in_query.json()["errors"]] == ["unitId"]
    _no_traceback(storage_server)
