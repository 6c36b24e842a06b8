"""A Pulumi program that manages one organisation with vcorg.

Before `pulumi up`, point the stack at the platform:

    pulumi config set vcorg:apiUrl https://platform.example
    pulumi config set --secret vcorg:token <API token>

(or export VCORG_API_URL and VCORG_TOKEN).
"""

from __future__ import annotations

from pathlib import Path

import pulumi

import vcorg

config = pulumi.Config()
config_path = Path(__file__).parent / config.get("configPath", "../hospital")

org = vcorg.Organisation("metro", config_path=config_path)

pulumi.export("unitIds", {key: unit.id for key, unit in org.units.items()})
pulumi.export("waitingAreaLinks", {key: wa.link for key, wa in org.waiting_areas.items()})
