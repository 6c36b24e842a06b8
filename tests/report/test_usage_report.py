"""The usage report, built from a platform behind httpx's MockTransport, in every format."""

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
from vcorg.report import UsageReport, build_usage_report
from vcorg.report.usage import NoVisibleUnits

URL = "https://video.metro.example"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def usage(calls: int, minutes: float = 0.0, **extra: Any) -> dict[str, Any]:
    return {
        "calls": calls,
        "totalMinutes": minutes,
        "medianMinutes": extra.get("median"),
        "medianWaitMinutes": extra.get("wait"),
        "p90WaitMinutes": extra.get("p90"),
        "busiestHour": extra.get("hour"),
    }


CANCER = {
    "unitId": "u1",
    "name": "Cancer Care",
    "reportingTags": ["oncology"],
    "from": "2026-11-01",
    "to": "2026-11-30",
    "timezone": "Australia/Sydney",
    "usage": usage(40, 600.0, median=14.0, wait=3.5, p90=11.0, hour=10),
    "waitingAreas": [
        {
            "id": "a1",
            "name": "Oncology Outpatients",
            "reportingTags": [],
            "usage": usage(30, 400.0, median=13.0, wait=4.0, p90=12.0, hour=9),
        }
    ],
    "meetingRooms": [
        {"id": "r1", "name": "Tumour Board", "reportingTags": [], "usage": usage(10, 200.0)},
    ],
}
WHOLE = {
    "organisation": "metro",
    "from": "2026-11-01",
    "to": "2026-11-30",
    "timezone": "Australia/Sydney",
    "complete": False,
    "usage": CANCER["usage"],
    "units": [],
    "tags": [
        {"tag": "oncology", "usage": usage(40, 600.0)},
        {"tag": None, "usage": usage(0)},
    ],
}


class FakePlatform:
    def __init__(self, *, readable: set[str]) -> None:
        self.readable = readable
        self.queries: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "GET"
        path = request.url.path.removeprefix("/api/v1/orgs/metro")
        self.queries.append(f"{path}?{request.url.query.decode()}")
        if path == "/units":
            units = [{"id": "u1", "name": "Cancer Care"}, {"id": "u2", "name": "Dentistry"}]
            return httpx.Response(200, json={"items": units, "nextCursor": None})
        if path.startswith("/units/") and path.endswith("/report"):
            unit_id = path.split("/")[2]
            if unit_id not in self.readable:
                return httpx.Response(
                    403,
                    json={
                        "type": "x/forbidden",
                        "title": "Not allowed",
                        "status": 403,
                        "detail": "no",
                    },
                    headers={"content-type": "application/problem+json"},
                )
            return httpx.Response(200, json=CANCER)
        if path == "/report":
            return httpx.Response(200, json=WHOLE)
        raise AssertionError(path)


def build(config: OrgConfig, fake: FakePlatform, **kwargs: Any) -> UsageReport:
    client = PlatformClient(
        ClientSettings(api_url=URL, token="t"), transport=httpx.MockTransport(fake)
    )
    with client:
        return build_usage_report(
            client,
            config,
            api_url=URL,
            token_email="reports@metro.example",
            system_administrator=False,
            now=NOW,
            **kwargs,
        )


def test_by_unit_reads_each_readable_unit(config: OrgConfig) -> None:
    fake = FakePlatform(readable={"u1"})
    report = build(config, fake, date_from="2026-11-01", date_to="2026-11-30")
    assert fake.queries == [
        "/units?limit=500",
        "/units/u1/report?from=2026-11-01&to=2026-11-30&timezone=Australia%2FSydney",
        "/units/u2/report?from=2026-11-01&to=2026-11-30&timezone=Australia%2FSydney",
        "/report?from=2026-11-01&to=2026-11-30&timezone=Australia%2FSydney&unitId=u1",
    ]
    assert [u.key for u in report.units] == ["cancer-care"]
    assert [(s.key, s.scope_type) for s in report.units[0].scopes] == [
        ("oncology-clinic", "waiting-area"),
        ("tumour-board", "meeting-room"),
    ]
    assert [(h.key, h.reason) for h in report.hidden] == [
        ("dentistry", "not-visible"),
        ("emergency", "not-visible"),
    ]


def test_no_readable_unit_is_an_error(config: OrgConfig) -> None:
    with pytest.raises(NoVisibleUnits) as caught:
        build(config, FakePlatform(readable=set()))
    assert [h.key for h in caught.value.hidden] == ["cancer-care", "dentistry", "emergency"]


def test_text_is_a_bar_chart(config: OrgConfig) -> None:
    text = build(config, FakePlatform(readable={"u1"})).to_text()
    lines = text.splitlines()
    assert lines[0] == ("Usage of metro, 2026-11-01 to 2026-11-30 (Australia/Sydney), by unit")
    cancer = next(line for line in lines if line.startswith("Cancer Care "))
    area = next(line for line in lines if line.startswith("  Oncology Outpatients "))
    room = next(line for line in lines if line.startswith("  Tumour Board (meeting room) "))
    # Bars are scaled to the busiest row: 40 calls get the full width.
    assert cancer.count("█") == 20
    assert 14 <= area.count("█") <= 15
    assert 4 <= room.count("█") <= 5
    assert "10:00" in cancer and "09:00" in area
    assert "may not read the usage reports of Dentistry (dentistry), Emergency (emergency)" in text


def test_markdown_and_csv_are_tables(config: OrgConfig) -> None:
    report = build(config, FakePlatform(readable={"u1"}))
    markdown = report.to_markdown()
    assert "| Cancer Care | all | 40 | 600 | 14.0 | 3.5 | 11.0 | 10:00 |" in markdown
    assert "|   | waiting area Oncology Outpatients | 30 | 400 |" in markdown
    assert "- **Platform:** https://video.metro.example" in markdown
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert [(r["scope_type"], r["scope"], r["calls"]) for r in rows] == [
        ("unit", "Cancer Care", "40"),
        ("waiting-area", "Oncology Outpatients", "30"),
        ("meeting-room", "Tumour Board", "10"),
        ("total", "Total", "40"),
    ]
    assert rows[2]["median_minutes"] == ""
    assert rows[0]["busiest_hour"] == "10"


def test_by_tag(config: OrgConfig) -> None:
    fake = FakePlatform(readable={"u1"})
    report = build(config, fake, by="tag")
    assert not any("/units/" in q for q in fake.queries), "by tag needs no per-unit reports"
    assert [t.label for t in report.tags] == ["oncology", "(untagged)"]
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert [(r["tag"], r["calls"]) for r in rows] == [
        ("oncology", "40"),
        ("(untagged)", "0"),
        ("Total", "40"),
    ]
    assert "| oncology | 40 | 600 |" in report.to_markdown()
    validator("report-usage.schema.json")(json.loads(report.to_json()))


def test_json_follows_the_schema(config: OrgConfig) -> None:
    document = json.loads(build(config, FakePlatform(readable={"u1"})).to_json())
    validator("report-usage.schema.json")(document)
    assert document["by"] == "unit"
    assert (document["from"], document["to"]) == ("2026-11-01", "2026-11-30")
    assert document["units"][0]["scopes"][0]["usage"]["p90WaitMinutes"] == 12.0
    assert document["asOf"] == "2026-11-30T08:00:00Z"


def test_no_unit_filter_when_every_visible_unit_is_shown(config: OrgConfig) -> None:
    fake = FakePlatform(readable={"u1", "u2"})
    build(config, fake)
    assert fake.queries[-1] == "/report?timezone=Australia%2FSydney"
