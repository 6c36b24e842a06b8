"""Configuration keys derived from display names.

A key is what a person would type for a name: lower-case ASCII, words joined by hyphens
("Sørlandet Children's Clinic" → ``sorlandet-childrens-clinic``), at most 63 characters,
always valid for the config's key pattern. Keys are unique across the organisation,
whatever the kind of object, so a name already taken gets its unit's key in front
(``cardiology-general-clinic``), else its kind after (``housing-area`` for the waiting
area named like its unit), and then a number.

Objects are given keys in the platform's creation order (across kinds: a unit always
exists before its areas and rooms), so an object's key depends only on the objects
created before it: re-running an export gives the same keys, and objects created later
never change the keys of earlier ones.
"""

from __future__ import annotations

import re
import unicodedata

from vcorg.vocabulary import KEY_PATTERN

MAX_KEY = 63
_VALID = re.compile(KEY_PATTERN)
# Letters that Unicode decomposition does not reduce to ASCII.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
        "ŋ": "n",
        "Ŋ": "n",
    }
)
# Apostrophes join the letters around them: "St John's" → st-johns, not st-john-s.
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u00b4`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """The key a name suggests, or ``""`` when it holds no ASCII letter or digit."""
    text = unicodedata.normalize("NFKD", name.translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_WORD.sub("-", text).strip("-")


def _fit(base: str, suffix: str = "") -> str:
    """*base* shortened (at a hyphen when it can be) so that base + suffix fits a key."""
    room = MAX_KEY - len(suffix)
    if len(base) > room:
        cut = base[:room]
        # Prefer a whole word, unless that leaves too little of the name.
        if "-" in cut[room // 2 :]:
            cut = cut[: cut.rindex("-")]
        base = cut.rstrip("-")
    return base + suffix


class KeyAllocator:
    """Hands out keys that are unique across the organisation, whatever their kind.

    The configuration needs unit keys unique among units, and waiting-area keys (and room
    keys) across the organisation; one namespace for all of them also keeps every key
    unambiguous for the people reading the files.
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def allocate(self, name: str, *, kind: str, within: str | None = None) -> str:
        """A new key for *name*, an object of *kind* (``unit``, ``area`` or ``room``);
        *within* is the key of its unit, if it has one."""
        fallback = _FALLBACKS[kind]
        base = slugify(name) or fallback
        if not base[0].isalpha():
            base = f"{fallback}-{base}"
        base = _fit(base)
        candidates = [base]
        if within and not base.startswith(f"{within}-") and base != within:
            candidates.append(_fit(f"{within}-{base}"))
        if not base.endswith(f"-{kind}"):
            candidates.append(_fit(base, f"-{kind}"))
        for candidate in candidates:
            if candidate not in self.taken:
                return self._take(candidate)
        number = 2
        while True:
            candidate = _fit(base, f"-{number}")
            if candidate not in self.taken:
                return self._take(candidate)
            number += 1

    def _take(self, key: str) -> str:
        # Every path above builds from valid parts; this guards the invariant.
        assert _VALID.match(key) and len(key) <= MAX_KEY, key
        self.taken.add(key)
        return key


_FALLBACKS = {"unit": "unit", "area": "waiting-area", "room": "meeting-room"}
