"""One Jinja2 environment for every page, built by the app factory (never at import time).

Autoescape is on for every template; the only unescaped strings are the server-built SVG charts,
marked safe where they are made, and comments as ``aisma.web.features.comments.markdown`` rendered
and sanitized them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from aisma.reports.viewmodel import fmt_level, fmt_pct, fmt_score


def fmt_when(value: object) -> str:
    """A timestamp (datetime, date or ISO string) as 'YYYY-MM-DD HH:MM' in UTC; empty for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text[:16].replace("T", " ")


class _PageEnvironment(Environment):
    """Jinja with ``row.key`` read from a dict's key first.

    Jinja tries an attribute first and the key second, so every ``g.verdict`` on a result row (a plain
    dict) raised and caught an AttributeError: a quarter of the dashboard's rendering time with 2,000
    gated systems. A dict's own methods stay reachable when it has no key of that name
    (``phase.get("items")``)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def build_environment(auto_reload: bool = False) -> Environment:
    """``auto_reload`` re-checks each template file on disk at every render: for development only
    (``AISMA_DEVELOPMENT``); in production the templates are read once per process."""
    env = _PageEnvironment(
        loader=PackageLoader("aisma.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
    )
    env.filters.update(score=fmt_score, level=fmt_level, pct=fmt_pct, when=fmt_when)
    return env


def render_template(env: Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render with the defaults the base layout needs, so a page only passes what it shows."""
    defaults: dict[str, Any] = {
        "title": "",
        "org": None,
        "nav": [],
        "active": "",
        "user": None,
        "role": None,
        "csrf_token": "",
        "csrf_header": "X-CSRF-Token",
        "flashes": [],
        "home_url": "/",
        "logout_url": "/logout",
    }
    return env.get_template(name).render({**defaults, **context})
