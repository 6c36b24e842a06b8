"""Map config paths back to the file, line and column they were written at."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from vcorg.config.yamlload import PositionedList, PositionedMap

Position = tuple[str, int, int]
"""(file, 1-based line, 1-based column)."""

PathParts = tuple[str | int, ...]

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path: str | Sequence[str | int]) -> PathParts:
    """``"units.a.open[0].from"`` -> ``("units", "a", "open", 0, "from")``."""
    if not isinstance(path, str):
        return tuple(path)
    return tuple(int(index) if index else name for name, index in _PART.findall(path))


def format_path(parts: Sequence[str | int]) -> str:
    """The inverse of `parse_path`: list indices in brackets, keys joined by dots."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class SourceMap:
    """Positions of every node of a (possibly multi-file) configuration.

    Lookups walk the loaded YAML trees lazily, so building the map costs nothing.
    """

    def __init__(self) -> None:
        self._files: list[tuple[str, Any]] = []
        self._unit_file: dict[str, int] = {}

    def add_file(self, file: str, root: Any) -> int:
        self._files.append((file, root))
        return len(self._files) - 1

    def claim_unit(self, unit_key: str, file_index: int) -> None:
        """Record which file a (merged) unit comes from; the first claim wins."""
        self._unit_file.setdefault(unit_key, file_index)

    @property
    def files(self) -> list[str]:
        return [file for file, _ in self._files]

    def locate(self, path: str | Sequence[str | int], *, at_key: bool = False) -> Position:
        """Position of the value at ``path`` (or of its key with ``at_key``).

        When the path does not exist, the key of the deepest node that does is
        returned: that is where a missing value belongs.
        """
        parts = parse_path(path)
        if not self._files:
            return ("<config>", 1, 1)
        file_index = self._file_for(parts)
        return self.locate_in(file_index, parts, at_key=at_key)

    def locate_in(
        self, file_index: int, parts: Sequence[str | int], *, at_key: bool = False
    ) -> Position:
        file, node = self._files[file_index]
        position = getattr(node, "position", (1, 1))
        key_position = position
        for part in parts:
            if isinstance(node, PositionedMap) and isinstance(part, str) and part in node:
                key_position = node.key_positions[part]
                position = node.value_positions[part]
                node = node[part]
            elif (
                isinstance(node, PositionedList) and isinstance(part, int) and 0 <= part < len(node)
            ):
                key_position = position = node.item_positions[part]
                node = node[part]
            else:
                return (file, *key_position)
        return (file, *(key_position if at_key else position))

    def exists(self, path: str | Sequence[str | int]) -> bool:
        """Whether ``path`` was written in the YAML (even if it failed validation)."""
        parts = parse_path(path)
        if not self._files:
            return False
        node = self._files[self._file_for(parts)][1]
        for part in parts:
            in_map = isinstance(node, dict) and isinstance(part, str) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            if not (in_map or in_list):
                return False
            node = node[part]
        return True

    def _file_for(self, parts: PathParts) -> int:
        if len(parts) >= 2 and parts[0] == "units" and parts[1] in self._unit_file:
            return self._unit_file[str(parts[1])]
        if parts:
            for index, (_, root) in enumerate(self._files):
                if isinstance(root, PositionedMap) and parts[0] in root:
                    return index
        return 0
