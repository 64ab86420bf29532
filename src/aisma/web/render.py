"""What every page shares: the layout context (navigation, user, CSRF token), rendering, the cached
maturity model, and short confirmation messages passed through a redirect.

A message travels as a key (``?msg=saved``), never as text, so a link cannot make the page say
anything it was not written to say.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment
from pydantic import ValidationError

from aisma.maturity.loader import resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid
from aisma.web.security import CSRF_HEADER, csrf_token
from aisma.web.templating import build_environment, render_template

MESSAGES: dict[str, tuple[str, str]] = {
    "assessed": ("ok", "Assessment done: the dashboard shows the new result."),
    "saved": ("ok", "Saved."),
    "autonomy": ("ok", "Autonomy Test recorded."),
    "system-added": ("ok", "System added to the inventory."),
    "member-added": ("ok", "Member added."),
    "invitation-revoked": ("ok", "Invitation revoked: its link no longer works."),
    "org-created": ("ok", "Organization created: you are its owner. Invite people from Administration."),
    "joined": ("ok", "Welcome: you are a member of this organization now."),
    "member-removed": ("ok", "Member removed."),
    "role-changed": ("ok", "Role changed."),
    "token-revoked": ("ok", "Token revoked."),
    "evidence-accepted": ("ok", "Evidence accepted: the answer now counts as evidenced."),
    "evidence-rejected": ("ok", "Evidence rejected: the answer does not count as evidenced."),
    "evidence-uploaded": ("ok", "Uploaded: this is now the file's current revision."),
    "evidence-dates": ("ok", "Dates saved for the current revision."),
    "answer-submit": ("ok", "Submitted for review."),
    "answer-accepted": ("ok", "Answer accepted."),
    "answer-returned": ("ok", "Answer returned to its answerer with your reason."),
    "review-setting": ("ok", "Review setting changed."),
    "schedule-added": ("ok", "Schedule added: it runs at the next firing of its cron."),
    "schedule-deleted": ("ok", "Schedule deleted."),
    "channel-deleted": ("ok", "Alert channel deleted."),
    "framework-imported": ("ok", "Framework imported."),
    "framework-mapping": ("ok", "Mapping set saved: the posture now goes through it."),
    "framework-deleted": ("ok", "Imported framework deleted."),
    "finding-added": ("ok", "Remark recorded as a finding."),
    "finding-changed": ("ok", "Finding changed."),
    "assigned": ("ok", "Assigned: the assignee gets an email and sees it on My work."),
    "cleared": ("ok", "Assignment cleared."),
    "comment-added": ("ok", "Comment posted."),
    "comment-edited": ("ok", "Comment changed."),
    "comment-deleted": ("ok", "Comment deleted."),
}


def form_error(exc: ValidationError) -> str:
    """A form's first validation error in one line naming the field, as every other form error does."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ())) or "form"
    return f"{where}: {error.get('msg', 'invalid input')}"


def form_int(value: object, field: str) -> int:
    """An id from a form field; anything else is the caller's mistake (422), never a 500."""
    text = str(value or "").strip()
    if not text.isdigit():
        raise Invalid(field, "expected a whole number")
    return int(text)


def org_base(org: str) -> str:
    return f"/orgs/{org}"


def navigation(actor: Actor) -> list[tuple[str, str, str]]:
    base = org_base(actor.org_slug)
    items = [
        ("dashboard", "Dashboard", base),
        ("my-work", "My work", f"{base}/my-work"),
        ("questionnaire", "Questionnaire", f"{base}/questionnaire"),
        ("reviews", "Reviews", f"{base}/reviews"),
        ("inventory", "Inventory", f"{base}/inventory"),
        ("measurements", "Measurements", f"{base}/measurements"),
        ("evidence", "Evidence", f"{base}/evidence"),
        ("findings", "Findings", f"{base}/findings"),
        ("roadmap", "Roadmap", f"{base}/roadmap"),
        ("frameworks", "Frameworks", f"{base}/frameworks"),
        ("reports", "Reports", f"{base}/reports"),
        ("monitoring", "Monitoring", f"{base}/monitoring"),
        ("audit", "Audit", f"{base}/audit"),
    ]
    if actor.can(Permission.MANAGE_MEMBERS):
        items.append(("admin", "Administration", f"{base}/admin"))
    return items


def page_environment(request: Request) -> Environment:
    """Built once per app on first use and kept on ``app.state``: nothing is built at import time."""
    env: Environment | None = getattr(request.app.state, "page_environment", None)
    if env is None:
        env = build_environment(auto_reload=request.app.state.settings.development)
        request.app.state.page_environment = env
    return env


def model_for(request: Request, model_id: str) -> MaturityModel:
    """Maturity models are immutable files: parse each once per process."""
    cache: dict[str, MaturityModel] | None = getattr(request.app.state, "page_models", None)
    if cache is None:
        cache = {}
        request.app.state.page_models = cache
    if model_id not in cache:
        cache[model_id] = resolve_model(model_id)
    return cache[model_id]


def render_page(
    request: Request,
    actor: Actor,
    template: str,
    *,
    active: str,
    title: str,
    org_name: str = "",
    status_code: int = 200,
    flashes: list[tuple[str, str]] | None = None,
    **context: Any,
) -> HTMLResponse:
    messages = list(flashes or [])
    key = request.query_params.get("msg")
    if key in MESSAGES:
        messages.insert(0, MESSAGES[key])
    base = {
        "title": title,
        "active": active,
        "org": {"slug": actor.org_slug, "name": org_name or actor.org_slug},
        "nav": navigation(actor),
        "user": {"email": actor.email},
        "role": actor.role.value,
        "csrf_token": csrf_token(request),
        "csrf_header": CSRF_HEADER,
        "flashes": messages,
        "home_url": org_base(actor.org_slug),
        "logout_url": "/logout",
        "org_switch": getattr(request.state, "aisma_orgs", None) or [],
    }
    html = render_template(page_environment(request), template, {**base, **context})
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def redirect(url: str, message: str | None = None) -> RedirectResponse:
    target = f"{url}{'&' if '?' in url else '?'}msg={message}" if message else url
    return RedirectResponse(target, status_code=303)
