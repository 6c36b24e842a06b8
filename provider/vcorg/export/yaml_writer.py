"""A YAML writer for configuration documents, with comments, in the style of the examples.

Why not PyYAML's dumper (or ruamel.yaml)? The export must write comments (a header, and
a note beside each expired invitation), which PyYAML cannot, and must look the way a
person writes these files: short lists inline (``days: [mon, tue]``), one opening block or
caller question per line (``- {key: dob, label: Date of birth, type: date}``), times
quoted, multi-line text as ``|`` blocks. The documents hold only maps, lists, text,
booleans and integers, so a small writer does this in full, and adding ruamel.yaml as a
dependency for it is not worth its weight. Every document written is read back with
vcorg's own YAML loader and compared with what was meant (`render_yaml` raises
`YamlWriteError` otherwise), so a quoting mistake can never produce a file that means
something else.

Text is written plain only when that is unambiguous in YAML 1.2 *and* 1.1 (so `no`,
`on`, `08:00`, `1e3` and `2026-01-01` are quoted), and double-quoted with escapes
otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vcorg.config.yamlload import load_yaml

WIDTH = 100
INDENT = 2


class YamlWriteError(Exception):
    """The writer produced text that does not read back as the document (a bug)."""


@dataclass(frozen=True)
class Commented:
    """A value written with a comment at the end of its line."""

    value: Any
    comment: str


def plain_data(value: Any) -> Any:
    """The document without its comments: what a YAML reader sees."""
    if isinstance(value, Commented):
        return plain_data(value.value)
    if isinstance(value, Mapping):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(v) for v in value]
    return value


def render_yaml(doc: Mapping[str, Any], *, header: Sequence[str] = (), name: str = "") -> str:
    """*doc* as YAML text, after *header* comment lines; checked by reading it back."""
    lines = [f"# {_one_line(h)}".rstrip() for h in header]
    lines.extend(_block_map(doc, 0))
    text = "\n".join(lines) + "\n"
    loaded, problems = load_yaml(text, name or "<export>")
    if problems or loaded != plain_data(doc):
        first = f": {problems[0]}" if problems else ""
        raise YamlWriteError(f"internal error: the YAML written for {name} reads back wrong{first}")
    return text


# --- blocks --------------------------------------------------------------------------


def _block_map(m: Mapping[str, Any], indent: int) -> Iterator[str]:
    pad = " " * indent
    for key, raw in m.items():
        value, comment = _unwrap(raw)
        head = f"{pad}{_text(str(key), flow=False)}:"
        yield from _value_lines(head, value, comment, indent)


def _value_lines(head: str, value: Any, comment: str, indent: int) -> Iterator[str]:
    """The lines of one ``key: value`` (or ``- value``) whose value may need a block."""
    if isinstance(value, Mapping) and value:
        yield head + _comment(comment)
        yield from _block_map(value, indent + INDENT)
        return
    if isinstance(value, list) and value:
        flow = _flow(value)
        if flow is not None and not comment and len(head) + 1 + len(flow) <= WIDTH:
            yield f"{head} {flow}"
            return
        yield head + _comment(comment)
        yield from _block_seq(value, indent + INDENT)
        return
    if isinstance(value, str) and _literal_ok(value):
        yield f"{head} {_literal_header(value)}{_comment(comment)}"
        pad = " " * (indent + INDENT)
        yield from (f"{pad}{line}" if line else "" for line in _literal_lines(value))
        return
    if isinstance(value, str) and len(head) + 1 + len(value) > WIDTH and _folded_ok(value):
        # Long prose, folded at spaces the way the examples write it (`>-`).
        pad = " " * (indent + INDENT)
        yield f"{head} >-{_comment(comment)}"
        yield from (f"{pad}{line}" for line in _fold(value, WIDTH - len(pad)))
        return
    yield f"{head} {_scalar(value, flow=False)}{_comment(comment)}"


def _block_seq(items: list[Any], indent: int) -> Iterator[str]:
    pad = " " * indent
    for raw in items:
        value, comment = _unwrap(raw)
        if isinstance(value, Mapping) and value:
            flow = _flow(value)
            if flow is not None and not comment and indent + 2 + len(flow) <= WIDTH:
                yield f"{pad}- {flow}"
                continue
            lines = list(_block_map(value, indent + INDENT))
            first = lines[0][indent + INDENT :]
            yield f"{pad}- {first}{_comment(comment) if len(lines) == 1 else ''}"
            yield from lines[1:]
            continue
        if isinstance(value, list) and value:
            flow = _flow(value)
            if flow is None:
                raise YamlWriteError("internal error: a nested list the writer cannot lay out")
            yield f"{pad}- {flow}{_comment(comment)}"
            continue
        yield f"{pad}- {_scalar(value, flow=False)}{_comment(comment)}"


def _flow(value: Any) -> str | None:
    """``[a, b]`` or ``{k: v}`` on one line, or None when it cannot be (comments, text
    with line breaks)."""
    if isinstance(value, Commented):
        return None
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            inner = _flow(v)
            if inner is None:
                return None
            parts.append(f"{_text(str(k), flow=True)}: {inner}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        items = [_flow(v) for v in value]
        if any(i is None for i in items):
            return None
        return "[" + ", ".join(i for i in items if i is not None) + "]"
    if isinstance(value, str) and "\n" in value:
        return None
    return _scalar(value, flow=True)


def _unwrap(value: Any) -> tuple[Any, str]:
    if isinstance(value, Commented):
        return value.value, value.comment
    return value, ""


def _comment(text: str) -> str:
    return f"  # {_one_line(text)}" if text else ""


def _one_line(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]+", " ", text)


# --- scalars ---------------------------------------------------------------------------


def _scalar(value: Any, *, flow: bool) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _text(value, flow=flow)
    if isinstance(value, Mapping) and not value:
        return "{}"
    if isinstance(value, list) and not value:
        return "[]"
    raise YamlWriteError(f"internal error: cannot write a {type(value).__name__} value")


# Words YAML 1.1 readers (and YAML 1.2's core schema) turn into something other than text.
_RESERVED = re.compile(r"(?i)^(null|~|true|false|yes|no|on|off|y|n|=|<<)$")
# Anything that could read as a number, a date or a YAML 1.1 sexagesimal time.
_NUMBERISH = re.compile(r"^[-+.]?[0-9]|^[-+]?\.(inf|nan)$", re.IGNORECASE)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = frozenset(",[]{}")
# Characters YAML readers take as line breaks, or that are not printable in YAML.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\x85\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)


def _text(s: str, *, flow: bool) -> str:
    return s if _plain_ok(s, flow=flow) else _quoted(s)


def _plain_ok(s: str, *, flow: bool) -> bool:
    if not s or s != s.strip() or s[0] in _INDICATORS:
        return False
    if _RESERVED.match(s) or _NUMBERISH.match(s):
        return False
    if ":" in s or " #" in s or "\t" in s or "\n" in s or "\r" in s or _UNSAFE.search(s):
        return False
    return not (flow and any(c in _FLOW_CHARS for c in s))


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quoted(s: str) -> str:
    out = []
    for c in s:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif _UNSAFE.match(c) or c == "\x00":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _literal_ok(s: str) -> bool:
    """Multi-line text that reads back exactly as a ``|`` block."""
    if "\n" not in s or "\r" in s or _UNSAFE.search(s):
        return False
    lines = s.split("\n")
    body = lines[:-1] if s.endswith("\n") else lines
    if not body or not body[0].strip() or body[0][0] in " \t":
        return False
    return all(line == line.rstrip(" \t") for line in body)


_BREAK = re.compile(r"(?<=\S) (?=\S)")


def _folded_ok(s: str) -> bool:
    """One line of text that reads back exactly when folded at single spaces."""
    return bool(
        s
        and s == s.strip()
        and not any(c in s for c in "\n\r\t")
        and not _UNSAFE.search(s)
        and _BREAK.search(s)
    )


def _fold(s: str, room: int) -> list[str]:
    """Lines of at most *room* characters where possible, broken at single spaces."""
    lines: list[str] = []
    start = 0
    while len(s) - start > room:
        breaks = [m.start() for m in _BREAK.finditer(s, start + 1)]
        fitting = [b for b in breaks if b - start <= room]
        if fitting:
            cut = fitting[-1]
        elif breaks:
            cut = breaks[0]
        else:
            break
        lines.append(s[start:cut])
        start = cut + 1
    lines.append(s[start:])
    return lines


def _literal_header(s: str) -> str:
    if not s.endswith("\n"):
        return "|-"
    return "|+" if s.endswith("\n\n") else "|"


def _literal_lines(s: str) -> list[str]:
    lines = s.split("\n")
    if s.endswith("\n"):
        lines = lines[:-1]
    return lines
