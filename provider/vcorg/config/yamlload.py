"""YAML loading that remembers where every node came from.

Mappings load as `PositionedMap` and sequences as `PositionedList`: plain
``dict``/``list`` subclasses that also carry the 1-based line and column of
each key and value, so a problem found much later can still point at a line.

The loader differs from PyYAML's ``SafeLoader`` on purpose:

- duplicate keys in a map are reported instead of silently keeping the last;
- scalars follow the YAML 1.2 core schema: ``no``, ``on`` and ``08:00`` stay
  text (YAML 1.1 turned them into ``False``, ``True`` and ``480``) and dates
  are not converted;
- map keys are always text, exactly as written;
- aliases that would expand into a huge document ("billion laughs") or into
  themselves are refused.

Problems are collected, never raised, so one run shows all of them.
"""

from __future__ import annotations

import gc
import re
from typing import Any, ClassVar, cast

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from vcorg.config.problem import Problem

LineColumn = tuple[int, int]
"""1-based (line, column)."""

_MERGE_TAG = "tag:yaml.org,2002:merge"

YAML_IDS = {
    "yaml-syntax": "The file is valid YAML (one document, known tags, readable values).",
    "duplicate-map-key": "A key appears once per map (YAML would silently keep the last).",
    "complex-key": "Map keys are plain text, not lists or maps.",
    "yaml-alias-expansion": 'Aliases do not blow the document up ("billion laughs").',
    "yaml-recursive-alias": "An alias does not refer to itself.",
}
_MAX_EXTRA_EXPANSION = 100_000


class HugeInteger:
    """A whole number too long for Python to convert (over 4,300 digits), kept as written.

    Validation reports it once, at its path, as out of range (or as the wrong type where
    text belongs), echoing only its first digits.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @property
    def negative(self) -> bool:
        return self.text.startswith("-")

    @property
    def digits(self) -> int:
        return sum(c.isdigit() for c in self.text)

    def __repr__(self) -> str:
        return f"{self.text[:20]}... ({self.digits} digits)"


class PositionedMap(dict[str, Any]):
    """A mapping that knows the position of itself, its keys and its values."""

    __slots__ = ("key_positions", "position", "value_positions")

    def __init__(self, position: LineColumn = (1, 1)) -> None:
        super().__init__()
        self.position = position
        self.key_positions: dict[str, LineColumn] = {}
        self.value_positions: dict[str, LineColumn] = {}


class PositionedList(list[Any]):
    """A sequence that knows the position of itself and of each item."""

    __slots__ = ("item_positions", "position")

    def __init__(self, position: LineColumn = (1, 1)) -> None:
        super().__init__()
        self.position = position
        self.item_positions: list[LineColumn] = []


def _position(node: Node) -> LineColumn:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


class _Resolver(Resolver):
    """YAML 1.2 core schema resolution of plain scalars."""


_Resolver.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag.rsplit(":", 1)[-1] not in {"bool", "int", "float", "timestamp"}
    ]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_BOOLS = {"true": True, "false": False}


class _Constructor(SafeConstructor):
    """Builds positioned data straight from the node graph.

    The common tags are handled inline (far faster than PyYAML's generic, generator
    based construction); anything else falls back to ``SafeConstructor``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.file = ""
        self.problems: list[Problem] = []
        self.memo: dict[int, Any] | None = None

    def build(self, node: Node) -> Any:
        memo = self.memo
        if memo is not None and id(node) in memo:
            return memo[id(node)]
        cls = node.__class__
        tag = node.tag
        value: Any
        if cls is ScalarNode:
            text = node.value
            if tag == _STR:
                value = text
            elif tag == _NULL:
                value = None
            elif tag == _BOOL and text.lower() in _BOOLS:
                value = _BOOLS[text.lower()]
            elif tag in (_INT, _FLOAT):
                value = self._number(node)
            elif tag in (_MAP, _SEQ):
                self._misfit(node, "text")
                value = None
            else:
                value = self.construct_object(node, deep=True)
        elif cls is MappingNode and tag == _MAP:
            value = self._build_map(cast(MappingNode, node))
        elif cls is SequenceNode and tag == _SEQ:
            mark = node.start_mark
            value = PositionedList((mark.line + 1, mark.column + 1))
            positions = value.item_positions
            for child in node.value:
                value.append(self.build(child))
                mark = child.start_mark
                positions.append((mark.line + 1, mark.column + 1))
        elif tag in (_MAP, _SEQ):
            self._misfit(node, "a list" if cls is SequenceNode else "a map")
            value = None
        else:
            value = self.construct_object(node, deep=True)
        if memo is not None:
            memo[id(node)] = value
        return value

    def _build_map(self, node: MappingNode) -> PositionedMap:
        mark = node.start_mark
        data = PositionedMap((mark.line + 1, mark.column + 1))
        key_positions = data.key_positions
        value_positions = data.value_positions
        pairs = node.value
        first_own = 0
        if any(k.tag == _MERGE_TAG for k, _ in pairs):
            own = sum(1 for k, _ in pairs if k.tag != _MERGE_TAG)
            self.flatten_mapping(node)
            pairs = node.value
            first_own = len(pairs) - own
        # Keys brought in by a `<<` merge may be overridden once by the map's own keys.
        merged: set[str] = set()
        for index, (key_node, value_node) in enumerate(pairs):
            if key_node.__class__ is not ScalarNode:
                self._problem(
                    "complex-key", key_node, "map keys must be plain text, not a list or a map"
                )
                continue
            key = key_node.value
            if index < first_own:
                merged.add(key)
            elif key in merged:
                merged.discard(key)
            elif key in key_positions:
                line, column = key_positions[key]
                self._problem(
                    "duplicate-map-key",
                    key_node,
                    f"key {key!r} is given twice in this map (first at line {line}, "
                    f"column {column}); YAML would silently keep only the last one",
                )
                continue
            if value_node.__class__ is ScalarNode and value_node.tag == _STR:
                data[key] = value_node.value
            else:
                data[key] = self.build(value_node)
            mark = key_node.start_mark
            key_positions[key] = (mark.line + 1, mark.column + 1)
            mark = value_node.start_mark
            value_positions[key] = (mark.line + 1, mark.column + 1)
        return data

    def _misfit(self, node: Node, kind: str) -> None:
        self._problem("yaml-syntax", node, f"the tag !!{node.tag[18:]} does not fit {kind}")

    def _number(self, node: Node) -> int | HugeInteger | float | str:
        try:
            if node.tag == _INT:
                return self.construct_core_int(node)
            return self.construct_core_float(node)
        except ValueError:
            text: str = node.value
            shown = text if len(text) <= 40 else text[:37] + "..."
            self._problem("yaml-syntax", node, f"{shown!r} is not a valid number")
            return text

    def construct_core_int(self, node: Node) -> int | HugeInteger:
        text = node.value.replace("_", "")
        sign = -1 if text.startswith("-") else 1
        text = text.lstrip("+-")
        if text.startswith("0o"):
            return sign * int(text[2:], 8)
        if text.startswith("0x"):
            return sign * int(text[2:], 16)
        try:
            return sign * int(text, 10)
        except ValueError:
            if text.isdigit():
                return HugeInteger(node.value)
            raise

    def construct_core_float(self, node: Node) -> float:
        text = node.value.lower()
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if text == ".nan":
            return float("nan")
        return float(text)

    def _problem(self, rule: str, node: Node, message: str) -> None:
        line, column = _position(node)
        self.problems.append(Problem(rule, self.file, line, column, "", message))

    # Used by the SafeConstructor fallback (e.g. inside a `!!set`), so nested data keeps
    # the same rules and positions. (What `add_constructor` would do, but its stubs accept
    # only PyYAML's own loader classes.)
    yaml_constructors: ClassVar[dict[str | None, Any]] = {
        **SafeConstructor.yaml_constructors,
        _MAP: build,
        _SEQ: build,
        _INT: _number,
        _FLOAT: _number,
    }


