"""What uses an evidence file: the answers that cite it (by path, or by the hash of any of its
revisions) and the measurements collectors took from it (by the path they read, ``evidence/<file>``,
or by the hash of the bytes they read).

A measurement names its file as the collector saw it in the workspace, so a file measured before a
new revision was uploaded still shows here, with the revision whose hash it recorded.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.store.repositories import answers as answers_repo
from aisma.store.repositories import evidence as repo
from aisma.store.repositories import measurements as measurements_repo
from aisma.web.features.evidence.schemas import CitedByOut, CitingAnswer, CitingMeasurement
from aisma.web.features.evidence.service import get_evidence

MAX_MEASUREMENTS = 200


def cited_by(session: Session, actor: Actor, evidence_id: int) -> CitedByOut:
    """Every answer citing the file, and the newest ``MAX_MEASUREMENTS`` measurements that read it."""
    actor.require(Permission.READ)
    record = get_evidence(session, actor, evidence_id)
    hashes = {r.sha256: r.revision for r in repo.revisions(session, actor.org_id, evidence_id)}
    hashes.setdefault(record.sha256, record.revision)
    answers: list[CitingAnswer] = []
    for row in answers_repo.list_for_org(session, actor.org_id):
        for ref in row.evidence or ():
            ref = str(ref)
            revision = hashes.get(ref[len("sha256:") :]) if ref.startswith("sha256:") else None
            if ref == record.ref or revision is not None:
                answers.append(
                    CitingAnswer(
                        objective_id=row.objective_id,
                        answer=row.answer,
                        status=row.status,
                        version=row.version,
                        cites=ref,
                        revision=revision,
                    )
                )
    paths = {record.ref, record.filename}
    measurements: list[CitingMeasurement] = []
    total = 0
    for measurement_id, metric, observed_at, provenance in measurements_repo.provenances(session, actor.org_id):
        file, sha256 = str(provenance.get("file") or ""), str(provenance.get("sha256") or "")
        if file not in paths and sha256 not in hashes:
            continue
        total += 1
        if len(measurements) < MAX_MEASUREMENTS:
            measurements.append(
                CitingMeasurement(
                    id=measurement_id,
                    metric=metric,
                    observed_at=observed_at,
                    tool=str(provenance.get("tool") or ""),
                    file=file,
                    sha256=sha256,
                    revision=hashes.get(sha256),
                )
            )
    answers.sort(key=lambda a: a.objective_id)
    return CitedByOut(evidence_id=record.id, answers=answers, measurements=measurements, measurements_total=total)
