"""Onboarding an organisation built by hand: `vcorg export`, then `plan --adopt` and
`apply --adopt` through the real engine, against a real platform.

One organisation is built through the platform API as its console would (tests/support/
console.py) and shared by the module; the tests that read it come first, and the round
trip that adopts it comes last. The platform's audit log and /metrics, not vcorg's own
counters, are the judges of what was written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from tests.cli.conftest import Run, Vcorg
from tests.support.console import build_organisation, iter_objects
from tests.support.platform import PlatformServer
from vcorg.config import load_config

pytestmark = pytest.mark.e2e

ORG = "riverside-health"
ADMIN = "ops@riverside.example"
ANA = "ana.lee@riverside.example"  # accepts: active everywhere
LOCUM = "locum.ng@riverside.example"  # never answered: expired
SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())


def _people(*names: str) -> list[str]:
    return [f"{n}@riverside.example" for n in names]


# What an administrator clicked together in the console over the years.
HAND_BUILT: dict[str, Any] = {
    "defaults": {"timezone": "Europe/London"},
    "units": {
        "u1": {
            "name": "Cardiología",
            "description": "Heart and vessels",
            "reportingTags": ["medicine", "outpatient"],
            "roles": {
                "organisationAdministrators": [ANA, *_people("carmen.ruiz")],
                "organisationReporters": _people("data.team"),
            },
            "waitingAreas": {
                "a1": {
                    "name": "General Clinic",
                    "description": "Walk-in and booked",
                    "type": "group-consultation",
                    "accessHours": {
                        "timezone": "Europe/Madrid",
                        "open": [
                            {"days": ["mon", "wed"], "from": "08:00", "to": "12:30"},
                            {"days": ["fri"], "from": "13:00", "to": "17:30"},
                        ],
                    },
                    "callerDetails": [
                        {"key": "dob", "label": "Date of birth", "type": "date", "required": True},
                        {"key": "nhs", "label": "NHS number"},
                    ],
                    "informationForCallers": "Please have your medication list ready.\n"
                    "Bring a relative if you like: we have room.",
                    "reportingTags": ["cardiac"],
                    "roles": {
                        "serviceAdministrators": [ANA],
                        "serviceProviders": [LOCUM, *_people("dr.khan")],
                    },
                },
                "a2": {
                    "name": "Consult Now",
                    "type": "consult-now",
                    "suspended": True,
                    "suspendedMessageForCallers": "Closed today; call 0800 000 000.",
                    "suspendedMessageForStaff": "Moving to Building C",
                },
            },
            "meetingRooms": {
                "r1": {
                    "name": "Case Review",
                    "maxParticipants": 4,
                    "waitingArea": "a1",
                    "roles": {
                        "meetingRoomAdministrators": [ANA],
                        "meetingRoomMembers": _people("dr.khan", "nurse.obi"),
                    },
                },
                "r2": {"name": "Staff Room"},
            },
        },
        "u2": {
            "name": "Children's Services",
            "roles": {"organisationAdministrators": _people("sam.o'neill")},
            "waitingAreas": {
                "a3": {"name": "General Clinic", "roles": {"serviceProviders": [LOCUM]}},
                "a4": {"name": "O'Brien Family Clinic"},
            },
            "meetingRooms": {"r3": {"name": "Huddle"}},
        },
        "u3": {
            "name": "Housing",
            "roles": {"organisationAdministrators": [ANA]},
            "waitingAreas": {"a5": {"name": "Tenancy Support", "type": "consult-now"}},
        },
    },
}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformServer]:
    with PlatformServer(
        tmp_path_factory.mktemp("platform"), org=ORG, org_name="Riverside Health", admin_email=ADMIN
    ) as server:
        with server.client() as http:
            build_organisation(http, HAND_BUILT)
        server.accept_invitations(ANA)
        server.expire_invitations(LOCUM)
        yield server


@pytest.fixture
def vcorg(platform: PlatformServer, tmp_path: Path) -> Vcorg:
    return Vcorg(platform, tmp_path / "work")


def _ok(run: Run) -> Run:
    assert run.returncode == 0, run
    return run


def _gets(platform: PlatformServer) -> int:
    return sum(n for (m, r, _), n in platform.metrics().items() if m == "GET" and "/api/" in r)


def _writes(platform: PlatformServer) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for (method, route, _status), n in platform.metrics().items():
        if method != "GET" and route.startswith("/api/"):
            counts[(method, route)] += n
    return counts


def _body(text: str) -> str:
    """An export without its header (which says when it was made)."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


