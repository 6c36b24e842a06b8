"""The shipped examples validate, and hospital-v2 is exactly the promised change set."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from vcorg.config import check_config, load_config

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


@pytest.mark.parametrize("name", ["hospital", "hospital-v2", "social-services", "multi-file"])
def test_example_is_valid_without_warnings(name):
    result = check_config([EXAMPLES / name])
    assert result.problems == []
    assert result.config is not None


def test_hospital_content():
    config = load_config([EXAMPLES / "hospital"])
    assert config.organisation == "metro-health"
    names = {unit.name for unit in config.units.values()}
    assert names == {"Cancer Care", "Dentistry", "Emergency", "Internal Medicine"}
    medicine = config.units["internal-medicine"]
    assert "Case Review" in {room.name for room in medicine.meeting_rooms.values()}
    assert all(unit.waiting_areas for unit in config.units.values())
    assert any(
        room.waiting_area for u in config.units.values() for room in u.meeting_rooms.values()
    )
    assert any(unit.roles.organisation_reporters for unit in config.units.values())
    areas = sum(len(u.waiting_areas) for u in config.units.values())
    rooms = sum(len(u.meeting_rooms) for u in config.units.values())
    assert 8 <= areas <= 12 and 3 <= rooms <= 5
    emails = [
        email
        for unit in config.units.values()
        for email in unit.roles.organisation_administrators + unit.roles.organisation_reporters
    ]
    assert all(email.endswith("@metro-health.example") for email in emails)


def test_social_services_content():
    config = load_config([EXAMPLES / "social-services"])
    assert {u.name for u in config.units.values()} == {"Benefits", "Disability Services", "Housing"}
    housing = config.units["housing"]
    assert "Weekly Safety Overview" in {r.name for r in housing.meeting_rooms.values()}


def test_multi_file_is_one_file_per_unit():
    config = load_config([EXAMPLES / "multi-file"])
    unit_files = sorted((EXAMPLES / "multi-file" / "units").glob("*.yaml"))
    assert sorted(p.stem for p in unit_files) == sorted(config.units)


def _dump(path: Path) -> dict[str, Any]:
    return load_config([path]).model_dump(by_alias=True)


def test_hospital_v2_is_exactly_the_six_changes():
    before, after = _dump(EXAMPLES / "hospital"), _dump(EXAMPLES / "hospital-v2")
    units = before["units"]
    units["dentistry"]["name"] = "Oral Health"
    moved = units["emergency"]["waitingAreas"].pop("ed-follow-up")
    units["internal-medicine"]["waitingAreas"]["ed-follow-up"] = moved
    general = units["dentistry"]["waitingAreas"]["general-dental"]["accessHours"]
    general["open"].append({"days": ["sat"], "from": "09:00", "to": "12:00"})
    oncology = units["cancer-care"]["waitingAreas"]["oncology-clinic"]["roles"]
    oncology["serviceProviders"].append("dr.lucy.wu@metro-health.example")
    units["emergency"]["roles"]["organisationReporters"].remove("ed.quality@metro-health.example")
    del units["emergency"]["meetingRooms"]["ed-handover"]
    assert after == before


def _generator():
    spec = importlib.util.spec_from_file_location(
        "vcorg_examples_generate", EXAMPLES / "generate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_generator_is_deterministic_and_valid(tmp_path):
    generate = _generator()
    data = generate.generate(5, seed=7)
    assert generate.dump(data) == generate.dump(generate.generate(5, seed=7))
    assert generate.dump(data) != generate.dump(generate.generate(5, seed=8))
    one = generate.write(data, tmp_path / "one.yaml")
    split = generate.write(data, tmp_path / "split", split=True)
    assert len(split) == 6
    for paths in (one, [tmp_path / "split"]):
        result = check_config(paths)
        assert result.problems == []
        config = result.config
        assert config is not None and len(config.units) == 5
        objects = sum(
            1 + len(u.waiting_areas) + len(u.meeting_rooms) for u in config.units.values()
        )
        assert objects == 50


def test_generator_cli(tmp_path):
    generate = _generator()
    assert generate.main(["--units", "2", "--seed", "3", "--out", str(tmp_path / "g.yaml")]) == 0
    assert check_config([tmp_path / "g.yaml"]).problems == []
