"""`vcorg export`: an organisation on the platform written as configuration.

    snapshot (read by list) ──build_tree──▶ ExportTree (keys, people, settings)
        ──render_files──▶ YAML ──staged, checked like `vcorg validate`──▶ moved into place

What the configuration cannot express is left out object by object and reported as a
`Loss`; the caller decides whether to write anyway (`--lenient`).
"""

from __future__ import annotations

from .checks import ExportError, invalid_parts
from .losses import Loss
from .output import OutputError, Staging, check_target
from .render import DIRECTORY, SINGLE, Provenance, layout_of, render_files
from .tree import ExportTree, UnknownUnits, build_tree

# Each round leaves out at least one object; a real organisation needs one or two.
MAX_ROUNDS = 20

__all__ = [
    "DIRECTORY",
    "SINGLE",
    "ExportError",
    "ExportTree",
    "Loss",
    "OutputError",
    "Provenance",
    "Staging",
    "UnknownUnits",
    "build_tree",
    "check_target",
    "layout_of",
    "stage_export",
]


def stage_export(tree: ExportTree, provenance: Provenance, staging: Staging) -> dict[str, str]:
    """Write the export into *staging* until it validates; return the files written."""
    for _ in range(MAX_ROUNDS):
        files = render_files(tree, provenance, staging.out)
        staging.write(files)
        if not invalid_parts(tree, staging.root):
            return files
    raise ExportError(
        f"internal error: the export still does not validate after {MAX_ROUNDS} rounds"
    )