# --- what export writes ----------------------------------------------------------------


def test_export_writes_what_a_person_would_have_written(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    before = _gets(platform)
    run = _ok(vcorg("export", "--out", tmp_path / "org"))
    # Read by list: /me, the organisation, then one list per collection (one page each).
    assert _gets(platform) - before == 6
    assert "3 units, 5 waiting areas, 3 meeting rooms" in run.stderr, run
    assert "with 6 requests" in run.stderr, run
    assert "2 expired" in run.stderr and "re-sends" in run.stderr, run

    files = sorted(
        p.relative_to(tmp_path / "org").as_posix() for p in (tmp_path / "org").rglob("*")
    )
    assert files == [
        "org.yaml",
        "units",
        "units/cardiologia.yaml",
        "units/childrens-services.yaml",
        "units/housing.yaml",
    ]
    org_yaml = (tmp_path / "org" / "org.yaml").read_text()
    assert org_yaml.startswith("# yaml-language-server: $schema=")
    assert f"from organisation {ORG} (Riverside Health)" in org_yaml
    assert f"on the platform {platform.url}, at 20" in org_yaml
    assert "defaults:\n  timezone: Europe/London\n" in org_yaml

    cardio = (tmp_path / "org" / "units" / "cardiologia.yaml").read_text()
    assert f"      - {LOCUM}  # invitation expired: the next apply re-sends it\n" in cardio
    assert "      general-clinic:\n        name: General Clinic\n" in cardio
    assert "timezone: Europe/Madrid" in cardio  # not the default: written
    assert 'open:\n            - {days: [mon, wed], from: "08:00", to: "12:30"}' in cardio
    for default in ("type: regular", "maxParticipants: 6", "required: false", "type: text"):
        assert default not in cardio
    kids = (tmp_path / "org" / "units" / "childrens-services.yaml").read_text()
    # The same area name in two units; names with apostrophes.
    assert "childrens-services-general-clinic:\n        name: General Clinic" in kids
    assert "obrien-family-clinic:\n        name: O'Brien Family Clinic" in kids

    _ok(vcorg("validate", tmp_path / "org"))
    # Each unit file stands alone (it repeats the same defaults).
    _ok(vcorg("validate", tmp_path / "org" / "units" / "childrens-services.yaml"))

    config = load_config([tmp_path / "org"])
    assert list(config.units) == ["cardiologia", "childrens-services", "housing"]  # by name
    keys = [*config.units]
    for unit in config.units.values():
        keys += [*unit.waiting_areas, *unit.meeting_rooms]
    assert len(keys) == len(set(keys)) == 3 + 5 + 3  # unique across the organisation
    clinic = config.units["cardiologia"].waiting_areas["general-clinic"]
    assert clinic.type == "group-consultation"
    assert clinic.caller_details[0].required and clinic.caller_details[1].type == "text"
    assert (
        clinic.information_for_callers
        == HAND_BUILT["units"]["u1"]["waitingAreas"]["a1"]["informationForCallers"]
    )
    assert clinic.roles.service_providers == ["dr.khan@riverside.example", LOCUM]
    assert config.units["cardiologia"].meeting_rooms["case-review"].waiting_area == "general-clinic"
    assert config.units["cardiologia"].waiting_areas["consult-now"].suspended

    # The single-file layout says exactly the same.
    _ok(vcorg("export", "--out", tmp_path / "org.yaml"))
    single = load_config([tmp_path / "org.yaml"])
    assert single.model_dump() == config.model_dump()
    # And a second export gives the same keys and text (all but the time it was made).
    _ok(vcorg("export", "--out", tmp_path / "again.yml"))
    assert _body((tmp_path / "again.yml").read_text()) == _body((tmp_path / "org.yaml").read_text())


def test_export_of_some_units(vcorg: Vcorg, tmp_path: Path) -> None:
    run = _ok(vcorg("export", "--out", tmp_path / "kids.yaml", "--unit", "childrens-services"))
    assert "1 unit, 2 waiting areas, 1 meeting room" in run.stderr, run
    config = load_config([tmp_path / "kids.yaml"])
    assert list(config.units) == ["childrens-services"]
    # Keys are those of the whole organisation, so a partial export fits a full one.
    assert "childrens-services-general-clinic" in config.units["childrens-services"].waiting_areas

    wrong = vcorg("export", "--out", tmp_path / "x.yaml", "--unit", "childrens-service")
    assert wrong.returncode == 64, wrong
    assert "no unit on the platform has the key 'childrens-service'" in wrong.stderr
    assert "did you mean 'childrens-services'?" in wrong.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_export_never_overwrites_without_force_and_writes_nothing_when_it_fails(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    target = tmp_path / "org.yaml"
    target.write_text("# mine\n")
    refused = vcorg("export", "--out", target)
    assert refused.returncode == 1, refused
    assert "already exists; not overwriting it" in refused.stderr and "--force" in refused.stderr
    assert target.read_text() == "# mine\n"
    _ok(vcorg("export", "--out", target, "--force"))
    assert "apiVersion: vcorg/v1" in target.read_text()

    directory = tmp_path / "org"
    (directory / "units").mkdir(parents=True)
    (directory / "units" / "stale.yaml").write_text("# a unit deleted since\n")
    (directory / "README.md").write_text("ours\n")
    refused = vcorg("export", "--out", directory)
    assert refused.returncode == 1 and "already holds units/" in refused.stderr, refused
    _ok(vcorg("export", "--out", directory, "--force"))
    assert (directory / "README.md").read_text() == "ours\n"  # not the export's to replace
    assert not (directory / "units" / "stale.yaml").exists()
    assert (directory / "units" / "housing.yaml").is_file()
    # A directory with files of its own but no export in it needs no --force.
    fresh = tmp_path / "repo"
    fresh.mkdir()
    (fresh / "CODEOWNERS").write_text("units/housing.yaml @housing-team\n")
    _ok(vcorg("export", "--out", fresh))
    assert (fresh / "org.yaml").is_file() and (fresh / "CODEOWNERS").is_file()

    # A platform that stops answering part-way (4 requests an hour: the 5th is refused
    # with a Retry-After far too long to wait): nothing is written, nothing is left over.
    with PlatformServer(
        tmp_path / "throttled",
        org=ORG,
        admin_email=ADMIN,
        db_url=platform.db_url,
        serve_args=["--rate-limit", "4/hour"],
    ) as throttled:
        failed = Vcorg(throttled, tmp_path / "work2")("export", "--out", tmp_path / "new")
    assert failed.returncode == 1, failed
    assert "429" in failed.stderr or "rate" in failed.stderr.lower(), failed
    assert not (tmp_path / "new").exists()
    assert not list(tmp_path.glob(".vcorg-export-*"))


def test_export_completes_under_rate_limits_and_injected_faults(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    _ok(vcorg("export", "--out", tmp_path / "calm.yaml"))
    with PlatformServer(
        tmp_path / "stormy",
        org=ORG,
        admin_email=ADMIN,
        db_url=platform.db_url,
        serve_args=[
            "--rate-limit", "3/s",
            "--fault-error-rate", "0.3",
            "--fault-statuses", "500,503",
            "--fault-seed", "11",
        ],
    ) as stormy:  # fmt: skip
        run = _ok(Vcorg(stormy, tmp_path / "work2")("export", "--out", tmp_path / "stormy.yaml"))
        statuses = Counter(
            status for (_, _, status), n in stormy.metrics().items() for _ in range(n)
        )
    assert statuses["429"] and (statuses["500"] or statuses["503"]), statuses
    stormy_text = (tmp_path / "stormy.yaml").read_text()
    assert _body(stormy_text) == _body((tmp_path / "calm.yaml").read_text())
    assert "requests" in run.stderr


def test_what_cannot_be_expressed_is_listed_and_fails_unless_lenient(
    platform: PlatformServer, tmp_path: Path
) -> None:
    """A second organisation holding what the configuration language cannot say."""
    token = platform.cli(
        "token", "create", "--org", "legacy-care", "--org-name", "Legacy Care",
        "--email", "ops@legacy.example", "--role", "system-administrator",
    ).strip()  # fmt: skip
    api = f"{platform.url}/api/v1/orgs/legacy-care"
    with httpx.Client(base_url=api, headers={"Authorization": f"Bearer {token}"}) as http:

        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            response = http.post(path, json=body)
            assert response.status_code == 201, response.text
            return response.json()

        kept = post("units", {"name": "Outreach"})
        post(
            "grants",
            {
                "scopeType": "unit",
                "scopeId": kept["id"],
                "role": "organisation-administrator",
                "email": "lead@legacy.example",
            },
        )
        post("waiting-areas", {"unitId": kept["id"], "name": "Drop-in"})
        # Blocks that overlap on Monday: the platform takes them, the config does not.
        post(
            "waiting-areas",
            {
                "unitId": kept["id"],
                "name": "Overlap",
                "accessHours": {
                    "timezone": "UTC",
                    "open": [
                        {"days": ["mon"], "from": "09:00", "to": "12:00"},
                        {"days": ["mon"], "from": "11:00", "to": "13:00"},
                    ],
                },
            },
        )
        # A description longer than the configuration allows (2,000 characters).
        archive = post("units", {"name": "Archive", "description": "x" * 3000})
        post(
            "grants",
            {
                "scopeType": "unit",
                "scopeId": archive["id"],
                "role": "organisation-administrator",
                "email": "lead@legacy.example",
            },
        )
        # A unit nobody administers.
        post("units", {"name": "Orphaned"})
    legacy = Vcorg(platform, tmp_path / "work")
    env = {"VCORG_TOKEN": token}

    strict = legacy("export", "--out", tmp_path / "legacy.yaml", env=env)
    assert strict.returncode == 1, strict
    warnings = [line for line in strict.stderr.splitlines() if line.startswith("vcorg: warning:")]
    assert len(warnings) == 3, strict.stderr
    assert any(
        'waiting area "Overlap" in unit "Outreach"' in w and "overlaps" in w for w in warnings
    )
    assert any('unit "Archive"' in w and "description" in w for w in warnings)
    assert any('unit "Orphaned"' in w and "no organisation administrator" in w for w in warnings)
    assert all("vcorg will not manage it" in w for w in warnings)
    assert "nothing was written" in strict.stderr and "--lenient" in strict.stderr
    assert not (tmp_path / "legacy.yaml").exists()

    lenient = _ok(legacy("export", "--out", tmp_path / "legacy.yaml", "--lenient", env=env))
    assert lenient.stderr.count("vcorg: warning:") == 3, lenient
    config = load_config([tmp_path / "legacy.yaml"])
    assert list(config.units) == ["outreach"]
    assert list(config.units["outreach"].waiting_areas) == ["drop-in"]
    # What was left out is left alone: planning the rest adopts it and nothing else.
    plan = _ok(legacy("plan", tmp_path / "legacy.yaml", "--adopt", "--format", "json", env=env))
    summary = json.loads(plan.stdout)["summary"]
    assert (summary["creates"], summary["updates"], summary["deletes"]) == (0, 0, 0)
    assert summary["adopts"] == 3


def test_changed_settings_are_adopted_and_updated(vcorg: Vcorg, tmp_path: Path) -> None:
    """A console-made consult-now area whose config leaves `type` out: the plan says so."""
    _ok(vcorg("export", "--out", tmp_path / "org.yaml"))
    text = (tmp_path / "org.yaml").read_text()
    edited = text.replace(
        "      tenancy-support:\n        name: Tenancy Support\n        type: consult-now\n",
        "      tenancy-support:\n        name: Tenancy Support\n",
    )
    assert edited != text
    (tmp_path / "org.yaml").write_text(edited)
    plan = _ok(vcorg("plan", tmp_path / "org.yaml", "--adopt"))
    assert ('  = adopt waiting area "Tenancy Support" (tenancy-support) (id wa_') in plan.stdout, (
        plan
    )
    assert (
        'link unchanged)\n  ~ update waiting area "Tenancy Support" (tenancy-support)\n'
        '    ~ type: "consult-now" → "regular"\n'
    ) in plan.stdout, plan
    assert plan.stdout.startswith("Plan: 0 to create, 1 to update, 0 to replace, 0 to delete")


# --- the round trip (last: it adopts the organisation) ----------------------------------


def test_round_trip_adopts_everything_without_a_single_other_write(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    """export → validate → plan --adopt (only adoptions and re-sends) → apply --adopt (no
    other writes) → plan --detailed-exitcode (0). The plan is made from the directory
    layout and the apply and the last plan use the single file: both say the same."""
    _ok(vcorg("export", "--out", tmp_path / "org"))
    _ok(vcorg("export", "--out", tmp_path / "org.yaml"))
    _ok(vcorg("validate", tmp_path / "org"))

    saved = tmp_path / "plan.json"
    plan = _ok(vcorg("plan", tmp_path / "org", "--adopt", "--out", saved))
    lines = plan.stdout.splitlines()
    assert lines[0] == (
        "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 drifted, 20 to adopt; "
        "0 people to invite, 0 to remove, 2 invitations to re-send; 0 unchanged."
    ), plan
    steps = [line.strip() for line in lines[1:] if line.startswith("  ") and line.strip()]
    assert all(s.startswith(("= adopt", "~ re-send the expired invitation of")) for s in steps), (
        plan.stdout
    )
    assert sum(s.startswith("~ re-send") for s in steps) == 2
    assert '= adopt waiting area "General Clinic" (general-clinic) (id wa_' in plan.stdout
    assert "link unchanged)" in plan.stdout
    data = json.loads(saved.read_text())["plan"]  # the JSON rendering, as --format json
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert {r["op"] for u in data["units"] for r in u["resources"]} == {"adopt"}
    assert data["summary"]["adopts"] == 20 and data["summary"]["peopleResent"] == 2

    with platform.client() as http:
        audited = {event["id"] for event in iter_objects(http, "audit")}
    writes = _writes(platform)
    applied = _ok(vcorg("apply", tmp_path / "org.yaml", "--adopt", "--yes"))
    with platform.client() as http:
        new_events = [e for e in iter_objects(http, "audit") if e["id"] not in audited]
    # The platform's own records: the two re-sends, and nothing else.
    assert sorted(e["action"] for e in new_events) == ["grant.resend", "grant.resend"]
    assert _writes(platform) - writes == Counter(
        {("POST", "/api/v1/orgs/{org}/grants/{grant_id}/resend"): 2}
    )
    assert "Applied 20 changes" in applied.stderr and "20 adopted." in applied.stderr, applied
    assert "created" not in applied.stderr and "invited" not in applied.stderr, applied
    assert "New waiting-area links" not in applied.stderr, applied
    assert "2 expired invitation(s) re-sent" in applied.stderr, applied

    after = vcorg("plan", tmp_path / "org.yaml", "--detailed-exitcode")
    assert after.returncode == 0, after
    assert after.stdout.startswith("No changes.")
