"""Writing an export all at once, or not at all.

Everything is written into a private staging directory beside the target (hidden, on the
same file system), checked there, and only then moved into place with renames. An export
that fails part-way (a platform error, a refusal, Ctrl-C) leaves the target untouched.
An existing file is replaced only with ``force``; for a directory target that means its
`org.yaml` and `units/` (the export's part), never the other files beside them (a README,
CODEOWNERS, .git), which need no ``force`` at all.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from .render import ORG_FILE, SINGLE, UNITS_DIR, layout_of

# What an export owns in a directory target.
_OWNED = (ORG_FILE, UNITS_DIR)


class OutputError(Exception):
    """The target cannot be written; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def check_target(out: Path, *, force: bool) -> None:
    """Refuse early (before reading the platform) a target that would be overwritten."""
    if layout_of(out) == SINGLE:
        if out.is_dir():
            raise OutputError(
                f"{out} is a directory", "give a file name ending in .yaml, or a directory"
            )
        if out.exists() and not force:
            raise OutputError(
                f"{out} already exists; not overwriting it",
                "pass --force to replace it, or choose another --out",
            )
        return
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"{out} exists and is not a directory",
            "give a directory, or a file name ending in .yaml or .yml",
        )
    existing = [name for name in _OWNED if (out / name).exists()] if out.is_dir() else []
    if existing and not force:
        raise OutputError(
            f"{out} already holds {' and '.join(existing_names(existing))}; not overwriting it",
            f"pass --force to replace its {ORG_FILE} and {UNITS_DIR}/ (other files in it are "
            "kept), or choose another --out",
        )


def existing_names(names: list[str]) -> list[str]:
    return [f"{n}/" if n == UNITS_DIR else n for n in names]


class Staging:
    """A hidden directory beside the target where the export is written first."""

    def __init__(self, out: Path, *, force: bool) -> None:
        check_target(out, force=force)
        self.out = out
        self.force = force
        self.single = layout_of(out) == SINGLE
        anchor = _existing_ancestor(out.parent if out.parent != out else out)
        try:
            self.dir = Path(tempfile.mkdtemp(prefix=".vcorg-export-", dir=anchor))
        except OSError as exc:
            raise OutputError(
                f"cannot write beside {out}: {exc.strerror or exc}", "choose a writable --out"
            ) from None
        self.root = self.dir / ("export.yaml" if self.single else "export")

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, files: Mapping[str, str]) -> None:
        """Replace whatever is staged with *files* (relative path → text)."""
        if self.root.is_dir():
            shutil.rmtree(self.root)
        elif self.root.exists():
            self.root.unlink()
        try:
            for relative, text in files.items():
                path = self.root / relative if relative else self.root
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OutputError(
                f"cannot write the export beside {self.out}: {exc.strerror or exc}",
                "check the free space and permissions of the target's directory",
            ) from None

    def commit(self) -> list[Path]:
        """Move the staged export into place; return other YAML files left beside it."""
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            if self.single or not self.out.exists() or not any(self.out.iterdir()):
                os.replace(self.root, self.out)
                return []
            # A directory with files of its own (a README, CODEOWNERS, .git): the export's
            # part is swapped in beside them.
            check_target(self.out, force=self.force)
            self._swap_owned()
        except OSError as exc:
            raise OutputError(
                f"cannot write {self.out}: {exc.strerror or exc}",
                "check the permissions of the target; nothing was changed",
            ) from None
        return sorted(
            p
            for p in self.out.rglob("*")
            if p.suffix in (".yaml", ".yml")
            and p.relative_to(self.out).parts[0] not in _OWNED
            and not any(part.startswith(".") for part in p.relative_to(self.out).parts)
        )

    def _swap_owned(self) -> None:
        """Replace the target's org.yaml and units/, putting the old ones back on failure."""
        old = self.dir / "replaced"
        old.mkdir()
        moved: list[str] = []
        placed: list[str] = []
        try:
            for name in _OWNED:
                if (self.out / name).exists():
                    os.replace(self.out / name, old / name)
                    moved.append(name)
            for name in _OWNED:
                if (self.root / name).exists():
                    os.replace(self.root / name, self.out / name)
                    placed.append(name)
        except OSError:
            for name in placed:
                with contextlib.suppress(OSError):
                    if (self.out / name).is_dir():
                        shutil.rmtree(self.out / name)
                    else:
                        (self.out / name).unlink()
            for name in moved:
                with contextlib.suppress(OSError):
                    os.replace(old / name, self.out / name)
            raise


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    while not path.exists():
        path = path.parent
    return path
