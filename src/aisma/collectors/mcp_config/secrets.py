"""Literal secrets in an MCP server entry: tokens, keys and passwords pasted into the configuration.

Client configurations sit in home folders and repositories, readable by every extension and often
committed, so a literal token there is exposed. A value counts as a literal secret when it has the
shape of a known credential (``ghp_``, ``sk-``, ``xoxb-``, ``AKIA`` ...), is a long high-entropy
string, is the literal value of a setting whose name says secret (``API_KEY``, ``--token``), is a
literal credential after ``Authorization: Bearer``, or is a password inside a URL. References that a
client resolves at launch (``${env:VAR}``, ``${VAR}``, ``$VAR``, ``${input:id}``, ``op://...``) and
obvious placeholders (``<your-token>``) are not secrets. Only where a secret sits is reported, never
the value.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_KNOWN = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}|glpat-[A-Za-z0-9_\-]{20,}"
    r"|sk-[A-Za-z0-9_\-]{20,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|xox[abposr]-[A-Za-z0-9\-]{10,}|xapp-[A-Za-z0-9\-]{10,}"
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}|AIza[0-9A-Za-z_\-]{35}|ya29\.[0-9A-Za-z_\-]{20,}"
    r"|npm_[A-Za-z0-9]{36}|pypi-AgE[A-Za-z0-9_\-]{50,}|hf_[A-Za-z0-9]{30,}"
    r"|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}|SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}|dapi[a-f0-9]{32}"
    r"|lin_api_[A-Za-z0-9]{30,}|ntn_[A-Za-z0-9]{30,}|sntrys_[A-Za-z0-9]{30,}"
    r"|eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"
    r"|-----BEGIN[A-Z ]*PRIVATE KEY-----"
    r")"
)
# References a client resolves at launch: ${env:X} ${X} ${input:x} $X %X% {{x}} op://vault/item
_REFERENCE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%|\{\{[^}]*\}\}|op://\S+")
_PLACEHOLDER = re.compile(
    r"^<.*>$|^\[.*\]$|your|here|xxxx|placeholder|example|changeme|change_me|redacted|replace|dummy|\*\*\*|todo",
    re.IGNORECASE,
)
_SECRET_NAME = re.compile(
    r"token|secret|passw(?:or)?d|passwd|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential"
    r"|auth(?!or)|bearer|session|cookie|signature",
    re.IGNORECASE,
)
# Names that say secret but hold where the secret is, or something next to it.
_NOT_SECRET_NAME = re.compile(
    r"(?:file|path|dir|url|uri|host|endpoint|user|username|name|id|type|mode|header|region|scopes?|expiry|ttl"
    r"|provider|method|enabled|required|helper|env|var)$",
    re.IGNORECASE,
)
_HIGH_ENTROPY = re.compile(r"(?<![A-Za-z0-9_\-+=.])[A-Za-z0-9_\-+=]{32,}(?![A-Za-z0-9_\-+=])")
_AUTH_SCHEME = re.compile(r"^(?:bearer|basic|token|apikey|api-key)\s+", re.IGNORECASE)
MIN_SECRET_LENGTH = 8
MIN_ENTROPY = 4.0


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _high_entropy(text: str) -> bool:
    for match in _HIGH_ENTROPY.finditer(text):
        token = match.group(0)
        mixed = any(c.isupper() for c in token) and any(c.islower() for c in token) and any(c.isdigit() for c in token)
        if mixed and _entropy(token) >= MIN_ENTROPY:
            return True
    return False


def _literal(value: str) -> str:
    """What is left of a value once launch-time references are removed."""
    return _REFERENCE.sub("", value).strip()


def looks_secret(value: str) -> bool:
    """A known credential format or a long high-entropy string, outside any reference."""
    rest = _literal(value)
    return bool(rest) and (bool(_KNOWN.search(rest)) or _high_entropy(rest))


def secret_name(name: str) -> bool:
    stripped = name.strip().lstrip("-")
    return bool(_SECRET_NAME.search(stripped)) and not _NOT_SECRET_NAME.search(stripped)


def literal_value(value: str) -> bool:
    """A value that is itself a credential, not a reference, path, URL or placeholder."""
    rest = _AUTH_SCHEME.sub("", _literal(value)).strip()
    if len(rest) < MIN_SECRET_LENGTH or any(ch.isspace() for ch in rest):
        return False
    if rest.startswith(("/", "~", "./", "../", "file:")) or "://" in rest or _PLACEHOLDER.search(rest):
        return False
    return rest.casefold() not in ("true", "false", "null", "none")


def _url_secret(url: str) -> str | None:
    try:
        parts = urlsplit(_literal(url))
        password = parts.password
    except ValueError:
        return None
    if password and literal_value(password):
        return "password in the URL"
    for key, value in parse_qsl(parts.query):
        if (secret_name(key) and literal_value(value)) or looks_secret(value):
            return f"URL parameter {key}"
    return None


def _arg_secrets(args: Sequence[str]) -> Iterable[str]:
    for index, arg in enumerate(args):
        flag, equals, inline = arg.partition("=")
        if looks_secret(arg):
            yield f"args[{index}]"
        elif "://" in arg and (found := _url_secret(arg)):
            yield f"args[{index}] ({found})"
        elif equals and secret_name(flag) and literal_value(inline):
            yield f"args[{index}] ({flag.lstrip('-')})"
        elif (
            flag.startswith("-")
            and not equals
            and secret_name(flag)
            and index + 1 < len(args)
            and literal_value(args[index + 1])
            and not args[index + 1].startswith("-")
        ):
            yield f"args[{index + 1}] (value of {flag})"


def _mapping_secrets(kind: str, values: Mapping[str, Any]) -> Iterable[str]:
    for name, raw in values.items():
        if not isinstance(raw, str):
            continue
        authorization = kind == "header" and name.casefold() in ("authorization", "proxy-authorization")
        if looks_secret(raw) or ((authorization or secret_name(name)) and literal_value(raw)):
            yield f"{kind} {name}"
        elif "://" in raw and (found := _url_secret(raw)):
            yield f"{kind} {name} ({found})"


def _strings(entry: Mapping[str, Any]) -> Iterable[str]:
    for key in ("env", "headers"):
        values = entry.get(key)
        if isinstance(values, Mapping):
            for name, value in values.items():
                yield str(name)
                yield str(value)
    args = entry.get("args")
    if isinstance(args, list):
        yield from (str(a) for a in args)
    for key in ("command", "url", "serverUrl", "httpUrl"):
        value = entry.get(key)
        if isinstance(value, str):
            yield value


def _may_hold_secret(text: str) -> bool:
    """A cheap first look over all of an entry's strings: most entries hold nothing that could be a secret."""
    return bool(
        _KNOWN.search(text)
        or _HIGH_ENTROPY.search(text)
        or _SECRET_NAME.search(text)
        or ("://" in text and ("@" in text or "?" in text))
    )


def entry_secrets(entry: Mapping[str, Any]) -> list[str]:
    """Where a server entry holds literal secrets: env values, args, header values, the command, the URL."""
    if not _may_hold_secret("\n".join(_strings(entry))):
        return []
    found: list[str] = []
    env = entry.get("env")
    if isinstance(env, Mapping):
        found.extend(_mapping_secrets("env", env))
    headers = entry.get("headers")
    if isinstance(headers, Mapping):
        found.extend(_mapping_secrets("header", headers))
    args = entry.get("args")
    if isinstance(args, list):
        found.extend(_arg_secrets([str(a) for a in args]))
    command = entry.get("command")
    if isinstance(command, str) and (looks_secret(command) or list(_arg_secrets(command.split()))):
        found.append("command")
    for key in ("url", "serverUrl", "httpUrl"):
        url = entry.get(key)
        if not isinstance(url, str):
            continue
        if looks_secret(url):
            found.append(key)
        elif where := _url_secret(url):
            found.append(f"{key} ({where})")
    return found
