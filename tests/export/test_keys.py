"""Keys derived from names: valid, unique and stable, whatever the names."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vcorg.config.models import KEY_PATTERN
from vcorg.export.keys import MAX_KEY, KeyAllocator, slugify

VALID = re.compile(KEY_PATTERN)

# Names as a console lets people type them: any text with something visible in it,
# from every script, with apostrophes, dashes, digits and emoji.
names = st.text(min_size=1, max_size=120).filter(lambda s: s.strip())
units = st.sampled_from(["", "cardiology", "childrens-services", "x" * 63])


def allocate(items: list[tuple[str, str]]) -> list[str]:
    alloc = KeyAllocator()
    kinds = ("unit", "area", "room")
    return [
        alloc.allocate(name, kind=kinds[i % 3], within=unit or None)
        for i, (name, unit) in enumerate(items)
    ]


def test_keys_are_what_a_person_would_type() -> None:
    assert slugify("General Medicine Clinic") == "general-medicine-clinic"
    assert slugify("Children's Services") == "childrens-services"
    assert slugify("St John’s Ward") == "st-johns-ward"
    assert slugify("Kardiologi – Sørlandet") == "kardiologi-sorlandet"
    assert slugify("Cardiología Pediátrica") == "cardiologia-pediatrica"
    assert slugify("Straße & Æble") == "strasse-aeble"
    assert slugify("  Ear,  Nose & Throat (ENT) ") == "ear-nose-throat-ent"
    assert slugify("心臓内科") == ""


def test_a_name_taken_gets_its_unit_in_front_then_its_kind_then_a_number() -> None:
    alloc = KeyAllocator()
    assert alloc.allocate("Housing", kind="unit") == "housing"
    assert alloc.allocate("Housing", kind="area", within="housing") == "housing-area"
    assert alloc.allocate("Housing", kind="room", within="housing") == "housing-room"
    assert alloc.allocate("Cardiology", kind="unit") == "cardiology"
    assert alloc.allocate("General Clinic", kind="area", within="cardiology") == "general-clinic"
    assert alloc.allocate("General Clinic", kind="area", within="housing") == (
        "housing-general-clinic"
    )
    assert alloc.allocate("General Clinic", kind="room", within="housing") == (
        "general-clinic-room"
    )
    assert alloc.allocate("General Clinic", kind="area", within="housing") == "general-clinic-area"
    assert alloc.allocate("General Clinic", kind="area", within="housing") == "general-clinic-2"
    assert alloc.allocate("心臓内科", kind="area", within="cardiology") == "waiting-area"
    assert alloc.allocate("眼科", kind="area", within="cardiology") == "cardiology-waiting-area"
    assert alloc.allocate("2nd Floor", kind="room") == "meeting-room-2nd-floor"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(names, units), max_size=40))
def test_any_names_give_valid_unique_keys(items: list[tuple[str, str]]) -> None:
    keys = allocate(items)
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert VALID.match(key), key
        assert len(key) <= MAX_KEY


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(names, units), max_size=30), st.lists(st.tuples(names, units), max_size=10)
)
def test_keys_are_stable_across_runs_and_later_objects(
    first: list[tuple[str, str]], later: list[tuple[str, str]]
) -> None:
    # Re-running gives the same keys; objects created later never change earlier keys.
    assert allocate(first) == allocate(first)
    assert allocate(first + later)[: len(first)] == allocate(first)
