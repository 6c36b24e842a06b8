"""The access review, built from a platform behind httpx's MockTransport, in every format."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.report.conftest import validator
from vcorg.client import ClientSettings, PlatformClient
from vcorg.config import OrgConfig
from vcorg.report import AccessReport, FlagKind, build_access_report, read_access_data

NOW = datetime(2026, 11, 30, tzinfo=UTC)
URL = "https://video.metro.example"


def grant(
    gid: str,
    scope_type: str,
    scope_id: str,
    role: str,
    email: str,
    state: str = "active",
    *,
    invited: str | None = "2026-10-01T09:00:00.000000Z",
    accepted: str | None = "2026-10-02T10:00:00.000000Z",
    sends: int = 1,
    by: str | None = "ops@metro.example",
) -> dict[str, Any]:
    invitation = None
    if invited is not None:
        invitation = {
            "sentAt": invited,
            "expiresAt": "2026-12-31T00:00:00.000000Z",
            "sendCount": sends,
        }
    return {
        "id": gid,
        "scopeType": scope_type,
        "scopeId": scope_id,
        "role": role,
        "email": email,
        "state": state,
        "invitation": invitation,
        "invitedAt": invited,
        "acceptedAt": accepted if state == "active" else None,
        "grantedBy": by,
    }


UNITS = [
    {"id": "u1", "name": "Cancer Care"},
    {"id": "u2", "name": "Dentistry"},
    {"id": "u3", "name": "Console Unit"},
]
AREAS = [
    {"id": "a1", "unitId": "u1", "name": "Oncology Outpatients"},
    {"id": "a2", "unitId": "u1", "name": "Console Clinic"},
]
ROOMS = [{"id": "r1", "unitId": "u1", "name": "Tumour Board"}]
GRANTS = {
    "u1": [
        grant("g1", "unit", "u1", "organisation-administrator", "priya@metro.example"),
        grant(
            "g2",
            "unit",
            "u1",
            "organisation-reporter",
            "reports@metro.example",
            "pending",
            invited="2026-11-10T00:00:00.000000Z",
        ),
        grant("g3", "unit", "u1", "organisation-reporter", "eve@metro.example", invited=None),
        grant("g4", "waiting-area", "a1", "service-provider", "dr.tan@metro.example", sends=2),
        grant("g5", "waiting-area", "a1", "service-provider", "new@metro.example", "expired"),
        grant("g6", "waiting-area", "a2", "service-provider", "dr.tan@metro.example"),
        grant("g7", "meeting-room", "r1", "meeting-room-member", "dr.tan@metro.example"),
    ],
    "u2": [
        grant("g8", "unit", "u2", "organisation-administrator", "sam@metro.example"),
        grant(
            "g9",
            "unit",
            "u2",
            "organisation-administrator",
            "kim@metro.example",
            "pending",
            invited="2026-11-25T00:00:00.000000Z",
        ),
    ],
    "u3": [],
}


class FakePlatform:
    """Answers the list requests the access review makes, and counts them."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "GET", "the access review must never write"
        path = request.url.path.removeprefix("/api/v1/orgs/metro")
        self.paths.append(f"{path}?{request.url.query.decode()}")
        items = {
            "/units": UNITS,
            "/waiting-areas": AREAS,
            "/meeting-rooms": ROOMS,
        }.get(path)
        if path == "/grants":
            items = GRANTS[request.url.params["unitId"]]
        assert items is not None, path
        return httpx.Response(200, json={"items": items, "nextCursor": None})


@pytest.fixture
def fake() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def report(config: OrgConfig, fake: FakePlatform) -> AccessReport:
    client = PlatformClient(
        ClientSettings(api_url=URL, token="t"), transport=httpx.MockTransport(fake)
    )
    with client:
        data = read_access_data(client, config, system_administrator=True)
    return build_access_report(
        data, organisation="metro", api_url=URL, token_email="ops@metro.example", now=NOW
    )


def test_reads_by_list_one_grants_request_per_unit(
    report: AccessReport, fake: FakePlatform
) -> None:
    assert [p.split("?")[0] for p in fake.paths] == [
        "/units",
        "/waiting-areas",
        "/meeting-rooms",
        "/grants",
        "/grants",
        "/grants",
    ]
    assert sorted(p for p in fake.paths if "unitId" in p) == [
        f"/grants?unitId={u}&limit=500" for u in ("u1", "u2", "u3")
    ]


def test_flags(report: AccessReport) -> None:
    flags = [(f.kind, f.unit_name, f.email) for f in report.flags]
    assert flags == [
        (FlagKind.NOT_IN_CONFIG, "Cancer Care", "dr.tan@metro.example"),
        (FlagKind.NOT_IN_CONFIG, "Cancer Care", "eve@metro.example"),
        (FlagKind.NO_ADMINISTRATOR, "Console Unit", None),
        (FlagKind.SINGLE_ADMINISTRATOR, "Cancer Care", "priya@metro.example"),
        (FlagKind.EXPIRED, "Cancer Care", "new@metro.example"),
        (FlagKind.PENDING_TOO_LONG, "Cancer Care", "reports@metro.example"),
        (FlagKind.ONLY_PENDING, None, "kim@metro.example"),
        (FlagKind.ONLY_PENDING, None, "reports@metro.example"),
    ]
    console = next(f for f in report.flags if f.email == "eve@metro.example")
    assert "granted by ops@metro.example" in console.message
    pending = next(f for f in report.flags if f.kind is FlagKind.PENDING_TOO_LONG)
    assert "pending for 20 days, more than 14 days" in pending.message
    assert report.has_flags


