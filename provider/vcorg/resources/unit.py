"""OrganisationalUnit: a unit such as Cancer Care or Housing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from vcorg.client import Collection

from .base import ObjectProvider, ObjectResource, listed
from .validation import Checker


class UnitProvider(ObjectProvider):
    collection = Collection.UNITS
    api_fields = ("name", "description", "reportingTags")
    in_unit = False

    def validate(self, checker: Checker, olds: Mapping[str, Any]) -> None:
        checker.tags("reportingTags")


UNIT_PROVIDER = UnitProvider()


class OrganisationalUnit(ObjectResource, module="vcorg", name="OrganisationalUnit"):
    """An organisational unit. Renames and tag changes are updates in place."""

    def __init__(
        self,
        resource_name: str,
        *,
        organisation: pulumi.Input[str],
        key: pulumi.Input[str],
        name: pulumi.Input[str],
        description: pulumi.Input[str] = "",
        reporting_tags: pulumi.Input[Sequence[pulumi.Input[str]]] = (),
        adopt: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        fields = {
            "name": name,
            "description": description,
            "reportingTags": listed(reporting_tags),
        }
        super().__init__(
            UNIT_PROVIDER,
            resource_name,
            organisation=organisation,
            key=key,
            fields=fields,
            adopt=adopt,
            opts=opts,
        )
