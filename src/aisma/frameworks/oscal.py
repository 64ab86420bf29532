"""OSCAL catalogs and profiles (JSON or XML) read into a ``Framework``.

A bounded reader of our own rather than compliance-trestle: trestle reads OSCAL JSON and YAML but not
XML, and it would make the CLI core need the ``oscal`` extra to read a catalog. We need only ids,
titles, statement prose and the group/control hierarchy, so we walk exactly those and ignore the rest.
Bounds: the file size (``MAX_OSCAL_BYTES``), the nesting of groups and controls (``MAX_DEPTH``) and the
number of controls (``MAX_CONTROLS``); XML goes through defusedxml (no DTDs, entities or external
references).

A requirement id is the OSCAL ``id`` (``ac-2``, ``ac-2.1``); its title starts with the control's
``label`` prop when there is one (``AC-2 Account Management``). A profile selects controls of the
catalog its ``import`` points at (a file beside the profile, or a back-matter resource whose rlink is
such a file); a remote catalog must be downloaded first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from aisma.errors import InputError
from aisma.frameworks.model import Framework, Requirement

MAX_OSCAL_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 16
MAX_CONTROLS = 20_000
MAX_TEXT = 4_000
NS = "{http://csrc.nist.gov/ns/oscal/1.0}"
_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*[^}]*\}\}")


@dataclass
class _Walk:
    path: Path
    items: list[Requirement] = field(default_factory=list)

    def add(self, item: Requirement) -> None:
        if len(self.items) >= MAX_CONTROLS:
            raise InputError(self.path, None, f"more than {MAX_CONTROLS} groups and controls; not read")
        self.items.append(item)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_OSCAL_BYTES:
            raise InputError(path, None, f"file is {size} bytes; at most {MAX_OSCAL_BYTES} are read")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from None


def _clip(text: str) -> str:
    text = " ".join(_INSERT.sub("[assignment]", text).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


# --- JSON -------------------------------------------------------------------------------------------


def _json_prose(parts: Any, depth: int = 0) -> list[str]:
    out: list[str] = []
    if not isinstance(parts, list) or depth > MAX_DEPTH:
        return out
    for part in parts:
        if isinstance(part, dict) and part.get("name") in ("statement", "item"):
            if isinstance(part.get("prose"), str):
                out.append(part["prose"])
            out.extend(_json_prose(part.get("parts"), depth + 1))
    return out


def _label(props: Any) -> str:
    for p in props if isinstance(props, list) else ():
        if isinstance(p, dict) and p.get("name") == "label" and isinstance(p.get("value"), str):
            return str(p["value"])
    return ""


def _json_node(walk: _Walk, node: Any, kind: str, parent: str | None, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InputError(walk.path, None, f"groups and controls nest deeper than {MAX_DEPTH}")
    if not isinstance(node, dict) or not isinstance(node.get("id"), str) or not isinstance(node.get("title"), str):
        if kind == "group" and isinstance(node, dict) and "id" not in node:  # groups may lack an id
            node = {**node, "id": f"group-{len(walk.items) + 1}"}
        else:
            raise InputError(walk.path, None, f"a {kind} under {parent or 'the catalog'} lacks an id or title")
    label = _label(node.get("props"))
    title = f"{label} {node['title']}" if label else node["title"]
    walk.add(
        Requirement(
            id=node["id"], title=title, text=_clip(" ".join(_json_prose(node.get("parts")))), parent=parent, kind=kind
        )
    )
    for child in node.get("groups") or ():
        _json_node(walk, child, "group", node["id"], depth + 1)
    for child in node.get("controls") or ():
        _json_node(walk, child, "control", node["id"], depth + 1)


def _json_catalog(path: Path, catalog: dict[str, Any]) -> tuple[str, str, list[Requirement]]:
    walk = _Walk(path)
    for group in catalog.get("groups") or ():
        _json_node(walk, group, "group", None, 0)
    for control in catalog.get("controls") or ():
        _json_node(walk, control, "control", None, 0)
    found = catalog.get("metadata")
    metadata: dict[str, Any] = found if isinstance(found, dict) else {}
    return str(metadata.get("title") or path.name), str(metadata.get("version") or ""), walk.items


# --- XML --------------------------------------------------------------------------------------------


def _text(element: Element | None, depth: int = 0) -> str:
    """Text of an element with each parameter ``insert`` shown as ``[assignment]`` (as the JSON reads)."""
    if element is None or depth > MAX_DEPTH:
        return ""
    pieces = [element.text or ""]
    for child in element:
        pieces.append("[assignment]" if child.tag == f"{NS}insert" else _text(child, depth + 1))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _xml_prose(element: Element, depth: int = 0) -> list[str]:
    out: list[str] = []
    if depth > MAX_DEPTH:
        return out
    for part in element.findall(f"{NS}part"):
        if part.get("name") in ("statement", "item"):
            out.extend(_text(p) for p in part.findall(f"{NS}p"))
            out.extend(_xml_prose(part, depth + 1))
    return out


def _xml_node(walk: _Walk, node: Element, kind: str, parent: str | None, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InputError(walk.path, None, f"groups and controls nest deeper than {MAX_DEPTH}")
    node_id = node.get("id") or (f"group-{len(walk.items) + 1}" if kind == "group" else None)
    title = node.find(f"{NS}title")
    if node_id is None or title is None:
        raise InputError(walk.path, None, f"a {kind} under {parent or 'the catalog'} lacks an id or title")
    label = next((p.get("value", "") for p in node.findall(f"{NS}prop") if p.get("name") == "label"), "")
    name = " ".join(_text(title).split())
    walk.add(
        Requirement(
            id=node_id,
            title=f"{label} {name}" if label else name,
            text=_clip(" ".join(_xml_prose(node))),
            parent=parent,
            kind=kind,
        )
    )
    for child in node.findall(f"{NS}group"):
        _xml_node(walk, child, "group", node_id, depth + 1)
    for child in node.findall(f"{NS}control"):
        _xml_node(walk, child, "control", node_id, depth + 1)


def _xml_root(path: Path) -> Element:
    try:
        root: Element = SafeET.fromstring(_read_bytes(path))
    except DefusedXmlException as exc:
        raise InputError(path, None, f"refused XML construct ({type(exc).__name__})") from None
    except SafeET.ParseError as exc:
        raise InputError(path, exc.position[0], f"not well-formed XML: {exc.msg}") from None
    return root


def _xml_catalog(path: Path, root: Element) -> tuple[str, str, list[Requirement]]:
    walk = _Walk(path)
    for group in root.findall(f"{NS}group"):
        _xml_node(walk, group, "group", None, 0)
    for control in root.findall(f"{NS}control"):
        _xml_node(walk, control, "control", None, 0)
    metadata = root.find(f"{NS}metadata")
    title = _text(metadata.find(f"{NS}title")) if metadata is not None else ""
    version = _text(metadata.find(f"{NS}version")) if metadata is not None else ""
    return " ".join(title.split()) or path.name, version, walk.items


# --- profiles ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Import:
    href: str
    include_all: bool
    with_ids: frozenset[str]
    exclude_ids: frozenset[str]


def _catalog_file(path: Path, href: str, resources: dict[str, str]) -> Path:
    if href.startswith("#"):
        rlink = resources.get(href[1:])
        if rlink is None:
            raise InputError(path, None, f"import href {href}: no back-matter resource with that uuid and an rlink")
        href = rlink
    if "://" in href:
        local = path.parent / Path(href.rsplit("/", 1)[-1])
        if local.is_file():
            return local
        raise InputError(path, None, f"import href {href}: remote catalog; download it beside the profile")
    target = (path.parent / href).resolve()
    if not target.is_file():
        beside = path.parent / Path(href).name
        if beside.is_file():
            return beside
        raise InputError(path, None, f"import href {href}: no such catalog file")
    return target


def _select(items: list[Requirement], imports: list[_Import]) -> list[Requirement]:
    """Included controls, their enhancements only when named, and the groups that hold them."""
    chosen: set[str] = set()
    for imp in imports:
        for item in items:
            if item.kind == "control" and (imp.include_all or item.id in imp.with_ids):
                chosen.add(item.id)
        chosen -= imp.exclude_ids
    by_id = {i.id: i for i in items}
    keep = set(chosen)
    for item_id in chosen:
        parent = by_id[item_id].parent
        while parent is not None and parent not in keep:
            keep.add(parent)
            parent = by_id[parent].parent if parent in by_id else None
    return [i for i in items if i.id in keep]


def _json_imports(profile: dict[str, Any]) -> tuple[list[_Import], dict[str, str]]:
    imports = []
    for imp in profile.get("imports") or ():
        with_ids: set[str] = set()
        for inc in imp.get("include-controls") or ():
            with_ids.update(str(i) for i in inc.get("with-ids") or ())
        exclude: set[str] = set()
        for exc in imp.get("exclude-controls") or ():
            exclude.update(str(i) for i in exc.get("with-ids") or ())
        imports.append(_Import(str(imp.get("href", "")), "include-all" in imp, frozenset(with_ids), frozenset(exclude)))
    resources = {}
    for res in (profile.get("back-matter") or {}).get("resources") or ():
        links = [r.get("href") for r in res.get("rlinks") or () if isinstance(r.get("href"), str)]
        preferred = [h for h in links if h.endswith(".json")] or [h for h in links if h.endswith(".xml")] or links
        if preferred and isinstance(res.get("uuid"), str):
            resources[res["uuid"]] = preferred[0]
    return imports, resources


def _with_ids(imp: Element, tag: str) -> set[str]:
    return {_text(w).strip() for sel in imp.findall(f"{NS}{tag}") for w in sel.findall(f"{NS}with-id")}


def _xml_imports(root: Element) -> tuple[list[_Import], dict[str, str]]:
    imports = []
    for imp in root.findall(f"{NS}import"):
        with_ids = {
            _text(w).strip() for inc in imp.findall(f"{NS}include-controls") for w in inc.findall(f"{NS}with-id")
        }
        exclude = {
            _text(w).strip() for exc in imp.findall(f"{NS}exclude-controls") for w in exc.findall(f"{NS}with-id")
        }
        imports.append(
            _Import(
                imp.get("href", ""), imp.find(f"{NS}include-all") is not None, frozenset(with_ids), frozenset(exclude)
            )
        )
    resources = {}
    back = root.find(f"{NS}back-matter")
    for res in back.findall(f"{NS}resource") if back is not None else ():
        links = [r.get("href", "") for r in res.findall(f"{NS}rlink")]
        preferred = [h for h in links if h.endswith(".xml")] or [h for h in links if h.endswith(".json")] or links
        if preferred and res.get("uuid"):
            resources[res.get("uuid", "")] = preferred[0]
    return imports, resources


# --- entry ------------------------------------------------------------------------------------------


def load_oscal(
    path: Path,
    framework_id: str | None = None,
    _depth: int = 0,
    *,
    catalog: Path | None = None,
    follow_imports: bool = True,
) -> Framework:
    """A catalog or a profile (resolved against its catalog) as a framework named after the file.

    ``catalog``: the file every import of a profile resolves to, whatever its href says (the server
    receives a profile and its catalog as two uploads, not as files side by side). ``follow_imports``
    False: a profile without ``catalog`` is refused rather than resolved through its hrefs, so an
    upload can never make the server read a file of its own (an href may name any path)."""
    if _depth > 3:
        raise InputError(path, None, "profiles import profiles more than 3 deep; not followed")
    kind, title, version = "", "", ""
    items: list[Requirement] = []
    imports: list[_Import] = []
    resources: dict[str, str] = {}
    if path.suffix.lower() == ".xml":
        root = _xml_root(path)
        kind = root.tag.removeprefix(NS)
        if kind == "catalog":
            title, version, items = _xml_catalog(path, root)
        elif kind == "profile":
            metadata = root.find(f"{NS}metadata")
            title = " ".join(_text(metadata.find(f"{NS}title") if metadata is not None else None).split())
            imports, resources = _xml_imports(root)
    else:
        try:
            data = json.loads(_read_bytes(path))
        except (ValueError, RecursionError) as exc:
            raise InputError(
                path, getattr(exc, "lineno", None), f"not valid JSON: {getattr(exc, 'msg', exc)}"
            ) from None
        if isinstance(data, dict) and isinstance(data.get("catalog"), dict):
            kind = "catalog"
            title, version, items = _json_catalog(path, data["catalog"])
        elif isinstance(data, dict) and isinstance(data.get("profile"), dict):
            kind = "profile"
            title = str((data["profile"].get("metadata") or {}).get("title") or path.name)
            imports, resources = _json_imports(data["profile"])
    if kind == "profile":
        if not imports:
            raise InputError(path, None, "the profile imports nothing")
        if catalog is None and not follow_imports:
            raise InputError(path, None, "a profile needs the catalog it imports: give it as the catalog file too")
        sources = {catalog or _catalog_file(path, imp.href, resources) for imp in imports}
        base: list[Requirement] = []
        for source in sorted(sources):
            base.extend(load_oscal(source, _depth=_depth + 1).requirements)
        items = _select(base, imports)
    elif kind != "catalog":
        raise InputError(path, 1, "expected an OSCAL catalog or profile (a top-level catalog or profile object)")
    if not any(i.kind == "control" for i in items):
        raise InputError(path, None, f"the {kind} holds no controls")
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(path, None, f"id {dup} is used twice")
    return Framework(
        id=framework_id or path.stem,
        title=title or path.name,
        version=version,
        source=f"OSCAL {kind} {path.name}",
        license="as stated by the file's publisher (see its metadata); NIST publications are public domain",
        requirements=tuple(items),
        origin=str(path),
    )
