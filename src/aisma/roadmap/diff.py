"""What changed between two assessments, and why.

Works on two result JSON files (``aisma assess --format json``) or history snapshots. Each changed
objective names its cause, checked in this order: it is new or gone (model version), its
applicability moved (inventory), its measurement changed (tool output), its evidence changed, or its
answer changed (questionnaire). Category, overall, gating and roadmap changes follow from those.
"""

from __future__ import annotations

import json
from typing import Any

Doc = dict[str, Any]


def _objectives(doc: Doc) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for c in doc.get("categories", []) for o in c.get("objectives", [])}


def _measure(o: dict[str, Any]) -> tuple[Any, ...] | None:
    m = o.get("measurement")
    if not m:
        return None
    return (m.get("metric"), m.get("value"), m.get("fresh"), m.get("answer"))


def _why(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    reasons = []
    if a.get("applicable") != b.get("applicable"):
        reasons.append(
            "inventory: now applicable" if b.get("applicable") else "inventory or N/A answer: no longer applicable"
        )
    ma, mb = _measure(a), _measure(b)
    if ma != mb:
        if ma is None:
            reasons.append(f"measurement: {mb[0]} = {mb[1]} ({mb[3]}) is new" if mb else "measurement changed")
        elif mb is None:
            reasons.append(f"measurement: {ma[0]} no longer measured")
        else:
            stale = "" if mb[2] else ", stale"
            reasons.append(f"measurement: {ma[0]} {ma[1]} -> {mb[1]} ({ma[3]} -> {mb[3]}{stale})")
    refs_a = sorted(str(e.get("ref")) for e in a.get("evidence", []))
    refs_b = sorted(str(e.get("ref")) for e in b.get("evidence", []))
    if refs_a != refs_b:
        added = [r for r in refs_b if r not in refs_a]
        removed = [r for r in refs_a if r not in refs_b]
        parts = ([f"added {', '.join(added)}"] if added else []) + (
            [f"removed {', '.join(removed)}"] if removed else []
        )
        reasons.append("evidence: " + "; ".join(parts))
    if a.get("answer") != b.get("answer") and not (ma != mb and b.get("source") == "measured"):
        reasons.append(f"answer: {a.get('answer') or 'none'} -> {b.get('answer') or 'none'}")
    if a.get("source") != b.get("source") and not reasons:
        reasons.append(f"source: {a.get('source')} -> {b.get('source')}")
    return reasons


def _systems(doc: Doc) -> dict[str, dict[str, Any]]:
    inputs = doc.get("inputs")
    if isinstance(inputs, dict) and isinstance(inputs.get("inventory"), list):
        return {str(s["id"]): s for s in inputs["inventory"]}
    return {
        str(g["system"]): {"id": g["system"], "deployment_class": g.get("deployment_class")}
        for g in doc.get("gating", [])
    }


def _pair(a: Any, b: Any) -> list[Any]:
    return [a, b]


def diff_results(a: Doc, b: Doc) -> dict[str, Any]:
    """A JSON-ready account of the changes from ``a`` (before) to ``b`` (after)."""
    out: dict[str, Any] = {"from": a.get("assessed_at"), "to": b.get("assessed_at")}
    model_a = f"{a['model']['id']} {a['model']['version']}"
    model_b = f"{b['model']['id']} {b['model']['version']}"
    objectives_a, objectives_b = _objectives(a), _objectives(b)
    out["model"] = {
        "from": model_a,
        "to": model_b,
        "added": sorted(set(objectives_b) - set(objectives_a)),
        "removed": sorted(set(objectives_a) - set(objectives_b)),
    }
    oa, ob = a["overall"], b["overall"]
    out["overall"] = {
        k: _pair(oa.get(k), ob.get(k)) for k in ("level", "score", "evidenced_level", "evidenced_score", "coverage")
    }
    cats_a = {c["id"]: c for c in a.get("categories", [])}
    categories = []
    for c in b.get("categories", []):
        before = cats_a.get(c["id"], {})
        fields = ("level", "evidenced_level", "target_level")
        if any(before.get(f) != c.get(f) for f in fields) or not before:
            entry = {"id": c["id"], **{f: _pair(before.get(f), c.get(f)) for f in fields}}
            gate_a = (before.get("capped_by") or {}).get("gate")
            gate_b = (c.get("capped_by") or {}).get("gate")
            if gate_a != gate_b:
                entry["capped_by"] = _pair(gate_a, gate_b)
            categories.append(entry)
    out["categories"] = categories
    objectives = []
    for oid in sorted(set(objectives_a) | set(objectives_b)):
        if oid not in objectives_a or oid not in objectives_b:
            continue
        x, y = objectives_a[oid], objectives_b[oid]
        keys = ("status", "answer", "source", "evidenced_status")
        if any(x.get(k) != y.get(k) for k in keys) or _measure(x) != _measure(y):
            objectives.append({"id": oid, **{k: _pair(x.get(k), y.get(k)) for k in keys}, "why": _why(x, y)})
    out["objectives"] = objectives
    systems_a, systems_b = _systems(a), _systems(b)
    out["inventory"] = {
        "added": sorted(set(systems_b) - set(systems_a)),
        "removed": sorted(set(systems_a) - set(systems_b)),
        "changed": [
            {
                "system": sid,
                "fields": sorted(
                    k
                    for k in set(systems_a[sid]) | set(systems_b[sid])
                    if systems_a[sid].get(k) != systems_b[sid].get(k)
                ),
            }
            for sid in sorted(set(systems_a) & set(systems_b))
            if systems_a[sid] != systems_b[sid]
        ],
    }
    verdicts_a = {g["system"]: g["verdict"] for g in a.get("gating", [])}
    out["gating"] = [
        {"system": g["system"], "verdict": _pair(verdicts_a.get(g["system"]), g["verdict"])}
        for g in b.get("gating", [])
        if verdicts_a.get(g["system"]) != g["verdict"]
    ]
    items_a = [i["objective"] for p in a.get("roadmap", []) for i in p.get("items", [])]
    items_b = [i["objective"] for p in b.get("roadmap", []) for i in p.get("items", [])]
    out["roadmap"] = {
        "items": _pair(len(items_a), len(items_b)),
        "done": [i for i in items_a if i not in items_b],
        "new": [i for i in items_b if i not in items_a],
    }
    return out


def _v(value: Any) -> str:
    return "n/a" if value is None else str(value)


def render_diff_markdown(diff: dict[str, Any]) -> str:
    o = diff["overall"]
    lines = [
        f"# Changes from {diff['from']} to {diff['to']}",
        "",
        f"Overall level {_v(o['level'][0])} -> {_v(o['level'][1])} (score {_v(o['score'][0])} -> {_v(o['score'][1])}); "
        f"evidenced {_v(o['evidenced_level'][0])} -> {_v(o['evidenced_level'][1])}.",
    ]
    model = diff["model"]
    if model["from"] != model["to"] or model["added"] or model["removed"]:
        lines += ["", f"Model: {model['from']} -> {model['to']}."]
        if model["added"]:
            lines.append(f"Objectives added: {', '.join(model['added'])}.")
        if model["removed"]:
            lines.append(f"Objectives removed: {', '.join(model['removed'])}.")
    inv = diff["inventory"]
    if inv["added"] or inv["removed"] or inv["changed"]:
        lines += ["", "## Inventory", ""]
        lines += [f"- added {s}" for s in inv["added"]] + [f"- removed {s}" for s in inv["removed"]]
        lines += [f"- {c['system']}: {', '.join(c['fields'])} changed" for c in inv["changed"]]
    if diff["categories"]:
        lines += ["", "## Categories", "", "| Category | Level | Evidenced | Target | Gate |", "|---|---|---|---|---|"]
        for c in diff["categories"]:
            gate = " -> ".join(_v(g) for g in c["capped_by"]) if "capped_by" in c else ""
            lines.append(
                f"| {c['id']} | {_v(c['level'][0])} -> {_v(c['level'][1])} "
                f"| {_v(c['evidenced_level'][0])} -> {_v(c['evidenced_level'][1])} "
                f"| {_v(c['target_level'][0])} -> {_v(c['target_level'][1])} | {gate} |"
            )
    if diff["objectives"]:
        lines += ["", "## Objectives", "", "| Objective | Status | Why |", "|---|---|---|"]
        for x in diff["objectives"]:
            why = "; ".join(x["why"]).replace("|", "\\|")
            lines.append(f"| {x['id']} | {_v(x['status'][0])} -> {_v(x['status'][1])} | {why} |")
    if diff["gating"]:
        lines += ["", "## Deployment gating", ""]
        lines += [f"- {g['system']}: {_v(g['verdict'][0])} -> {_v(g['verdict'][1])}" for g in diff["gating"]]
    r = diff["roadmap"]
    lines += ["", f"Roadmap: {r['items'][0]} -> {r['items'][1]} items."]
    if r["done"]:
        lines.append(f"Done since: {', '.join(r['done'])}.")
    if r["new"]:
        lines.append(f"New on the roadmap: {', '.join(r['new'])}.")
    return "\n".join(lines) + "\n"


def render_diff_json(diff: dict[str, Any]) -> str:
    return json.dumps(diff, indent=2, ensure_ascii=False) + "\n"
