"""The search page behind the box in every page's header: one query across the organization's
objectives (id, title, statement), answers (note, justification), AI systems (id, name, owner,
provider), evidence files (name, sha256), findings (title, detail) and measured metrics, each group
cut to its first ``PER_GROUP`` hits with a link to the list that shows them all.

It reads through the same services as the lists (the actor's organization only, nothing another
organization holds can match), in memory: every group is as long as what the organization has, and
the query is bounded (``MAX_QUERY`` characters).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisma.server import models
from aisma.web import listing
from aisma.web.features.answers import service as answers
from aisma.web.features.evidence import service as evidence
from aisma.web.features.findings import service as findings
from aisma.web.features.inventory import service as inventory
from aisma.web.features.measurements import service as measurements
from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession

router = APIRouter()
PER_GROUP = 20
MAX_QUERY = 100


@dataclass(frozen=True)
class Hit:
    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class Group:
    title: str
    hits: list[Hit]
    total: int
    more_url: str


def _matches(needle: str, *texts: object) -> bool:
    return any(needle in str(text or "").casefold() for text in texts)


def _group(title: str, hits: Iterable[Hit], more_url: str) -> Group:
    found = list(hits)
    return Group(title, found[:PER_GROUP], len(found), more_url)


@router.get("/orgs/{org}/search")
def search_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    query = listing.text(request, "q", MAX_QUERY)
    needle = query.casefold()
    base = org_base(actor.org_slug)
    groups: list[Group] = []
    if needle:
        model = models.model_for(session, actor)
        questionnaire = f"{base}/questionnaire"
        groups.append(
            _group(
                "Objectives",
                (
                    Hit(f"{o.id} {o.title}", o.statement, f"{questionnaire}/{o.id.split('-')[0]}#obj-{o.id}")
                    for o in model.objectives()
                    if _matches(needle, o.id, o.title, o.statement)
                ),
                f"{questionnaire}?{urlencode({'q': query})}",
            )
        )
        groups.append(
            _group(
                "Answers",
                (
                    Hit(
                        f"{a.objective_id}: {a.answer}",
                        a.note or a.justification,
                        f"{questionnaire}/{a.objective_id.split('-')[0]}#obj-{a.objective_id}",
                    )
                    for a in answers.list_answers(session, actor)
                    if _matches(needle, a.note, a.justification)
                ),
                f"{base}/reviews",
            )
        )
        groups.append(
            _group(
                "AI systems",
                (
                    Hit(
                        f"{s.document.get('name', s.system_id)} ({s.system_id})",
                        str(s.document.get("owner") or ""),
                        f"{base}/inventory/{s.system_id}",
                    )
                    for s in inventory.list_systems(session, actor)
                    if _matches(
                        needle, s.system_id, s.document.get("name"), s.document.get("owner"), s.document.get("provider")
                    )
                ),
                f"{base}/inventory?{urlencode({'q': query})}",
            )
        )
        groups.append(
            _group(
                "Evidence",
                (
                    Hit(
                        f.filename, f"sha256 {f.sha256[:12]}…", f"/api/v1/orgs/{actor.org_slug}/evidence/{f.id}/content"
                    )
                    for f in evidence.list_evidence(session, actor)
                    if _matches(needle, f.filename, f.sha256)
                ),
                f"{base}/evidence?{urlencode({'q': query})}",
            )
        )
        groups.append(
            _group(
                "Findings",
                (
                    Hit(f.title, f"{f.severity} · {f.status.replace('_', ' ')}", f"{base}/findings#finding-{f.id}")
                    for f in findings.list_findings(session, actor)
                    if _matches(needle, f.title, f.detail, f.objective_id, f.owner)
                ),
                f"{base}/findings",
            )
        )
        groups.append(
            _group(
                "Measured metrics",
                (
                    Hit(name, "", f"{base}/measurements?{urlencode({'metric': name})}")
                    for name in measurements.metric_names(session, actor)
                    if _matches(needle, name)
                ),
                f"{base}/measurements",
            )
        )
    return render_page(
        request,
        actor,
        "search.html",
        active="",
        title=f"Search: {query}" if query else "Search",
        org_name=accounts.get_organization(session, actor).name,
        query=query,
        search_query=query,
        groups=groups,
        found=sum(g.total for g in groups),
        per_group=PER_GROUP,
    )
