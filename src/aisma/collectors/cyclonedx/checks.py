"""What an ML-BOM records about one model component: provenance, source, artifact safety, datasets.

Field names follow CycloneDX 1.6 (``hashes``, ``supplier``, ``publisher``, ``externalReferences``
with their ``type``, ``signature``, nested ``components``, ``modelCard.modelParameters.datasets``
and ``vulnerabilities[].affects`` / ``analysis.state``). The rules are the metric catalog's;
where they read a field choice, the choice is named here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

MODEL_TYPE = "machine-learning-model"
ARTIFACT_REFS = frozenset({"distribution", "distribution-intake"})
SOURCE_REFS = frozenset({"distribution", "vcs"})
# A model used only through a provider API has no download location; its provider's page is its source.
API_SOURCE_REFS = frozenset({"documentation", "model-card"})
SCAN_REFS = frozenset({"static-analysis-report", "component-analysis-report"})
SIGNATURE_REFS = frozenset({"digital-signature", "attestation"})
STRONG_HASHES = frozenset(
    {"SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512", "BLAKE2B-256", "BLAKE2B-384", "BLAKE2B-512"}
    | {"BLAKE3"}
)
OPEN_STATES = frozenset({"exploitable", "in_triage", ""})
# Files shipped with a model that hold no weights (configuration, documentation).
NON_WEIGHT_SUFFIXES = frozenset({".json", ".txt", ".md", ".yaml", ".yml", ".csv", ".jinja"})
# File name endings recognized as model weights in a distribution URL.
WEIGHT_SUFFIXES = frozenset(
    {".safetensors", ".gguf", ".ggml", ".bin", ".pt", ".pth", ".pkl", ".pickle", ".joblib", ".dill", ".ckpt"}
    | {".h5", ".hdf5", ".keras", ".pb", ".onnx", ".tflite", ".npy", ".npz", ".mar", ".msgpack", ".sav"}
    | {".mlmodel", ".llamafile", ".nemo", ".pte", ".zip", ".tar", ".gz"}
)


@dataclass
class BomIndex:
    """Pass one over a BOM: what model checks look up elsewhere in the same file."""

    data: dict[str, bool] = field(default_factory=dict)  # bom-ref of a data component -> documented
    open_refs: set[str] = field(default_factory=set)  # bom-refs named by an open vulnerability
    closed: int = 0  # affects entries whose analysis says resolved, false positive or not affected

    def vulnerability(self, raw: Mapping[str, Any]) -> None:
        analysis = raw.get("analysis")
        state = _text(analysis.get("state")) if isinstance(analysis, Mapping) else ""
        for affected in _list(raw.get("affects")):
            ref = _text(affected.get("ref")).rsplit("#", 1)[-1] if isinstance(affected, Mapping) else ""
            if not ref:
                continue
            if state in OPEN_STATES:
                self.open_refs.add(ref)
            else:
                self.closed += 1

    def component(self, component: Mapping[str, Any]) -> None:
        if component.get("type") == "data" and _text(component.get("bom-ref")):
            self.data[_text(component.get("bom-ref"))] = _data_component_documented(component)


@dataclass(frozen=True)
class ModelFacts:
    loadable: bool
    provenance_gap: str  # "" when provenance is recorded
    sources: tuple[str, ...]  # supplier name, publisher and distribution URLs (for the approved list)
    load_gap: str  # "" when load-safe
    signed_gap: str  # "" when signed and scanned


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def walk(component: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The component and every component nested in it, depth first, without recursion."""
    stack = [component]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed([c for c in _list(current.get("components")) if isinstance(c, Mapping)]))


def _refs(component: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (_text(r.get("type")), _text(r.get("url")))
        for r in _list(component.get("externalReferences"))
        if isinstance(r, Mapping)
    ]


def _has_source(data: Mapping[str, Any]) -> bool:
    contents = data.get("contents")
    if isinstance(contents, Mapping) and (_text(contents.get("url")) or contents.get("attachment")):
        return True
    return bool(_refs(data))


def _data_component_documented(component: Mapping[str, Any]) -> bool:
    """A ``data`` component: a source (its contents or external references) and a classification."""
    entries = [d for d in _list(component.get("data")) if isinstance(d, Mapping)]
    source = bool(_refs(component)) or any(_has_source(d) for d in entries)
    return source and any(_text(d.get("classification")) for d in entries)


