"""What a local (stdio) MCP server entry launches: a package fetched at start, a container, or a program.

Pinning matters because a launcher that fetches at start (``npx -y pkg``, ``uvx pkg``, ``docker run
image``) runs whatever the publisher ships next, so tool descriptions can change after review. A
launch is pinned when it names an exact version or digest: ``pkg@1.2.3`` for npx (and pnpm dlx,
yarn dlx, npm exec, bunx, pnpx, deno's ``npm:``/``jsr:`` specs, dnx), ``pkg==1.2.3`` or
``pkg@1.2.3`` for uvx, ``==`` for pipx and pip, ``@v1.2.3`` for ``go run``, a tag other than
``latest`` or an ``@sha256:`` digest for images. Every package a launch installs counts: ``uvx
--with extra pkg==1.0`` and ``uv run --with pkg script.py`` install ``extra`` and ``pkg`` at start,
unpinned. A program or script started directly (``uv run script.py`` runs the project's locked
environment) fetches nothing at launch and counts as pinned: what runs is what was installed.

``command`` is the executable (the MCP configuration keeps arguments in ``args``): one written as a
path (``C:\\Program Files\\nodejs\\npx.cmd``, ``/opt/My Tools/server``) is kept whole, spaces and
all; a command string that is not a path (``uv run python``) is split like a shell would.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["container", "npx", "uvx", "uv", "pipx", "pip", "go", "program"]

CONTAINER_RUNTIMES = ("docker", "podman")  # the sandboxing runtimes the metric names
_IMAGE_RUNTIMES = (*CONTAINER_RUNTIMES, "nerdctl", "finch")
_NPX = ("npx", "bunx", "pnpx", "dnx")
_DLX = ("pnpm", "yarn")  # pnpm dlx, yarn dlx
_EXACT_VERSION = re.compile(r"^v?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.\-+]+)?$")
_COMMIT = re.compile(r"[#@]([0-9a-f]{40})$")
# Options that take a value, per launcher (others are flags); "--opt=value" needs no entry here.
_DOCKER_VALUE_OPTS = frozenset(
    {
        "-e",
        "--env",
        "--env-file",
        "-v",
        "--volume",
        "--mount",
        "-p",
        "--publish",
        "--name",
        "--network",
        "--net",
        "-w",
        "--workdir",
        "-u",
        "--user",
        "--entrypoint",
        "-l",
        "--label",
        "--label-file",
        "--cpus",
        "-m",
        "--memory",
        "--platform",
        "--pull",
        "--security-opt",
        "--cap-add",
        "--cap-drop",
        "--add-host",
        "--device",
        "--tmpfs",
        "--ulimit",
        "--hostname",
        "-h",
        "--dns",
        "--ipc",
        "--pid",
        "--restart",
        "--runtime",
        "--shm-size",
        "--stop-signal",
        "--log-driver",
        "--log-opt",
        "--memory-swap",
        "--gpus",
        "--group-add",
        "--userns",
        "--cidfile",
    }
)
_NPX_VALUE_OPTS = frozenset({"-p", "--package", "-c", "--call", "--registry", "--cache", "-w", "--workspace"})
_UVX_VALUE_OPTS = frozenset(
    {
        "--from",
        "--with",
        "--with-editable",
        "--with-requirements",
        "-w",
        "-p",
        "--python",
        "--index",
        "--index-url",
        "--extra-index-url",
        "--default-index",
        "-f",
        "--find-links",
        "--env-file",
        "--directory",
        "--project",
        "--cache-dir",
        "--config-file",
        "-c",
        "--constraints",
        "--overrides",
        "--build-constraints",
        "--python-platform",
        "--color",
        "--allow-insecure-host",
        "--keyring-provider",
        "--index-strategy",
        "--resolution",
        "--prerelease",
        "--exclude-newer",
        "--link-mode",
    }
)
_PIPX_VALUE_OPTS = frozenset({"--spec", "--python", "--pip-args", "--index-url", "-i", "--backend"})


@dataclass(frozen=True)
class Launch:
    kind: Kind
    spec: str | None  # package spec or image reference, as written
    name: str | None  # package or image name without version, tag or digest
    pinned: bool
    why: str  # why it is not pinned; empty when pinned
    sandboxed: bool
    program: str  # the first token: the launcher or program


_PATH_LIKE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\|/|~[/\\]|\.{1,2}[/\\])")


def tokens_of(command: str | None, args: Sequence[str]) -> list[str]:
    """The command line as tokens: a command written as a path is one token, spaces and all; a command
    string with spaces that is not a path ("uv run python") is split like a shell."""
    head: list[str] = []
    if command and (_PATH_LIKE.match(command.strip()) or not any(ch in command for ch in " \t'\"\\")):
        head = [command.strip()]
    elif command:
        try:
            head = shlex.split(command)
        except ValueError:
            head = command.split()
    return [*head, *args]


def _base(token: str) -> str:
    name = token.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].casefold()
    for suffix in (".exe", ".cmd", ".bat"):
        name = name.removesuffix(suffix)
    return name


def _positional(tokens: Sequence[str], value_opts: frozenset[str]) -> tuple[int | None, dict[str, str]]:
    """Index of the first positional token, and the options before it."""
    options: dict[str, str] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "--":  # noqa: S105 - the end of options, not a password
            return (index + 1 if index + 1 < len(tokens) else None), options
        if not token.startswith("-") or token == "-":  # noqa: S105
            return index, options
        name, equals, value = token.partition("=")
        if not equals and name in value_opts and index + 1 < len(tokens):
            options[name] = tokens[index + 1]
            index += 2
            continue
        options[name] = value
        index += 1
    return None, options


def _image(tokens: Sequence[str]) -> tuple[str | None, str | None, bool, str]:
    position, _ = _positional(tokens, _DOCKER_VALUE_OPTS)
    if position is None:
        return None, None, False, "no image in the run command"
    image = tokens[position]
    if "@sha256:" in image:
        return image, image.split("@", 1)[0], True, ""
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return image, image, False, "image without a tag"
    name = image[: len(image) - len(last)] + last.split(":", 1)[0]
    if last.split(":", 1)[1].casefold() == "latest":
        return image, name, False, "image tag latest"
    return image, name, True, ""


def _npm_spec(spec: str) -> tuple[str, str | None]:
    """(package name, version or None) of an npm spec: pkg, pkg@1.2.3, @scope/pkg@^1."""
    at = spec.find("@", 1)
    return (spec, None) if at == -1 else (spec[:at], spec[at + 1 :])


def _npx(tokens: Sequence[str]) -> tuple[str | None, str | None, bool, str]:
    position, options = _positional(tokens, _NPX_VALUE_OPTS)
    spec = options.get("-p") or options.get("--package") or (tokens[position] if position is not None else None)
    if not spec:
        return None, None, False, "no package named"
    if spec.startswith((".", "/", "~", "file:")):
        return spec, spec, True, ""
    if spec.startswith(("github:", "git+", "git:", "http:", "https:")) or ("/" in spec and not spec.startswith("@")):
        pinned = bool(_COMMIT.search(spec))
        return spec, spec, pinned, "" if pinned else "source without a commit"
    name, version = _npm_spec(spec)
    if version is None:
        return spec, name, False, "no exact version"
    if _EXACT_VERSION.match(version):
        return spec, name, True, ""
    return spec, name, False, f"version {version} is not exact"


def _python_spec(spec: str, allow_at: bool) -> tuple[str, bool, str]:
    """(name, pinned, why) of a Python requirement: pkg==1.2.3 (or pkg@1.2.3 for uvx)."""
    if spec.startswith(("git+", "http:", "https:")):
        pinned = bool(_COMMIT.search(spec))
        return spec, pinned, "" if pinned else "source without a commit"
    if "==" in spec:
        name, version = spec.split("==", 1)
        exact = bool(_EXACT_VERSION.match(version.strip())) and "," not in version
        return name.strip(), exact, "" if exact else f"version =={version} is not exact"
    if allow_at and "@" in spec:
        name, version = spec.split("@", 1)
        exact = bool(_EXACT_VERSION.match(version.strip()))
        return name.strip(), exact, "" if exact else f"version @{version} is not exact"
    name = re.split(r"[<>=!~\[;@ ]", spec, maxsplit=1)[0]
    return name, False, "no exact version"


def _package(
    tokens: Sequence[str], value_opts: frozenset[str], spec_opts: Sequence[str], allow_at: bool
) -> tuple[str | None, str | None, bool, str]:
    position, options = _positional(tokens, value_opts)
    spec = next((options[o] for o in spec_opts if options.get(o)), None) or (
        tokens[position] if position is not None else None
    )
    if not spec:
        return None, None, False, "no package named"
    name, pinned, why = _python_spec(spec, allow_at)
    return spec, name, pinned, why


def _launcher(tokens: list[str]) -> tuple[Kind, list[str]] | None:
    """The launcher kind and its arguments, when the tokens start with one."""
    exe = _base(tokens[0])
    rest = tokens[1:]
    if exe in _IMAGE_RUNTIMES:
        if rest[:1] == ["run"] or rest[:2] == ["container", "run"]:
            return "container", rest[rest.index("run") + 1 :]
        return None
    if exe in _NPX:
        return "npx", rest
    if (exe in _DLX and rest[:1] == ["dlx"]) or (exe == "npm" and rest[:1] == ["exec"]):
        return "npx", rest[1:]
    if exe == "uvx":
        return "uvx", rest
    if exe == "uv" and rest[:2] == ["tool", "run"]:
        return "uvx", rest[2:]
    if exe == "uv" and rest[:1] == ["run"] and _extras(rest[1:])[0]:
        return "uv", rest[1:]  # without --with, uv run starts the project's locked environment: a program
    if exe == "deno" and rest[:1] in (["run"], ["x"]) and _deno_package(rest[1:]):
        return "npx", [_deno_spec(t) for t in rest[1:]]
    if exe == "go" and rest[:1] == ["run"]:
        return "go", rest[1:]
    if exe == "pipx" and rest[:1] == ["run"]:
        return "pipx", rest[1:]
    if exe in ("pip", "pip3") and rest[:1] == ["install"]:
        return "pip", rest[1:]
    if exe.startswith("python") and rest[:3] == ["-m", "pip", "install"]:
        return "pip", rest[3:]
    return None


def _unwrap(tokens: list[str], wrappers: Sequence[str]) -> tuple[list[str], bool]:
    """Drop shells and sandbox wrappers in front of the real command; True when a sandbox wrapper was seen."""
    sandboxed = False
    names = {w.casefold() for w in wrappers}
    while tokens:
        exe = _base(tokens[0])
        if exe == "cmd" and len(tokens) > 2 and tokens[1].casefold() == "/c":
            tokens = tokens[2:]
        elif exe == "env":
            tokens = tokens[1:]
            while tokens and (tokens[0].startswith("-") or "=" in tokens[0]):
                tokens = tokens[1:]
        elif exe in names:
            sandboxed = True
            inner = next((i for i in range(1, len(tokens)) if _launcher(tokens[i:])), None)
            if inner is None:
                return tokens, True
            tokens = tokens[inner:]
        else:
            break
    return tokens, sandboxed


def launch_of(command: str | None, args: Sequence[str], sandbox_wrappers: Sequence[str] = ()) -> Launch:
    """Classify a stdio server's command line."""
    tokens, wrapped = _unwrap(tokens_of(command, args), sandbox_wrappers)
    if not tokens:
        return Launch("program", None, None, False, "no command", wrapped, "")
    program = tokens[0]
    found = _launcher(tokens)
    if found is None:
        return Launch("program", None, None, True, "", wrapped, program)
    kind, rest = found
    if kind == "container":
        spec, name, pinned, why = _image(rest)
        sandboxed = _base(program) in CONTAINER_RUNTIMES or wrapped
        return Launch(kind, spec, name, pinned, why, sandboxed, program)
    if kind == "npx":
        spec, name, pinned, why = _npx(rest)
    elif kind == "uvx":
        spec, name, pinned, why = _package(rest, _UVX_VALUE_OPTS, ("--from",), allow_at=True)
        spec, pinned, why = _with_extras(rest, spec, pinned, why)
    elif kind == "uv":
        spec, name, pinned, why = _uv_run(rest)
    elif kind == "go":
        spec, name, pinned, why = _go_run(rest)
    elif kind == "pipx":
        spec, name, pinned, why = _package(rest, _PIPX_VALUE_OPTS, ("--spec",), allow_at=False)
    else:
        spec, name, pinned, why = _pip(rest)
    return Launch(kind, spec, name, pinned, why, wrapped, program)


