"""A small organisation, and what a platform might hold for it, for the report tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from vcorg.config import OrgConfig, load_config

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"

CONFIG = {
    "apiVersion": "vcorg/v1",
    "organisation": "metro",
    "defaults": {"timezone": "Australia/Sydney"},
    "units": {
        "cancer-care": {
            "name": "Cancer Care",
            "reportingTags": ["oncology"],
            "roles": {
                "organisationAdministrators": ["priya@metro.example"],
                "organisationReporters": ["reports@metro.example"],
            },
            "waitingAreas": {
                "oncology-clinic": {
                    "name": "Oncology Outpatients",
                    "roles": {"serviceProviders": ["Dr.Tan@metro.example", "new@metro.example"]},
                }
            },
            "meetingRooms": {
                "tumour-board": {
                    "name": "Tumour Board",
                    "roles": {"meetingRoomMembers": ["dr.tan@metro.example"]},
                }
            },
        },
        "dentistry": {
            "name": "Dentistry",
            "roles": {"organisationAdministrators": ["sam@metro.example", "kim@metro.example"]},
        },
        "emergency": {
            "name": "Emergency",
            "roles": {"organisationAdministrators": ["lena@metro.example"]},
        },
    },
}


@pytest.fixture
def config(tmp_path: Path) -> OrgConfig:
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(CONFIG, sort_keys=False))
    return load_config([path])


def validator(name: str) -> Callable[[dict[str, Any]], None]:
    schema = json.loads((SCHEMAS / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return checker.validate
