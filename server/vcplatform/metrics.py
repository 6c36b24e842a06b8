"""Prometheus request counters: ``vcplatform_requests_total{method,route,status}``."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestCounter:
    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()

    def inc(self, method: str, route: str, status: str) -> None:
        with self._lock:
            self._counts[(method, route, status)] += 1

    def render(self) -> str:
        with self._lock:
            items = sorted(self._counts.items())
        lines = [
            "# HELP vcplatform_requests_total HTTP requests received, by route template.",
            "# TYPE vcplatform_requests_total counter",
        ]
        for (method, route, status), count in items:
            lines.append(
                f'vcplatform_requests_total{{method="{method}",route="{_escape(route)}",'
                f'status="{status}"}} {count}'
            )
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


class RouteTemplates:
    """Maps a request path to its route template (``/api/v1/orgs/{org}/units``).

    Labels must never carry raw ids, or the counters would grow without bound.
    """

    def __init__(self, templates: list[str]) -> None:
        compiled = [(compile_path(t)[0], t) for t in templates]
        # Literal segments win over parameters, as in the router (``/metrics`` first).
        self._patterns = sorted(compiled, key=lambda item: item[1].count("{"))

    def __call__(self, path: str) -> str:
        for regex, template in self._patterns:
            if regex.match(path):
                return template
        return "unmatched"


class MetricsMiddleware:
    """Counts every request, including those a fault dropped (status ``dropped``)."""

    def __init__(self, app: ASGIApp, counter: RequestCounter, routes: RouteTemplates) -> None:
        self.app, self.counter, self.routes = app, counter, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status: dict[str, Any] = {"code": "dropped"}

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = str(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            self.counter.inc(scope["method"], self.routes(scope["path"]), status["code"])
