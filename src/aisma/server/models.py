"""The maturity model of an organization (installed models only; loaded once per process)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from aisma.maturity.loader import UnknownModelError, available_models, resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid, NotFound
from aisma.store.repositories import organizations as orgs_repo


@lru_cache(maxsize=16)
def model_by_id(model_id: str) -> MaturityModel:
    """An installed model by id; the server never reads model files from arbitrary paths."""
    if model_id not in {source.id for source in available_models()}:
        raise Invalid("model", f"{model_id!r} is not an installed model")
    try:
        return resolve_model(model_id)
    except UnknownModelError as exc:
        raise Invalid("model", exc.message) from None


def installed_model_ids() -> list[str]:
    return sorted(source.id for source in available_models())


def model_for(session: Session, actor: Actor) -> MaturityModel:
    actor.require(Permission.READ)
    org = orgs_repo.get(session, actor.org_id)
    if org is None:
        raise NotFound(f"organization {actor.org_slug} not found")
    return model_by_id(org.model_id)
