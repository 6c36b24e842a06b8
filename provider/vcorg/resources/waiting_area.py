"""WaitingArea: the one link every service user holds. It is never replaced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from vcorg.client import Collection
from vcorg.config import models
from vcorg.config.rules.hours import is_timezone, unknown_timezone
from vcorg.vocabulary import WAITING_AREA_KIND

from .base import META_FIELDS, ObjectProvider, ObjectResource
from .props import is_unknown
from .validation import Checker


class WaitingAreaProvider(ObjectProvider):
    kind = "area"

    collection = Collection.WAITING_AREAS
    settings_model = models.WaitingArea
    not_settings = models.WaitingArea.NOT_SETTINGS
    placement_fields = ("unitId",)
    local_fields = ("key", "unitKey", "adopt", "resourceUrn")
    # Nothing is replaceable: even a move between units is a PATCH that keeps the link.
    replace_fields = ()

    def validate(self, checker: Checker, olds: Mapping[str, Any]) -> None:
        checker.key("unitKey")
        checker.object_id("unitId")
        _resolved_hours(checker)
        old_org, new_org = olds.get("organisation"), checker.props.get("organisation")
        if old_org and not is_unknown(new_org) and old_org != new_org:
            # The only way is delete + create, which gives a new link: never do it quietly.
            checker.fail(
                "organisation",
                f"cannot move a waiting area from organisation '{old_org}' to '{new_org}': "
                "that would recreate it with a new link and strand every service user "
                "holding the old one. Give it a new key if that is really intended.",
            )


def _resolved_hours(checker: Checker, path: str = "accessHours") -> None:
    """Access hours as `load_config` leaves them: given, in a real time zone."""
    value = checker.props.get(path)
    if is_unknown(value):
        return
    if value is None:
        checker.fail(path, "is required: opening hours with a time zone")
        return
    if not isinstance(value, Mapping):
        return  # the settings check says what is wrong with it
    zone = value.get("timezone")
    if checker.has_failed(f"{path}.timezone"):
        return
    if zone is None:
        checker.fail(f"{path}.timezone", "is required (an IANA name such as Australia/Sydney)")
    elif isinstance(zone, str) and not is_unknown(zone) and not is_timezone(zone):
        checker.fail(f"{path}.timezone", unknown_timezone(zone))


WAITING_AREA_PROVIDER = WaitingAreaProvider()


class WaitingArea(ObjectResource, module="vcorg", name=WAITING_AREA_KIND):
    """A waiting area. Every change, including a move to another unit, is in place."""

    link: pulumi.Output[str]
    output_slots = (*META_FIELDS, "link")
    read_back = frozenset({"link"})

    def __init__(
        self,
        resource_name: str,
        *,
        organisation: pulumi.Input[str],
        key: pulumi.Input[str],
        unit_key: pulumi.Input[str],
        unit_id: pulumi.Input[str],
        settings: models.WaitingArea,
        adopt: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            WAITING_AREA_PROVIDER,
            resource_name,
            organisation=organisation,
            key=key,
            placement={"unitKey": unit_key, "unitId": unit_id},
            settings=settings,
            adopt=adopt,
            opts=opts,
        )
