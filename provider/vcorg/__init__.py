"""vcorg: organisation-as-code for telehealth video-call platforms."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Lazy, so `import vcorg` (the CLI, the config loader) does not load the Pulumi SDK.
    if name == "Organisation":
        from vcorg.resources import Organisation

        return Organisation
    raise AttributeError(f"module 'vcorg' has no attribute {name!r}")


def provider(kind: str) -> Any:
    """The provider that a resource's state names in its ``__provider`` property.

    Every vcorg provider pickles as a call of this function with its kind (see
    ``PlatformProvider.__reduce__``): about 60 characters of state per copy instead of the
    100 that a reference to the class by its full module path takes, and each resource
    stores two copies. States written before keep working: the classes stay where they were.
    """
    from vcorg.resources import provider_of_kind

    return provider_of_kind(kind)
