"""OrganisationalUnit: a unit such as Cancer Care or Housing."""

from __future__ import annotations

import pulumi

from vcorg.client import Collection
from vcorg.config import models
from vcorg.vocabulary import UNIT_KIND

from .base import ObjectProvider, ObjectResource


class UnitProvider(ObjectProvider):
    kind = "unit"

    collection = Collection.UNITS
    settings_model = models.Unit
    not_settings = models.Unit.NOT_SETTINGS
    in_unit = False


UNIT_PROVIDER = UnitProvider()


class OrganisationalUnit(ObjectResource, module="vcorg", name=UNIT_KIND):
    """An organisational unit. Renames and tag changes are updates in place."""

    def __init__(
        self,
        resource_name: str,
        *,
        organisation: pulumi.Input[str],
        key: pulumi.Input[str],
        settings: models.Unit,
        adopt: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            UNIT_PROVIDER,
            resource_name,
            organisation=organisation,
            key=key,
            placement={},
            settings=settings,
            adopt=adopt,
            opts=opts,
        )
