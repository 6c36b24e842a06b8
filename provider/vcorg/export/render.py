"""The files of an export: one file, or `org.yaml` plus `units/<key>.yaml`.

Both layouts say the same thing. In the directory layout every unit file repeats
`apiVersion`, `organisation` and `defaults`, so each file also validates on its own
(a CODEOWNERS owner can check theirs alone); vcorg accepts defaults repeated unchanged.
Each file starts with a `yaml-language-server` line (editor completion and hover help)
and a comment saying where, when and from which platform it came.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vcorg.config.models import API_VERSION, OrgConfig

from .tree import ExportTree
from .yaml_writer import render_yaml

SCHEMA_FILE = Path("schemas") / "org.schema.json"
_SCHEMA_EXTRA = OrgConfig.model_config.get("json_schema_extra")
SCHEMA_URL = str(_SCHEMA_EXTRA.get("$id", "")) if isinstance(_SCHEMA_EXTRA, dict) else ""
SINGLE = "file"
DIRECTORY = "directory"
UNITS_DIR = "units"
ORG_FILE = "org.yaml"


@dataclass(frozen=True)
class Provenance:
    """Where and when the export was taken; written in every file's header."""

    organisation: str
    organisation_name: str
    api_url: str
    exported_at: str
    account: str
    selected_units: tuple[str, ...] | None = None


def layout_of(out: Path) -> str:
    return SINGLE if out.suffix in (".yaml", ".yml") else DIRECTORY


def render_files(tree: ExportTree, provenance: Provenance, out: Path) -> dict[str, str]:
    """Relative path → text; the single-file layout's one file is ``""``."""
    timezone = tree.timezone()
    head: dict[str, Any] = {"apiVersion": API_VERSION, "organisation": tree.organisation}
    if timezone:
        head["defaults"] = {"timezone": timezone}
    units = {u.key: tree.unit_document(u, timezone) for u in tree.units_in_order()}
    if layout_of(out) == SINGLE:
        doc = {**head, "units": units} if units else head
        return {"": render_yaml(doc, header=_header(provenance, out), name=str(out))}
    files = {ORG_FILE: render_yaml(head, header=_header(provenance, out / ORG_FILE), name=ORG_FILE)}
    for unit in tree.units_in_order():
        path = f"{UNITS_DIR}/{unit.key}.yaml"
        header = _unit_header(provenance, out / path, unit.name)
        doc = {**head, "units": {unit.key: units[unit.key]}}
        files[path] = render_yaml(doc, header=header, name=path)
    return files


def _header(p: Provenance, file: Path) -> list[str]:
    lines = [
        f"yaml-language-server: $schema={schema_reference(file)}",
        "",
        f"Exported by `vcorg export` from organisation {p.organisation} "
        f"({_safe(p.organisation_name)})",
        f"on the platform {p.api_url}, at {p.exported_at}, with the token of {p.account}.",
    ]
    if p.selected_units is not None:
        lines.append(f"Only these units were exported: {', '.join(p.selected_units)}.")
    lines += [
        "Keys were made from names; they are identities now: to rename something, change",
        "its `name`, never its key. Review this file, then adopt what exists with",
        "`vcorg plan --adopt` (it shows adoptions only) and `vcorg apply --adopt`.",
    ]
    return lines


def _unit_header(p: Provenance, file: Path, unit_name: str) -> list[str]:
    return [
        f"yaml-language-server: $schema={schema_reference(file)}",
        "",
        f'Unit "{_safe(unit_name)}", exported by `vcorg export` from organisation {p.organisation}',
        f"on the platform {p.api_url}, at {p.exported_at}.",
    ]


def schema_reference(file: Path) -> str:
    """A relative path to the schema when the file is inside a checkout that has it,
    else the schema's canonical URL."""
    start = file.resolve().parent
    for directory in (start, *start.parents):
        candidate = directory / SCHEMA_FILE
        if candidate.is_file():
            return Path(os.path.relpath(candidate, start)).as_posix()
    return SCHEMA_URL


def _safe(text: str) -> str:
    return " ".join(text.split())
