"""`vcorg report access|usage` end to end: the real engine applies, the real platform serves.

One organisation is applied once for the whole module (the steps of issue 11):
1. vcorg applies an organisation with reporters in two units;
2. invitations are accepted (one left pending, one expired) and usage is simulated;
3. a reporter of one unit reads that unit's usage, and is refused the other unit;
4. the system administrator's access review lists every person in the right state;
5. after a console grant made through the API, the review flags it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import ADMIN, ORG, Vcorg, write_config
from tests.report.conftest import validator
from tests.support.platform import PlatformServer
from vcplatform.db import Database
from vcplatform.operator import accept_invitations, expire_invitations

pytestmark = pytest.mark.e2e

DOMAIN = "metro-health.example"
LATE = f"late.locum@{DOMAIN}"  # never accepts: pending
GONE = f"gone.locum@{DOMAIN}"  # let the invitation expire
CONSOLE = f"console.person@{DOMAIN}"
UNITS = {
    "cardiology": {
        "name": "Cardiology",
        "reportingTags": ["cardiac"],
        "roles": {
            "organisationAdministrators": [f"ana.lee@{DOMAIN}", f"ben.ng@{DOMAIN}"],
            "organisationReporters": [f"cardio.reports@{DOMAIN}"],
        },
        "waitingAreas": {
            "heart-clinic": {
                "name": "Heart Clinic",
                "roles": {"serviceProviders": [f"dr.heart@{DOMAIN}", LATE]},
            }
        },
        "meetingRooms": {
            "cardio-huddle": {
                "name": "Cardio Huddle",
                "roles": {"meetingRoomMembers": [f"dr.heart@{DOMAIN}"]},
            }
        },
    },
    "dentistry": {
        "name": "Dentistry",
        "roles": {
            "organisationAdministrators": [f"sam.okafor@{DOMAIN}"],
            "organisationReporters": [f"dental.reports@{DOMAIN}"],
        },
        "waitingAreas": {
            "dental-clinic": {
                "name": "Dental Clinic",
                "roles": {"serviceProviders": [f"dr.tooth@{DOMAIN}", GONE]},
            }
        },
    },
}
# (email, role, scope key) → state, once step 2 is done.
EXPECTED = {
    (f"ana.lee@{DOMAIN}", "organisation-administrator", "cardiology"): "active",
    (f"ben.ng@{DOMAIN}", "organisation-administrator", "cardiology"): "active",
    (f"cardio.reports@{DOMAIN}", "organisation-reporter", "cardiology"): "active",
    (f"dr.heart@{DOMAIN}", "service-provider", "heart-clinic"): "active",
    (LATE, "service-provider", "heart-clinic"): "pending",
    (f"dr.heart@{DOMAIN}", "meeting-room-member", "cardio-huddle"): "active",
    (f"sam.okafor@{DOMAIN}", "organisation-administrator", "dentistry"): "active",
    (f"dental.reports@{DOMAIN}", "organisation-reporter", "dentistry"): "active",
    (f"dr.tooth@{DOMAIN}", "service-provider", "dental-clinic"): "active",
    (GONE, "service-provider", "dental-clinic"): "expired",
}


@dataclass
class Applied:
    platform: PlatformServer
    vcorg: Vcorg
    config: Path
    unit_ids: dict[str, str]
    reporter_token: str
    workdir: Path


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    root = tmp_path_factory.mktemp("report")
    with PlatformServer(
        root / "platform", org=ORG, org_name="Metro Health", admin_email=ADMIN
    ) as platform:
        vcorg = Vcorg(platform, root / "work")
        config = write_config(
            root / "configs" / "org.yaml", UNITS, defaults={"timezone": "Australia/Sydney"}
        )
        # 1. vcorg applies the organisation (real engine).
        applied_run = vcorg("apply", config, "--yes")
        assert applied_run.returncode == 0, applied_run

        # 2. Everyone accepts but two people; usage is simulated.
        db = Database(platform.db_url)
        expire_invitations(db, ORG, GONE)
        for email, _, _ in EXPECTED:
            if email not in (LATE, GONE):
                accept_invitations(db, ORG, email)
        db.dispose()
        simulated = json.loads(platform.cli("usage", "simulate", "--org", ORG, "--seed", "1"))
        assert simulated["calls"] > 0

        with platform.client() as api:
            units = api.get("/units").json()["items"]
        unit_ids = {u["name"]: u["id"] for u in units}
        reporter = platform.create_token(
            f"cardio.reports@{DOMAIN}", "organisation-reporter", unit_ids["Cardiology"]
        )
        yield Applied(platform, vcorg, config, unit_ids, reporter, root / "work")


def _json(run: Any) -> dict[str, Any]:
    assert run.returncode in (0, 2), run
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def test_reporter_reads_own_unit_and_is_refused_the_other(applied: Applied) -> None:
    """Step 3: a reporter's token shows that reporter's unit only, and says so."""
    as_reporter = {"VCORG_TOKEN": applied.reporter_token}
    text = applied.vcorg("report", "usage", applied.config, env=as_reporter)
    assert text.returncode == 0, text
    assert "Cardiology" in text.stdout and "Heart Clinic" in text.stdout
    assert "█" in text.stdout
    assert (
        f"This token (cardio.reports@{DOMAIN}) may not read the usage reports of "
        "Dentistry (dentistry)" in text.stdout
    )

    document = _json(
        applied.vcorg("report", "usage", applied.config, "--format", "json", env=as_reporter)
    )
    validator("report-usage.schema.json")(document)
    assert [u["key"] for u in document["units"]] == ["cardiology"]
    assert document["hiddenUnits"] == [
        {"key": "dentistry", "name": "Dentistry", "reason": "not-visible"}
    ]
    # The numbers are the platform's own report of the unit, for the same days.
    with applied.platform.client() as api:
        platform_report = api.get(
            f"/units/{applied.unit_ids['Cardiology']}/report",
            params={"from": document["from"], "to": document["to"], "timezone": "Australia/Sydney"},
        ).json()
    assert document["units"][0]["usage"] == platform_report["usage"]
    assert document["units"][0]["usage"]["calls"] > 0
    assert document["total"] == platform_report["usage"]

    # The platform itself refuses the other unit's report to this token.
    with applied.platform.client(applied.reporter_token) as api:
        refused = api.get(f"/units/{applied.unit_ids['Dentistry']}/report")
    assert refused.status_code == 403
    assert "organisation reporter of the unit" in refused.json()["detail"]


def test_usage_csv_and_markdown(applied: Applied) -> None:
    run = applied.vcorg(
        "report",
        "usage",
        applied.config,
        "--format",
        "csv",
        "--from",
        "2020-01-01",
        "--to",
        "2020-01-31",
    )
    assert run.returncode == 0, run
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(r["unit_key"], r["scope_type"], r["scope_key"]) for r in rows] == [
        ("cardiology", "unit", "cardiology"),
        ("cardiology", "waiting-area", "heart-clinic"),
        ("cardiology", "meeting-room", "cardio-huddle"),
        ("dentistry", "unit", "dentistry"),
        ("dentistry", "waiting-area", "dental-clinic"),
        ("", "total", ""),
    ]
    assert {r["calls"] for r in rows} == {"0"}, "nothing was simulated in 2020"

    out = applied.workdir / "usage-by-tag.md"
    by_tag = applied.vcorg(
        "report", "usage", applied.config, "--by", "tag", "--format", "markdown", "--out", out
    )
    assert by_tag.returncode == 0, by_tag
    assert by_tag.stdout == ""
    markdown = out.read_text()
    assert "| Reporting tag | Calls |" in markdown
    assert "| cardiac |" in markdown and "| (untagged) |" in markdown

    bad = applied.vcorg(
        "report", "usage", applied.config, "--from", "2026-11-30", "--to", "2026-11-01"
    )
    assert bad.returncode == 64, bad
    assert "--from 2026-11-30 is after --to 2026-11-01" in bad.stderr


def test_access_review_lists_everyone_in_the_right_state(applied: Applied) -> None:
    """Step 4: the system administrator's review, in JSON (schema) and CSV."""

    def writes() -> int:
        return sum(n for (method, _, _), n in applied.platform.metrics().items() if method != "GET")

    writes_before, before = writes(), applied.platform.request_count()
    document = _json(applied.vcorg("report", "access", applied.config, "--format", "json"))
    requests = applied.platform.request_count() - before
    assert writes() == writes_before, "the access review wrote to the platform"
    assert list(applied.config.parent.iterdir()) == [applied.config], "it wrote beside the config"
    validator("report-access.schema.json")(document)
    # me, organisation, units, waiting areas, meeting rooms, then grants per unit.
    assert requests == 5 + 2
    seen = {
        (a["email"], a["role"], a["scopeKey"]): a["state"]
        for u in document["units"]
        for a in u["access"]
    }
    assert seen == EXPECTED
    assert all(a["inConfiguration"] for u in document["units"] for a in u["access"])
    late = next(a for u in document["units"] for a in u["access"] if a["email"] == LATE)
    assert late["acceptedAt"] is None and late["invitedAt"] and late["sendCount"] == 1
    heart = next(
        a
        for u in document["units"]
        for a in u["access"]
        if a["email"] == f"dr.heart@{DOMAIN}" and a["scopeType"] == "waiting-area"
    )
    assert heart["acceptedAt"] >= heart["invitedAt"]
    flags = {(f["id"], f["email"]) for f in document["flags"]}
    assert flags == {
        ("single-administrator", f"sam.okafor@{DOMAIN}"),
        ("expired-invitation", GONE),
        ("only-pending", LATE),
    }
    assert document["platform"] == applied.platform.url

    csv_run = applied.vcorg(
        "report", "access", applied.config, "--format", "csv", "--pending-older-than", "0"
    )
    assert csv_run.returncode == 0, csv_run
    rows = list(csv.DictReader(io.StringIO(csv_run.stdout)))
    assert len(rows) == len(EXPECTED)
    by_person = {(r["email"], r["scope_key"]): r for r in rows}
    assert by_person[(LATE, "heart-clinic")]["flags"] == "pending-too-long only-pending"
    assert by_person[(GONE, "dental-clinic")]["state"] == "expired"
    assert {r["granted_by_config"] for r in rows} == {"yes"}

    flagged = applied.vcorg("report", "access", applied.config, "--detailed-exitcode")
    assert flagged.returncode == 2, flagged
    assert "! single-administrator: Dentistry has a single organisation administrator" in (
        flagged.stdout
    )
    assert "Nothing was changed." in flagged.stderr