def _pip(rest: Sequence[str]) -> tuple[str | None, str | None, bool, str]:
    packages = [t for t in rest if not t.startswith("-")]
    if not packages:
        return None, None, False, "no package named"
    results = [_python_spec(p, allow_at=False) for p in packages]
    loose = [p for p, (_, pinned, _) in zip(packages, results, strict=True) if not pinned]
    why = f"{', '.join(loose)} without =="
    return " ".join(packages), results[0][0], not loose, "" if not loose else why


def _options(tokens: Sequence[str], value_opts: frozenset[str], name: str) -> list[str]:
    """Every value of the option ``name`` before the first positional token (``--with a --with b``)."""
    values: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "--" or not token.startswith("-"):  # noqa: S105 - the end of options, not a password
            break
        option, equals, value = token.partition("=")
        if not equals and option in value_opts and index + 1 < len(tokens):
            value = tokens[index + 1]
            index += 1
        if option == name:
            values.extend(v.strip() for v in value.split(",") if v.strip())
        index += 1
    return values


def _extras(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """The packages ``--with`` installs at start (a comma list or repeated), and those not pinned."""
    extras = _options(tokens, _UVX_VALUE_OPTS, "--with") + [
        f"-r {r}" for r in _options(tokens, _UVX_VALUE_OPTS, "--with-requirements")
    ]
    loose = [e for e in extras if e.startswith("-r ") or not _python_spec(e, allow_at=True)[1]]
    return extras, loose


def _with_extras(tokens: Sequence[str], spec: str | None, pinned: bool, why: str) -> tuple[str | None, bool, str]:
    extras, loose = _extras(tokens)
    if not loose:
        return spec, pinned, why
    shown = " ".join([*(f"--with {e}" for e in extras), spec or ""]).strip()
    also = f"--with {', '.join(loose)} installed at start without an exact version"
    return shown, False, f"{why}; {also}" if why else also


def _uv_run(rest: Sequence[str]) -> tuple[str | None, str | None, bool, str]:
    """``uv run``: the project's locked environment, plus whatever ``--with`` installs at start."""
    extras, loose = _extras(rest)
    position, _ = _positional(rest, _UVX_VALUE_OPTS)
    target = rest[position] if position is not None else None
    if not extras:
        return None, None, True, ""  # runs what the project's lock installed: nothing fetched at start
    spec = " ".join([*(f"--with {e}" for e in extras), target or ""]).strip()
    name = extras[0].split("==", 1)[0].split("@", 1)[0] if extras else target
    if loose:
        return spec, name, False, f"--with {', '.join(loose)} installed at start without an exact version"
    return spec, name, True, ""


def _deno_package(tokens: Sequence[str]) -> bool:
    """deno runs a package fetched at start (``npm:``, ``jsr:``, a URL), not a local script."""
    position = next((i for i, t in enumerate(tokens) if not t.startswith("-")), None)
    return position is not None and tokens[position].startswith(("npm:", "jsr:", "http:", "https:"))


def _deno_spec(token: str) -> str:
    """``npm:pkg@1.2.3`` and ``jsr:@scope/pkg@1`` as an npm-style spec; other tokens unchanged."""
    for prefix in ("npm:", "jsr:"):
        if token.startswith(prefix):
            return token[len(prefix) :]
    return token


def _go_run(rest: Sequence[str]) -> tuple[str | None, str | None, bool, str]:
    """``go run module/cmd@v1.2.3`` fetches that version; ``@latest`` or a branch floats; a local package
    is built from the checked-out source."""
    packages = [t for t in rest if not t.startswith("-")]
    if not packages:
        return None, None, False, "no package named"
    spec = packages[0]
    if "@" not in spec:
        return spec, spec, True, ""  # a package of the local module: built from the checked-out source
    name, version = spec.rsplit("@", 1)
    exact = bool(_EXACT_VERSION.match(version)) or bool(re.fullmatch(r"[0-9a-f]{40}", version))
    return spec, name, exact, "" if exact else f"version {version} is not exact"