def datasets(component: Mapping[str, Any], index: BomIndex) -> Iterator[tuple[str, bool, str]]:
    """(key, documented, label) for every dataset a model card lists, inline or by reference."""
    card = component.get("modelCard")
    parameters = card.get("modelParameters") if isinstance(card, Mapping) else None
    entries = parameters.get("datasets") if isinstance(parameters, Mapping) else None
    for position, entry in enumerate(_list(entries)):
        if not isinstance(entry, Mapping):
            continue
        ref = _text(entry.get("ref"))
        if ref:
            ref = ref.rsplit("#", 1)[-1]
            known = index.data.get(ref)
            label = f"dataset {ref}: " + ("no source or classification" if known is False else "no data component")
            yield f"ref:{ref}", bool(known), label
            continue
        name = _text(entry.get("name")) or f"#{position + 1} of {_text(component.get('name')) or 'a model'}"
        documented = _has_source(entry) and bool(_text(entry.get("classification")))
        yield f"inline:{name}", documented, f"dataset {name}: no source or classification"


def _weight_files(component: Mapping[str, Any], distributions: list[str]) -> list[str]:
    nested = [
        _text(c.get("name"))
        for c in list(walk(component))[1:]
        if c.get("type") == "file" and PurePosixPath(_text(c.get("name"))).suffix.lower() not in NON_WEIGHT_SUFFIXES
    ]
    if nested:
        return nested
    names = [PurePosixPath(urlparse(url).path).name for url in distributions]
    return [n for n in names if PurePosixPath(n).suffix.lower() in WEIGHT_SUFFIXES]


def model_facts(component: Mapping[str, Any], index: BomIndex, safe_formats: frozenset[str]) -> ModelFacts:
    refs = _refs(component)
    types = {kind for kind, _ in refs}
    distributions = [url for kind, url in refs if kind in ARTIFACT_REFS and url]
    has_files = any(c.get("type") == "file" for c in list(walk(component))[1:])
    loadable = bool(types & ARTIFACT_REFS) or has_files
    supplier = component.get("supplier")
    supplier_name = _text(supplier.get("name")) if isinstance(supplier, Mapping) else ""
    publisher = _text(component.get("publisher"))
    hashes = [h for h in _list(component.get("hashes")) if isinstance(h, Mapping) and _text(h.get("content"))]
    gaps = []
    if loadable and not hashes:
        gaps.append("no hash")
    if not loadable and not (hashes or _text(component.get("version"))):
        gaps.append("no hash or provider version")
    if not (supplier_name or publisher):
        gaps.append("no supplier or publisher")
    if not types & (SOURCE_REFS if loadable else SOURCE_REFS | API_SOURCE_REFS):
        gaps.append("no distribution or VCS reference" if loadable else "no distribution, VCS or provider reference")
    ref = _text(component.get("bom-ref"))
    scanned = bool(types & SCAN_REFS)
    open_finding = bool(ref) and ref in index.open_refs
    clean_scan = scanned and not open_finding
    weights = _weight_files(component, distributions)
    safe = bool(weights) and all(PurePosixPath(w).suffix.lower() in safe_formats for w in weights)
    load_gap = ""
    if not (safe or clean_scan):
        formats = ", ".join(sorted({PurePosixPath(w).suffix.lower() or w for w in weights})) or "unknown format"
        load_gap = f"weights in {formats}, " + ("open vulnerability" if open_finding else "no scan report")
    signed_gaps = []
    if not any(_text(h.get("alg")).upper() in STRONG_HASHES for h in hashes):
        signed_gaps.append("no SHA-256 or stronger hash")
    if not (component.get("signature") or types & SIGNATURE_REFS):
        signed_gaps.append("no signature")
    if not scanned:
        signed_gaps.append("no scan report")
    elif open_finding:
        signed_gaps.append("open vulnerability")
    return ModelFacts(
        loadable=loadable,
        provenance_gap=", ".join(gaps),
        sources=tuple(s for s in (supplier_name, publisher, *distributions) if s),
        load_gap=load_gap,
        signed_gap=", ".join(signed_gaps),
    )


def approved_source(facts: ModelFacts, patterns: tuple[str, ...]) -> bool:
    """A supplier name, publisher or distribution URL matches a pattern of the list (glob, any case)."""
    return any(fnmatchcase(source.casefold(), pattern.casefold()) for source in facts.sources for pattern in patterns)
