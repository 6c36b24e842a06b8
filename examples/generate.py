#!/usr/bin/env python3
"""Generate a large, valid, synthetic organisation for benchmarks and scale tests.

    python examples/generate.py --units 2000 --out /tmp/big.yaml        # one file
    python examples/generate.py --units 17 --split --out /tmp/big-dir    # one file per unit

The same ``--seed`` always gives byte-identical output. Each unit holds
``--areas`` waiting areas and ``--rooms`` meeting rooms (default 6 and 3, so
2,000 units are 20,000 objects). With the defaults each unit becomes 30 Pulumi
resources (1 unit + 6 areas + 3 rooms + 20 role lists), so ``--units 17`` is
about 500 resources.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

import yaml

API_VERSION = "vcorg/v1"
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SPECIALTIES = [
    "cardiology", "dermatology", "endocrinology", "geriatrics", "haematology",
    "nephrology", "neurology", "oncology", "orthopaedics", "paediatrics",
    "psychiatry", "respiratory", "rheumatology", "urology", "housing", "benefits",
]  # fmt: skip
AREA_KINDS = ["Clinic", "Review", "Triage", "Follow-up", "Education", "Assessment"]
TYPES = ["regular", "regular", "regular", "group-consultation", "consult-now"]
ZONES = ["Australia/Sydney", "Australia/Perth", "Europe/London", "America/Toronto"]
FIRST = ["ana", "ben", "chen", "dev", "eva", "femi", "gus", "hana", "ivan", "jo", "kai", "lea"]
LAST = ["lee", "khan", "ng", "smith", "okafor", "patel", "rossi", "sato", "tan", "wu", "ali"]


def generate(
    units: int,
    *,
    seed: int = 1,
    areas: int = 6,
    rooms: int = 3,
    organisation: str = "synthetic-health",
    domain: str = "synthetic-health.example",
) -> dict[str, Any]:
    """A plain-dict organisation that `vcorg validate` accepts."""
    rng = random.Random(seed)

    def email() -> str:
        return f"{rng.choice(FIRST)}.{rng.choice(LAST)}{rng.randrange(1000)}@{domain}"

    def people(count: int) -> list[str]:
        found: dict[str, None] = {}
        while len(found) < count:
            found.setdefault(email())
        return list(found)

    out_units: dict[str, Any] = {}
    for u in range(units):
        unit_key = f"unit-{u:05d}"
        specialty = rng.choice(SPECIALTIES)
        unit_areas: dict[str, Any] = {}
        for a in range(areas):
            area: dict[str, Any] = {
                "name": f"{specialty.title()} {AREA_KINDS[a % len(AREA_KINDS)]} {a + 1}",
                "type": rng.choice(TYPES),
                "accessHours": _hours(rng),
                "callerDetails": [
                    {"key": "dob", "label": "Date of birth", "type": "date", "required": True}
                ],
                "informationForCallers": "Please have your medication list ready.",
                "reportingTags": [specialty],
                "roles": {
                    "serviceAdministrators": people(1),
                    "serviceProviders": people(rng.randint(1, 4)),
                },
            }
            unit_areas[f"{unit_key}-area-{a}"] = area
        unit_rooms: dict[str, Any] = {}
        for r in range(rooms):
            room: dict[str, Any] = {
                "name": f"{specialty.title()} Room {r + 1}",
                "maxParticipants": rng.randint(2, 6),
                "roles": {"meetingRoomAdministrators": people(1), "meetingRoomMembers": people(2)},
            }
            if areas and r % 2 == 0:
                room["waitingArea"] = f"{unit_key}-area-{rng.randrange(areas)}"
            unit_rooms[f"{unit_key}-room-{r}"] = room
        out_units[unit_key] = {
            "name": f"{specialty.title()} Unit {u + 1}",
            "description": f"Synthetic unit {u + 1}",
            "reportingTags": [specialty, f"region-{u % 7}"],
            "roles": {
                "organisationAdministrators": people(2),
                "organisationReporters": people(1),
            },
            "waitingAreas": unit_areas,
            "meetingRooms": unit_rooms,
        }
    return {
        "apiVersion": API_VERSION,
        "organisation": organisation,
        "defaults": {"timezone": ZONES[seed % len(ZONES)]},
        "units": out_units,
    }


def _hours(rng: random.Random) -> dict[str, Any]:
    # Two blocks on disjoint days can never overlap.
    days = rng.sample(DAYS, k=rng.randint(2, 7))
    split = rng.randint(1, len(days) - 1)
    start = rng.randint(6, 11)
    return {
        "open": [
            {"days": sorted(days[:split], key=DAYS.index), "from": f"{start:02d}:00",
             "to": f"{start + rng.randint(2, 8):02d}:30"},
            {"days": sorted(days[split:], key=DAYS.index), "from": "08:00", "to": "12:00"},
        ]
    }  # fmt: skip


def dump(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    # Short lists (days, emails) in flow style, as people write them.
    return yaml.dump(
        data,
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )


def write(data: dict[str, Any], out: Path, *, split: bool = False) -> list[Path]:
    """Write one file, or with ``split`` a directory of one file per unit."""
    if not split:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dump(data), encoding="utf-8")
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    head = {k: v for k, v in data.items() if k != "units"}
    written = [out / "org.yaml"]
    written[0].write_text(dump(head), encoding="utf-8")
    for key, unit in data["units"].items():
        path = out / f"{key}.yaml"
        path.write_text(
            dump({"apiVersion": data["apiVersion"], "organisation": data["organisation"],
                  "units": {key: unit}}),
            encoding="utf-8",
        )  # fmt: skip
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100, help="number of units (default 100)")
    parser.add_argument("--areas", type=int, default=6, help="waiting areas per unit")
    parser.add_argument("--rooms", type=int, default=3, help="meeting rooms per unit")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--organisation", default="synthetic-health", help="organisation key")
    parser.add_argument("--split", action="store_true", help="one file per unit in --out")
    parser.add_argument("--out", type=Path, help="output file (or directory with --split)")
    args = parser.parse_args(argv)
    data = generate(
        args.units, seed=args.seed, areas=args.areas, rooms=args.rooms,
        organisation=args.organisation,
    )  # fmt: skip
    if args.out is None:
        if args.split:
            parser.error("--split needs --out")
        sys.stdout.write(dump(data))
    else:
        write(data, args.out, split=args.split)
    return 0


if __name__ == "__main__":
    sys.exit(main())
