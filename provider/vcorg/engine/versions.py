"""The one place that pins the Pulumi engine and SDK versions.

The CLI is built from the Go module proxy when no `pulumi` is on PATH. v3.272.0 of
`github.com/pulumi/pulumi/pkg/v3` is not served by the proxy, so the CLI pin is the
nearest newer release; a newer CLI drives an older Python SDK (the engine protocol is
backward compatible), while the reverse is not guaranteed. A test checks that
pyproject.toml and the installed SDK agree with PULUMI_SDK_VERSION.
"""

from __future__ import annotations

PULUMI_CLI_VERSION = "3.274.1"
PULUMI_SDK_VERSION = "3.272.0"
# Automation API inline programs need --client support (added in CLI 3.181).
PULUMI_CLI_MINIMUM = "3.181.0"
