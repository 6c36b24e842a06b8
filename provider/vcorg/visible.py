"""Characters a reader cannot see, and how vcorg shows them anyway.

Shared by the config checks (which refuse them in names and emails) and the plan
renderers (which must never print one raw: a right-to-left override or a zero-width
space in a plan would show a reviewer something other than what gets applied).
"""

from __future__ import annotations

import unicodedata

# Letters and symbols (not format characters) that render as nothing at all.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_hidden(char: str) -> bool:
    """A character a reader cannot see, or cannot tell from a plain space.

    `str.isprintable` is False exactly for Unicode's "Other" (control, format, private
    use, surrogate, unassigned) and "Separator" categories, the ASCII space excepted.
    """
    return not char.isprintable() or char in BLANK_LOOKING


def first_hidden(text: str) -> str | None:
    """The first hidden character of ``text``, or None (fast for ordinary text)."""
    if text.isprintable() and not BLANK_LOOKING.intersection(text):
        return None
    return next((c for c in text if is_hidden(c)), None)


def char_label(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    return f"{code} {name}" if name else code


def escape(char: str) -> str:
    """``\\u202e``, or ``\\U000e0041`` beyond the BMP: Python's and JSON's spelling."""
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def reveal(text: str, *, keep: str = "") -> str:
    """``text`` with every hidden character (but those in ``keep``) written as an escape."""
    if text.isprintable() and not BLANK_LOOKING.intersection(text):
        return text
    return "".join(escape(c) if is_hidden(c) and c not in keep else c for c in text)


def reveal_json(document: str) -> str:
    """A JSON document with hidden characters escaped; it decodes to the same data.

    Outside strings JSON holds only ASCII structure (and the indent's line breaks, kept);
    inside strings ``\\uXXXX`` is the standard escape, with surrogate pairs beyond the BMP.
    """
    if document.isprintable() or not any(is_hidden(c) and c != "\n" for c in document):
        return document
    out = []
    for c in document:
        if c == "\n" or not is_hidden(c):
            out.append(c)
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04x}")
        else:
            high, low = divmod(ord(c) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
    return "".join(out)