def test_pending_threshold(config: OrgConfig, fake: FakePlatform) -> None:
    client = PlatformClient(
        ClientSettings(api_url=URL, token="t"), transport=httpx.MockTransport(fake)
    )
    data = read_access_data(client, config, system_administrator=True)

    def pending_flags(days: float) -> list[str | None]:
        built = build_access_report(
            data,
            organisation="metro",
            api_url=URL,
            token_email="ops@metro.example",
            pending_older_than_days=days,
            now=NOW,
        )
        return sorted(f.email or "" for f in built.flags if f.kind is FlagKind.PENDING_TOO_LONG)

    assert pending_flags(30) == []
    assert pending_flags(14) == ["reports@metro.example"]
    assert pending_flags(0) == ["kim@metro.example", "reports@metro.example"]


def test_entries_and_config_matching(report: AccessReport) -> None:
    assert [(u.key, u.name) for u in report.units] == [
        ("cancer-care", "Cancer Care"),
        ("dentistry", "Dentistry"),
        (None, "Console Unit"),
    ]
    cancer = report.units[0]
    rows = [(e.email, e.scope_type, e.scope_name, e.in_config) for e in cancer.entries]
    assert rows == [
        ("priya@metro.example", "unit", "Cancer Care", True),
        ("eve@metro.example", "unit", "Cancer Care", False),
        ("reports@metro.example", "unit", "Cancer Care", True),
        ("dr.tan@metro.example", "waiting-area", "Console Clinic", False),
        ("dr.tan@metro.example", "waiting-area", "Oncology Outpatients", True),
        ("new@metro.example", "waiting-area", "Oncology Outpatients", True),
        ("dr.tan@metro.example", "meeting-room", "Tumour Board", True),
    ]
    assert [(h.key, h.reason) for h in report.hidden] == [("emergency", "not-on-platform")]
    s = report.summary
    assert (s.units, s.people, s.grants, s.active, s.pending, s.expired, s.flags) == (
        3, 7, 9, 6, 2, 1, 8,
    )  # fmt: skip


def test_csv_is_one_row_per_person_per_scope(report: AccessReport) -> None:
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert len(rows) == 9
    assert {(r["email"], r["scope"], r["role"]) for r in rows} == {
        (e.email, e.scope_name, e.role) for u in report.units for e in u.entries
    }
    eve = next(r for r in rows if r["email"] == "eve@metro.example")
    assert eve["granted_by_config"] == "no"
    assert eve["flags"] == "not-in-config"
    assert eve["granted_by"] == "ops@metro.example"
    tan = next(r for r in rows if r["scope"] == "Oncology Outpatients" and "tan" in r["email"])
    assert tan == tan | {
        "unit": "Cancer Care",
        "unit_key": "cancer-care",
        "scope_type": "waiting-area",
        "scope_key": "oncology-clinic",
        "state": "active",
        "invited_at": "2026-10-01T09:00:00Z",
        "accepted_at": "2026-10-02T10:00:00Z",
        "send_count": "2",
        "granted_by_config": "yes",
    }


def test_json_follows_the_schema(report: AccessReport) -> None:
    document = json.loads(report.to_json())
    validator("report-access.schema.json")(document)
    assert document["asOf"] == "2026-11-30T00:00:00Z"
    assert document["platform"] == URL
    assert document["hasFlags"] is True
    assert [f["id"] for f in document["flags"]].count("only-pending") == 2
    assert document["hiddenUnits"] == [
        {"key": "emergency", "name": "Emergency", "reason": "not-on-platform"}
    ]


def test_text_and_markdown(report: AccessReport) -> None:
    text = report.to_text()
    assert text.startswith(f"Access review of metro on {URL}, as of 2026-11-30 00:00 UTC\n")
    assert "3 units, 7 people, 9 grants (6 active, 2 pending, 1 expired); 8 flags." in text
    assert "! not-in-config: eve@metro.example is organisation reporter of unit Cancer Care" in text
    assert "Not on the platform yet (run vcorg apply): Emergency (emergency)." in text
    markdown = report.to_markdown()
    assert "- **As of:** 2026-11-30T00:00:00Z" in markdown
    assert f"- **Platform:** {URL}" in markdown
    assert "### ⚠️ Flags (8)" in markdown
    assert "| eve@metro.example | organisation reporter | unit | active |" in markdown


def test_nothing_flagged_reads_plainly(config: OrgConfig) -> None:
    from vcorg.report.platform import AccessData, ReportScope

    data = AccessData(ReportScope(units=(), hidden=()))
    empty = build_access_report(
        data, organisation="metro", api_url=URL, token_email="ops@metro.example", now=NOW
    )
    assert not empty.has_flags
    assert "Nothing flagged." in empty.to_text()
    validator("report-access.schema.json")(empty.to_dict())
