"""Find the YAML files a configuration PATH names, and never drop one silently.

A directory is walked recursively; hidden names (starting with ``.``) are skipped and
symbolic links to directories are followed (a directory reached twice is read once).
Every entry whose name ends in a YAML suffix must be a readable regular file: a
dangling symlink, a loop of symlinks, a FIFO or an entry behind a directory that cannot
be searched is a problem naming the path and the reason. A directory that cannot be
listed is a problem too. A configuration with a file missing would plan the deletion of
everything that file holds, so discovery reports instead of skipping.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from vcorg.config.problem import Problem


def find_files(
    paths: Sequence[Path], suffixes: tuple[str, ...], problems: list[Problem]
) -> list[Path]:
    """The files to load, in a stable order; every entry that cannot be read is a problem."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found, complete = _walk(path, suffixes, problems)
            if not found and complete:
                problems.append(
                    Problem(
                        "no-config-files",
                        str(path),
                        1,
                        1,
                        "",
                        "this directory holds no .yaml or .yml files",
                    )
                )
            files.extend(found)
        elif os.path.lexists(path):
            reason = unreadable_reason(path)
            if reason is None:
                files.append(path)
            else:
                problems.append(_file_problem(path, reason))
        else:
            problems.append(
                Problem("path-not-found", str(path), 1, 1, "", "no such file or directory")
            )
    # The same file named twice (e.g. a file and its directory) is read once.
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def _walk(
    root: Path, suffixes: tuple[str, ...], problems: list[Problem]
) -> tuple[list[Path], bool]:
    """YAML files under ``root``, and whether every directory could be listed."""
    found: list[Path] = []
    complete = True
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            info = directory.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue  # reached again through a symlink: already walked
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            complete = False
            problems.append(
                Problem(
                    "unreadable-directory",
                    str(directory),
                    1,
                    1,
                    "",
                    f"cannot list this directory: {os_reason(exc)}",
                )
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if _is_directory(entry):
                pending.append(path)
            elif path.suffix in suffixes:
                reason = unreadable_reason(path)
                if reason is None:
                    found.append(path)
                else:
                    problems.append(_file_problem(path, reason))
    return sorted(found), complete


def _is_directory(entry: os.DirEntry[str]) -> bool:
    """A directory, or a symlink to one; anything that cannot be told is not."""
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def unreadable_reason(path: Path) -> str | None:
    """Why ``path`` cannot be read as a configuration file, or None if it can be opened.

    Only the metadata is looked at (opening is left to the reader, which reports its own
    errors), so this stays cheap for thousands of files.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        try:
            target = os.readlink(path)
        except OSError:
            return "no such file or directory"
        return f"it is a symbolic link to {target!r}, which does not exist"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "it is a loop of symbolic links that never reaches a file"
        return os_reason(exc)
    if stat.S_ISDIR(info.st_mode):
        return "it is a directory"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    return None


def _file_problem(path: Path, reason: str) -> Problem:
    return Problem("unreadable-file", str(path), 1, 1, "", f"cannot read this file: {reason}")


def os_reason(exc: OSError) -> str:
    """``Permission denied`` -> ``permission denied``: the reason reads as part of a sentence."""
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]
