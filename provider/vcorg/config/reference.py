"""Render ``docs/config-reference.md`` from the JSON Schema's descriptions."""

from __future__ import annotations

import json
from typing import Any

from vcorg.config.schema import SCHEMA_FILE, org_schema

REFERENCE_FILE = "docs/config-reference.md"

# Sections in the order an admin meets them in a file.
_ORDER = (
    "Defaults",
    "ConsoleOwned",
    "Unit",
    "UnitRoles",
    "WaitingArea",
    "AccessHours",
    "OpenBlock",
    "CallerDetail",
    "WaitingAreaRoles",
    "MeetingRoom",
    "MeetingRoomRoles",
    "Drift",
    "IgnoreUnmanaged",
)


def reference_markdown() -> str:
    schema = org_schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    out = [
        "# Organisation config reference",
        "",
        f"<!-- Generated from {SCHEMA_FILE} by scripts/gen-config-docs; do not edit. -->",
        "",
        "- A configuration is one YAML file or a directory of them (`*.yaml`, `*.yml`, "
        "searched recursively, hidden paths skipped, symbolic links to directories "
        "followed). The files' `units` are merged; each file repeats `apiVersion` and "
        "`organisation`, and files that give `defaults` give the same ones (so each file "
        "can stand alone).",
        "- Nothing under a configuration directory is skipped silently: a `*.yaml`/`*.yml` "
        "entry that cannot be read (a dangling symbolic link, a loop of links, a FIFO, no "
        "permission) or a directory that cannot be listed is an error naming the path and "
        "the reason, so a missing file can never plan the deletion of what it held.",
        "- Keys of units, waiting areas and meeting rooms are stable identities: lowercase "
        "slugs, unique across the whole organisation, that must never change. Names are "
        "display text and may change freely.",
        "- Unknown keys are errors, and so is a key given twice in one map.",
        "- Names and reporting tags hold only visible characters and plain spaces: control "
        "and format characters (bidirectional overrides, zero-width spaces and joiners, "
        "soft hyphens), other spaces and blank-looking fillers are errors. Accented "
        "letters, other scripts and single emoji are fine; emoji joined with the "
        "invisible U+200D are not.",
        "- Emails are checked as real addresses (with `email-validator`, offline: no DNS "
        "look-up). The part before the @ must be ASCII, because invitations to "
        "internationalised local parts are not deliverable everywhere and non-ASCII there "
        "is where look-alike addresses hide; internationalised domain names are fine. "
        "Quoted local parts, IP-address domains, display names and special-use domains "
        "(`.test`, `.local`, `.localhost`, `.invalid`, ...) are errors. Addresses are kept "
        "as written and compare case-insensitively.",
        "- `vcorg validate` shows every problem in one run: a unit, area or room that "
        "fails the schema still goes through every semantic check that does not depend "
        "on the part that failed.",
        "- Plain values follow YAML 1.2: `no`, `on` and `17:30` stay text (YAML 1.1 would "
        "read `false`, `true` and the number 1050). Anchors, aliases and `<<` merge keys "
        "work.",
        "- Run `vcorg validate PATH...` to check a configuration; "
        "`scripts/gen-config-docs` regenerates the schema and this page from the models.",
        "",
        "Add this first line to get completion and hover help in editors using "
        "yaml-language-server:",
        "",
        "```yaml",
        f"# yaml-language-server: $schema=<path to>/{SCHEMA_FILE}",
        "```",
        "",
    ]
    out += _section("Top level", schema)
    for name in _ORDER:
        if name in defs:
            out += _section(name, defs[name])
    for name in sorted(set(defs) - set(_ORDER)):
        out += _section(name, defs[name])
    out += _problems()
    return "\n".join(out).rstrip() + "\n"


def _problems() -> list[str]:
    from vcorg.config.rules import catalogue

    lines = [
        "## Problems and their ids",
        "",
        "`vcorg validate` reports every problem at once, one line each, as "
        "`FILE:LINE:COL: error: PATH: MESSAGE` (or as JSON / GitHub annotations with "
        "`--format`). Each problem has one of these stable ids:",
        "",
        "| id | what is checked |",
        "|---|---|",
    ]
    lines += [f"| `{rule}` | {_cell(text)} |" for rule, text in catalogue().items()]
    return [*lines, ""]


def _anchor(name: str) -> str:
    return name.lower()


def _section(name: str, node: dict[str, Any]) -> list[str]:
    lines = [f"## {name}", ""]
    if node.get("description"):
        lines += [_one_line(node["description"]), ""]
    required = set(node.get("required", []))
    lines += ["| key | type | required | default | description |", "|---|---|---|---|---|"]
    for key, prop in node.get("properties", {}).items():
        default = f"`{json.dumps(prop['default'])}`" if "default" in prop else ""
        description = _one_line(prop.get("description", ""))
        if prop.get("examples"):
            description += f" Example: `{json.dumps(prop['examples'][0], ensure_ascii=False)}`"
        cells = [f"`{key}`", _type(prop), "yes" if key in required else "no", default]
        lines.append("| " + " | ".join(_cell(c) for c in [*cells, description]) + " |")
    return [*lines, ""]


def _type(node: dict[str, Any]) -> str:
    if "$ref" in node:
        target = node["$ref"].rsplit("/", 1)[-1]
        return f"[{target}](#{_anchor(target)})"
    if "anyOf" in node:
        options = [_type(o) for o in node["anyOf"] if o.get("type") != "null"]
        return " or ".join(options)
    if "const" in node:
        return f"`{node['const']}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type")
    if kind == "array":
        text = f"list of {_type(node.get('items', {}))}"
        if "maxItems" in node:
            text += f" (at most {node['maxItems']})"
        if "minItems" in node:
            text += f" (at least {node['minItems']})"
        return text
    if kind == "object":
        value = node.get("additionalProperties")
        if isinstance(value, dict):
            return f"map of key → {_type(value)}"
        return "map"
    if kind == "string":
        limits = []
        if "minLength" in node or "maxLength" in node:
            limits.append(f"{node.get('minLength', 0)}–{node.get('maxLength', '∞')} chars")
        if "pattern" in node:
            limits.append(f"pattern `{node['pattern']}`")
        return "text" + (f" ({', '.join(limits)})" if limits else "")
    if kind == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        return f"integer {low}–{high}" if low is not None and high is not None else "integer"
    if kind == "boolean":
        return "true/false"
    return str(kind or "any")


def _cell(text: str) -> str:
    # A pipe inside a table cell (e.g. in a regular expression) would end the cell.
    return text.replace("|", "\\|")


def _one_line(text: str) -> str:
    return " ".join(text.split())
