"""What the questionnaire, the roadmap and the system page show of each item's work: its assignment,
how many comments it has, and the link to its page (templates/_work.html's ``line``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.web.features.comments import service as comments
from aisma.web.features.work import service as work


def line_context(session: Session, actor: Actor, subject: str) -> dict[str, Any]:
    return {
        "work_base": f"/orgs/{actor.org_slug}/work/{subject}",
        "assigned": work.by_item(session, actor, subject) if subject != "system" else {},
        "comment_counts": comments.counts(session, actor, subject),
        "can_assign": subject != "system" and actor.can(Permission.RUN_ASSESSMENT),
    }
