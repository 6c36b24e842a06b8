"""The committed JSON Schema (``schemas/org.schema.json``) is generated from the models.

The models are the single source of truth; ``scripts/gen-config-docs`` writes
the file and a test fails when the committed copy is stale.
"""

from __future__ import annotations

import json
from typing import Any

from vcorg.config.models import OrgConfig

SCHEMA_FILE = "schemas/org.schema.json"


def org_schema() -> dict[str, Any]:
    """JSON Schema draft 2020-12 of one configuration file."""
    schema = OrgConfig.model_json_schema(by_alias=True, mode="validation")
    _drop_property_titles(schema)
    _close_maps(schema)
    ordered = {
        "$schema": schema.pop("$schema"),
        "$id": schema.pop("$id"),
        "title": schema.pop("title"),
    }
    ordered.update(schema)
    return ordered


def schema_text() -> str:
    """The schema exactly as committed (stable order, trailing newline)."""
    return json.dumps(org_schema(), indent=2, ensure_ascii=False) + "\n"


def _drop_property_titles(node: Any) -> None:
    # pydantic titles each property after its attribute ("Max Participants"); editors
    # show the description instead, so the titles are noise.
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for prop in properties.values():
                if isinstance(prop, dict):
                    prop.pop("title", None)
        for value in node.values():
            _drop_property_titles(value)
    elif isinstance(node, list):
        for value in node:
            _drop_property_titles(value)


def _close_maps(node: Any) -> None:
    # pydantic writes a map with constrained keys as patternProperties, which lets
    # keys that miss the pattern through unchecked. Say it strictly instead:
    # every key must match, every value must be the model.
    if isinstance(node, dict):
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict) and len(patterns) == 1 and "additionalProperties" not in node:
            ((pattern, value),) = patterns.items()
            del node["patternProperties"]
            names = node.setdefault("propertyNames", {})
            names["pattern"] = pattern
            node["additionalProperties"] = value
        for value in node.values():
            _close_maps(value)
    elif isinstance(node, list):
        for value in node:
            _close_maps(value)
