"""WaitingArea: the one link every service user holds. It is never replaced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from vcorg.client import Collection

from .base import ObjectProvider, ObjectResource, listed
from .props import is_unknown
from .validation import (
    WAITING_AREA_TYPES,
    Checker,
    check_access_hours,
    check_caller_details,
)


class WaitingAreaProvider(ObjectProvider):
    collection = Collection.WAITING_AREAS
    api_fields = (
        "unitId",
        "name",
        "description",
        "type",
        "accessHours",
        "callerDetails",
        "informationForCallers",
        "suspended",
        "suspendedMessageForCallers",
        "suspendedMessageForStaff",
        "reportingTags",
    )
    local_fields = ("key", "unitKey", "adopt", "resourceUrn")
    # Nothing is replaceable: even a move between units is a PATCH that keeps the link.
    replace_fields = ()

    def validate(self, checker: Checker, olds: Mapping[str, Any]) -> None:
        checker.key("unitKey")
        checker.object_id("unitId")
        checker.choice("type", WAITING_AREA_TYPES)
        check_access_hours(checker)
        check_caller_details(checker)
        checker.text("informationForCallers")
        checker.boolean("suspended")
        checker.text("suspendedMessageForCallers")
        checker.text("suspendedMessageForStaff")
        checker.tags("reportingTags")
        old_org, new_org = olds.get("organisation"), checker.props.get("organisation")
        if old_org and not is_unknown(new_org) and old_org != new_org:
            # The only way is delete + create, which gives a new link: never do it quietly.
            checker.fail(
                "organisation",
                f"cannot move a waiting area from organisation '{old_org}' to '{new_org}': "
                "that would recreate it with a new link and strand every service user "
                "holding the old one. Give it a new key if that is really intended.",
            )


WAITING_AREA_PROVIDER = WaitingAreaProvider()


class WaitingArea(ObjectResource, module="vcorg", name="WaitingArea"):
    """A waiting area. Every change, including a move to another unit, is in place."""

    link: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        organisation: pulumi.Input[str],
        key: pulumi.Input[str],
        unit_key: pulumi.Input[str],
        unit_id: pulumi.Input[str],
        name: pulumi.Input[str],
        access_hours: pulumi.Input[Mapping[str, Any]],
        description: pulumi.Input[str] = "",
        type: pulumi.Input[str] = "regular",
        caller_details: pulumi.Input[Sequence[Mapping[str, Any]]] = (),
        information_for_callers: pulumi.Input[str] = "",
        suspended: pulumi.Input[bool] = False,
        suspended_message_for_callers: pulumi.Input[str] = "",
        suspended_message_for_staff: pulumi.Input[str] = "",
        reporting_tags: pulumi.Input[Sequence[pulumi.Input[str]]] = (),
        adopt: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        fields = {
            "unitKey": unit_key,
            "unitId": unit_id,
            "name": name,
            "description": description,
            "type": type,
            "accessHours": access_hours,
            "callerDetails": listed(caller_details),
            "informationForCallers": information_for_callers,
            "suspended": suspended,
            "suspendedMessageForCallers": suspended_message_for_callers,
            "suspendedMessageForStaff": suspended_message_for_staff,
            "reportingTags": listed(reporting_tags),
        }
        super().__init__(
            WAITING_AREA_PROVIDER,
            resource_name,
            organisation=organisation,
            key=key,
            fields=fields,
            adopt=adopt,
            opts=opts,
            outputs=("link",),
        )
