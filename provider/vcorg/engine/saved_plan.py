"""Saved plans: what `vcorg plan --out` reviewed, so `vcorg apply --plan` does only that.

A saved plan holds Pulumi's own update plan (which the engine enforces during `up`), the
steps our `Plan` was built from, its JSON and text renderings for reviewers, and two
fingerprints taken when it was made: of the configuration, and of every object on the
platform (id → version). Apply recomputes both and refuses if either moved.

    SavedPlanError          the file cannot be used (unreadable, another stack)
    └── SavedPlanOutdated   the configuration or the platform changed since the plan
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vcorg.client import Collection, JSONObject, PlatformClient
from vcorg.config.models import OrgConfig
from vcorg.plan import ResourceStep

KIND = "vcorg-saved-plan"
FORMAT_VERSION = 1


class SavedPlanError(Exception):
    """The saved plan cannot be applied."""


class SavedPlanOutdated(SavedPlanError):
    """The configuration or the platform changed after the plan was saved."""


def config_digest(config: OrgConfig) -> str:
    """A digest of the configuration's meaning: comments and layout do not count."""
    canonical = json.dumps(
        config.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def platform_fingerprint(
    client: PlatformClient,
    organisation: str,
    *,
    objects: Mapping[Collection, Iterable[JSONObject]] | None = None,
) -> dict[str, str]:
    """Every object of the organisation the token can see, as `collection/id` → version.

    The platform bumps `version` on every change, so any edit, creation or deletion since
    the plan shows up here; a grant's state is added because expiry changes it silently.
    *objects* are the collections already read (say, by `vcorg plan --adopt`).
    """
    marks: dict[str, str] = {}
    for collection in Collection:
        listed = objects[collection] if objects is not None else None
        for obj in listed if listed is not None else client.iter_objects(organisation, collection):
            mark = f"v{obj.get('version')}"
            if obj.get("state"):
                mark += f":{obj['state']}"
            marks[f"{collection.value}/{obj.get('id')}"] = mark
    return dict(sorted(marks.items()))


def fingerprint_digest(marks: Mapping[str, str]) -> str:
    canonical = json.dumps(dict(sorted(marks.items())), separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class SavedPlan:
    """One saved plan file (JSON)."""

    organisation: str
    stack: str
    api_url: str
    refresh: bool
    config_digest: str
    platform: dict[str, str]
    steps: list[ResourceStep]
    pulumi_plan: dict[str, Any]
    rendered: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def platform_digest(self) -> str:
        return fingerprint_digest(self.platform)

    def write(self, path: Path) -> None:
        doc = {
            "kind": KIND,
            "formatVersion": FORMAT_VERSION,
            "createdAt": self.created_at,
            "organisation": self.organisation,
            "stack": self.stack,
            "apiUrl": self.api_url,
            "refresh": self.refresh,
            "configDigest": self.config_digest,
            "platformDigest": self.platform_digest,
            "platform": self.platform,
            "plan": self.rendered,
            "text": self.text,
            "steps": [asdict(step) for step in self.steps],
            "pulumiPlan": self.pulumi_plan,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
        tmp.replace(path)

    @classmethod
    def read(cls, path: Path) -> SavedPlan:
        try:
            doc = json.loads(path.read_text())
        except FileNotFoundError:
            raise SavedPlanError(f"the saved plan {path} does not exist") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SavedPlanError(f"the saved plan {path} cannot be read: {exc}") from None
        if not isinstance(doc, dict) or doc.get("kind") != KIND:
            raise SavedPlanError(f"{path} is not a plan saved by `vcorg plan --out`")
        if doc.get("formatVersion") != FORMAT_VERSION:
            raise SavedPlanError(
                f"{path} was saved in plan format {doc.get('formatVersion')!r}; this vcorg "
                f"reads format {FORMAT_VERSION}. Make the plan again with this version."
            )
        try:
            steps = [ResourceStep(**step) for step in doc["steps"]]
            return cls(
                organisation=str(doc["organisation"]),
                stack=str(doc["stack"]),
                api_url=str(doc["apiUrl"]),
                refresh=bool(doc["refresh"]),
                config_digest=str(doc["configDigest"]),
                platform=dict(doc["platform"]),
                steps=steps,
                pulumi_plan=dict(doc["pulumiPlan"]),
                rendered=dict(doc.get("plan") or {}),
                text=str(doc.get("text") or ""),
                created_at=str(doc.get("createdAt") or ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SavedPlanError(
                f"the saved plan {path} is incomplete or damaged ({exc})"
            ) from None

    def check_target(self, *, organisation: str, stack: str, api_url: str) -> None:
        """Refuse a plan made for another organisation, stack or platform."""
        for what, saved, now in (
            ("organisation", self.organisation, organisation),
            ("stack", self.stack, stack),
            ("platform URL", self.api_url, api_url),
        ):
            if saved != now:
                raise SavedPlanError(f"the saved plan was made for {what} {saved!r}, not {now!r}")

    def check_current(self, *, config_digest: str, platform: Mapping[str, str]) -> None:
        """Raise `SavedPlanOutdated` if the configuration or the platform moved."""
        if config_digest != self.config_digest:
            raise SavedPlanOutdated(
                f"the configuration changed after the plan was saved ({self.created_at})"
            )
        changes = describe_moves(self.platform, platform)
        if changes:
            raise SavedPlanOutdated(
                f"the platform changed after the plan was saved ({self.created_at}): {changes}"
            )


def describe_moves(before: Mapping[str, str], after: Mapping[str, str]) -> str:
    """'2 objects changed, 1 added (grants/grant_01…)' or '' when nothing moved."""
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    parts = []
    for count, word in (
        (len(changed), "changed"),
        (len(added), "added"),
        (len(removed), "removed"),
    ):
        if count:
            parts.append(f"{count} object{'s' if count != 1 else ''} {word}")
    if not parts:
        return ""
    examples = (changed + added + removed)[:3]
    return ", ".join(parts) + f" (e.g. {', '.join(examples)})"
