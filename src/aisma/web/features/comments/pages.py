"""The comment forms of the item page (``/orgs/{org}/work/{subject}/{item_id}``): write, edit your own,
delete your own (owners: any). A refused form comes back on the item page with its message and the
text that was typed, so nothing written is lost."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from aisma.server.errors import Forbidden, Invalid, NotFound, StaleWrite
from aisma.store.repositories import comments as comments_repo
from aisma.web.features.comments import service as comments
from aisma.web.features.comments.schemas import CommentEdit, CommentIn
from aisma.web.features.work.pages import item_page
from aisma.web.render import form_error, form_int, org_base, redirect
from aisma.web.security import CurrentActor, DbSession, require_csrf

router = APIRouter()


def _refused(
    request: Request, session: DbSession, actor: CurrentActor, subject: str, item_id: str, message: str,
    status: int, typed: str = "", editing: int | None = None,
) -> Response:  # fmt: skip
    typed_fields = {"comment": typed, "editing": str(editing or "")}
    return item_page(request, session, actor, subject, item_id, status_code=status, typed=typed_fields,
                     flashes=[("error", message)])  # fmt: skip


@router.post("/orgs/{org}/work/{subject}/{item_id}/comments", dependencies=[Depends(require_csrf)])
async def add(subject: str, item_id: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    text = str(form.get("body", ""))[:20_000]
    if subject not in comments.WORDS:
        raise NotFound(f"no comments on {subject}")
    try:
        body = CommentIn.model_validate({"body": text})
        made = comments.add_comment(session, actor, subject, item_id, body.body)
    except ValidationError as exc:
        return _refused(request, session, actor, subject, item_id, f"Not posted: {form_error(exc)}", 422, text)
    except Forbidden as exc:
        return _refused(request, session, actor, subject, item_id, f"Not posted: {exc.message}", 403, text)
    except Invalid as exc:
        return _refused(request, session, actor, subject, item_id, f"Not posted: {exc.message}", 422, text)
    target = f"{org_base(actor.org_slug)}/work/{subject}/{item_id}"
    return RedirectResponse(f"{target}?msg=comment-added#comment-{made.id}", status_code=303)


@router.post("/orgs/{org}/comments/{comment_id}/{action}", dependencies=[Depends(require_csrf)])
async def change(comment_id: int, action: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    row = comments_repo.get(session, actor.org_id, comment_id)
    if row is None or action not in ("edit", "delete"):
        raise NotFound(f"comment {comment_id} not found")
    subject, item_id = row.subject, row.item_id
    text = str(form.get("body", ""))[:20_000]
    try:
        version = form_int(form.get("version"), "version")
        if action == "edit":
            edit = CommentEdit.model_validate({"body": text, "version": version})
            comments.edit_comment(session, actor, comment_id, edit.body, edit.version)
        else:
            comments.delete_comment(session, actor, comment_id, version)
    except ValidationError as exc:
        return _refused(request, session, actor, subject, item_id, f"Not saved: {form_error(exc)}", 422, text,
                        comment_id)  # fmt: skip
    except Forbidden as exc:
        return _refused(request, session, actor, subject, item_id, f"Not saved: {exc.message}", 403)
    except Invalid as exc:
        return _refused(request, session, actor, subject, item_id, f"Not saved: {exc.message}", 422, text, comment_id)
    except StaleWrite:
        message = f"Comment {comment_id} changed since you opened the page; here it is as it is now."
        return _refused(request, session, actor, subject, item_id, message, 409)
    target = f"{org_base(actor.org_slug)}/work/{subject}/{item_id}"
    return redirect(target, "comment-edited" if action == "edit" else "comment-deleted")