def test_console_grant_is_flagged(applied: Applied) -> None:
    """Step 5: access no configuration grants shows up, and the requests stay the same."""
    base = applied.vcorg("report", "access", applied.config, "--format", "json")
    before = applied.platform.request_count()
    applied.vcorg("report", "access", applied.config, "--format", "json")
    baseline_requests = applied.platform.request_count() - before
    with applied.platform.client() as api:
        created = api.post(
            "/grants",
            json={
                "scopeType": "unit",
                "scopeId": applied.unit_ids["Cardiology"],
                "role": "organisation-reporter",
                "email": CONSOLE,
            },
        )
        assert created.status_code == 201, created.text
        # Thirty more people in the unit: the review still costs the same requests.
        heart = next(
            a["id"]
            for a in api.get("/waiting-areas").json()["items"]
            if a["name"] == "Heart Clinic"
        )
        for n in range(30):
            extra = api.post(
                "/grants",
                json={
                    "scopeType": "waiting-area",
                    "scopeId": heart,
                    "role": "service-provider",
                    "email": f"extra{n}@{DOMAIN}",
                },
            )
            assert extra.status_code == 201, extra.text
    assert _json(base)["summary"]["flags"] == 3

    out = applied.workdir / "access.md"
    before = applied.platform.request_count()
    run = applied.vcorg(
        "report",
        "access",
        applied.config,
        "--format",
        "markdown",
        "--out",
        out,
        "--detailed-exitcode",
    )
    assert applied.platform.request_count() - before == baseline_requests
    assert run.returncode == 2, run
    markdown = out.read_text()
    assert f"- **Platform:** {applied.platform.url}" in markdown
    assert "- **As of:** " in markdown
    assert f"not-in-config: {CONSOLE} is organisation reporter of unit Cardiology, but no " in (
        markdown.replace("\\", "")
    )
    assert f"granted by {ADMIN}" in markdown.replace("\\", "")

    document = _json(applied.vcorg("report", "access", applied.config, "--format", "json"))
    console = [a for u in document["units"] for a in u["access"] if a["email"] == CONSOLE]
    assert len(console) == 1
    assert console[0]["inConfiguration"] is False
    assert console[0]["grantedBy"] == ADMIN
    assert console[0]["flags"] == ["not-in-config", "only-pending"]
