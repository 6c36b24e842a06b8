"""The committed JSON Schema: fresh, editor-ready, and in agreement with the models."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from vcorg.config.models import OrgConfig
from vcorg.config.reference import REFERENCE_FILE, reference_markdown
from vcorg.config.schema import SCHEMA_FILE, schema_text
from vcorg.config.yamlload import load_yaml

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / SCHEMA_FILE).read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_committed_schema_is_generated_from_the_models():
    assert (REPO / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text(), (
        f"{SCHEMA_FILE} is stale: run scripts/gen-config-docs"
    )


def test_committed_reference_is_generated_from_the_schema():
    assert (REPO / REFERENCE_FILE).read_text(encoding="utf-8") == reference_markdown(), (
        f"{REFERENCE_FILE} is stale: run scripts/gen-config-docs"
    )


def test_schema_is_valid_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def _objects(node: Any):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_schema_is_editor_ready():
    objects = list(_objects(SCHEMA))
    assert len(objects) > 10
    for obj in objects:
        # Closed: either no unknown properties, or a map whose keys and values are checked.
        extra = obj.get("additionalProperties")
        assert extra is False or (isinstance(extra, dict) and "pattern" in obj["propertyNames"])
        for name, prop in obj.get("properties", {}).items():
            assert prop.get("description"), f"{name} has no description"
            is_model = "$ref" in prop or any("$ref" in o for o in prop.get("anyOf", []))
            if not is_model and prop.get("type") != "object":
                assert prop.get("examples"), f"{name} has no example"


def _examples() -> list[dict[str, Any]]:
    docs = []
    dirs = ("hospital", "hospital-v2", "social-services", "multi-file")
    for path in sorted(p for d in dirs for p in (REPO / "examples" / d).rglob("*.yaml")):
        data, problems = load_yaml(path.read_text(encoding="utf-8"), str(path))
        assert problems == []
        docs.append(data)
    return docs


def _models_accept(data: Any) -> bool:
    try:
        OrgConfig.model_validate(data)
    except ValidationError:
        return False
    return True


def _schema_accepts(data: Any) -> bool:
    return VALIDATOR.is_valid(json.loads(json.dumps(data)))


@pytest.mark.parametrize("index", range(len(_examples())))
def test_examples_accepted_by_both(index):
    doc = _examples()[index]
    assert _schema_accepts(doc) and _models_accept(doc)


BASE = _examples()[0]

# Values as YAML can produce them. Floats are left out on purpose: JSON Schema counts
# 6.0 as an integer, the strict models do not. Strings never end in a newline: Python's
# `re` lets "$" match before one, so the jsonschema library would accept what the models
# (and editors' JavaScript regexes) reject.
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=300),
    st.sampled_from(
        ["", " x", "x ", "mon", "funday", "08:00", "25:00", "24:00", "regular", "nope",
         "a@b.example", "not-an-email", "Australia/Sydney", "vcorg/v1", "vcorg/v2",
         "Good Name", "Bad_Key", "ok-key", "date", "x" * 101]
    ),
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "nmae", "key", "open", "x"]), inner, max_size=3),
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


_ALL_PATHS = [p for p in _paths(BASE) if p]


def _plain(node: Any) -> Any:
    return json.loads(json.dumps(node))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(_ALL_PATHS),
    action=st.sampled_from(["replace", "delete", "add-key"]),
    value=_VALUES,
    new_key=st.sampled_from(["name", "nmae", "timezone", "extra", "Bad Key", "ok-key"]),
)
def test_models_and_schema_agree_on_mutations(path, action, value, new_key):
    doc = copy.deepcopy(_plain(BASE))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][new_key] = value
    else:
        parent[last] = {new_key: value}
    assert _schema_accepts(doc) == _models_accept(doc), json.dumps(doc)[:2000]


_UNIT = ("units", "internal-medicine")
_ROOM = (*_UNIT, "meetingRooms", "case-review")
_AREA = (*_UNIT, "waitingAreas", "general-clinic")
_BLOCK = (*_AREA, "accessHours", "open", 0)

# (path, new value or _DELETE, expected verdict): the limits an editor must enforce exactly
# as `vcorg validate` does.
_DELETE = object()
CORPUS = [
    ((*_ROOM, "maxParticipants"), 2, True),
    ((*_ROOM, "maxParticipants"), 6, True),
    ((*_ROOM, "maxParticipants"), 1, False),
    ((*_ROOM, "maxParticipants"), 7, False),
    ((*_ROOM, "maxParticipants"), "6", False),
    ((*_ROOM, "maxParticipants"), True, False),
    ((*_ROOM, "waitingArea"), None, True),
    ((*_ROOM, "waitingArea"), "Not A Key", False),
    ((*_UNIT, "name"), "x" * 100, True),
    ((*_UNIT, "name"), "x" * 101, False),
    ((*_UNIT, "name"), "", False),
    ((*_UNIT, "name"), " Medicine", False),
    ((*_UNIT, "name"), "Medicine ", False),
    ((*_UNIT, "name"), _DELETE, False),
    ((*_UNIT, "reportingTags"), [f"t{i}" for i in range(20)], True),
    ((*_UNIT, "reportingTags"), [f"t{i}" for i in range(21)], False),
    ((*_UNIT, "roles", "organisationAdministrators"), ["not-an-email"], False),
    ((*_UNIT, "roles", "organisationAdministrators"), [], True),  # a semantic rule, not schema
    ((*_UNIT, "nmae"), "x", False),
    ((*_AREA, "type"), "consult-now", True),
    ((*_AREA, "type"), "walk-in", False),
    ((*_AREA, "accessHours"), None, True),
    ((*_AREA, "accessHours", "timezone"), "Not a zone!", False),
    ((*_BLOCK, "from"), "24:00", True),  # from < to is a semantic rule
    ((*_BLOCK, "from"), "25:00", False),
    ((*_BLOCK, "from"), "8:00", False),
    ((*_BLOCK, "days"), [], False),
    ((*_BLOCK, "days"), ["monday"], False),
    ((*_AREA, "callerDetails", 0, "type"), "datetime", False),
    ((*_AREA, "callerDetails", 0, "label"), _DELETE, False),
    (("defaults", "adoptExisting"), True, True),
    (("defaults", "adoptExisting"), "yes", False),
    (("apiVersion",), "vcorg/v2", False),
    (("organisation",), "Metro Health", False),
    (("units",), [], False),
    (("units", "Bad_Key"), {"name": "X"}, False),
]


def _hospital() -> dict[str, Any]:
    path = REPO / "examples" / "hospital" / "org.yaml"
    data, _ = load_yaml(path.read_text(encoding="utf-8"), str(path))
    return _plain(data)


@pytest.mark.parametrize(("path", "value", "expected"), CORPUS)
def test_models_and_schema_agree_on_the_corpus(path, value, expected):
    doc = _hospital()
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    assert (_schema_accepts(doc), _models_accept(doc)) == (expected, expected)