try:
    # `yaml.cyaml` re-exports this class; its home is the libyaml extension.
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - libyaml ships with PyYAML wheels
    _WITH_LIBYAML = False
else:
    _WITH_LIBYAML = True

if _WITH_LIBYAML:

    class _Loader(_CParser, _Constructor, _Resolver):
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

else:  # pragma: no cover
    # The pure-Python twin of the class above; mypy sees both definitions.
    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _Constructor,
        _Resolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)


def load_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; return its data (None if empty) and the problems found.

    Never raises for bad input: syntax errors become a ``yaml-syntax`` problem.
    """
    loader = _Loader(text)
    loader.file = file
    # The data built here holds no reference cycles (recursive aliases are refused), so
    # the cyclic garbage collector only burns time walking the growing tree.
    collecting = gc.isenabled()
    gc.disable()
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        # An alias is always written with "*", so plain documents skip the walk.
        if "*" in text:
            refusal = _expansion_problem(node, file)
            if refusal is not None:
                return None, [refusal]
            loader.memo = {}  # an aliased node is built once and shared
        data = loader.build(node)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, file)]
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc, text, file)]
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        # PyYAML's constructors for explicit tags (`!!bool maybe`, `!!timestamp x`)
        # fail with plain Python errors and no position.
        return None, [
            Problem("yaml-syntax", file, 1, 1, "", f"a tagged value cannot be read ({exc})")
        ]
    except RecursionError:
        return None, [Problem("yaml-syntax", file, 1, 1, "", "the document is nested too deeply")]
    finally:
        loader.dispose()
        if collecting:
            gc.enable()
    return data, loader.problems


def _syntax_problem(exc: yaml.YAMLError, text: str, file: str) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        parts = [exc.context, exc.problem]
        message = ", ".join(str(p) for p in parts if p) or "invalid YAML"
        return Problem("yaml-syntax", file, mark.line + 1, mark.column + 1, "", message)
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        return Problem(
            "yaml-syntax",
            file,
            line,
            column,
            "",
            f"character {_printable(exc.character)} is not allowed in YAML text",
        )
    return Problem("yaml-syntax", file, 1, 1, "", str(exc).replace("\n", " "))


def _expansion_problem(root: Node, file: str) -> Problem | None:
    """Refuse aliases that refer to themselves or expand past a sane size."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            continue
        if key in sizes:
            continue
        if key in on_path:
            line, column = _position(node)
            return Problem(
                "yaml-recursive-alias", file, line, column, "", "an alias refers to itself"
            )
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                line, column = _position(child)
                return Problem(
                    "yaml-recursive-alias", file, line, column, "", "an alias refers to itself"
                )
            if id(child) not in sizes:
                stack.append((child, False))
    if sizes[id(root)] > 10 * len(sizes) + _MAX_EXTRA_EXPANSION:
        line, column = _position(root)
        return Problem(
            "yaml-alias-expansion",
            file,
            line,
            column,
            "",
            f"aliases expand this document to {sizes[id(root)]} nodes, "
            f"far more than the {len(sizes)} written; refusing to load it",
        )
    return None


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _printable(character: int | str) -> str:
    code = character if isinstance(character, int) else ord(character[:1] or "\0")
    return f"U+{code:04X}"
