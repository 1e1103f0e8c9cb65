"""The project's one set of versions (uv.lock) read for Lambda.

`make` installs the venv from uv.lock (`uv sync --locked`); the Lambda packages must carry the same
versions, so infra/packaging.py asks this module which locked distributions a set of requirements
needs on Lambda's platform and hands pip hash-pinned lines (`name==version --hash=sha256:...`, pip's
hash-checking mode). Nothing here resolves: a version missing from the lock is an error, never a
fresh pick from the index.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import Marker, default_environment
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "uv.lock"
PROJECT = "tfc"

# Lambda's python3.11 runtime, as PEP 508 environment markers see it (x86_64, Amazon Linux 2).
LAMBDA_ENV: dict[str, str] = {k: str(v) for k, v in default_environment().items()} | {
    "python_version": "3.11",
    "python_full_version": "3.11.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}


class LockError(Exception):
    """uv.lock is missing, or does not hold what a package needs (run `make lock`)."""


def applies(marker: str | None) -> bool:
    """Whether a PEP 508 marker holds on Lambda (no marker: always)."""
    return marker is None or Marker(marker).evaluate(LAMBDA_ENV)


@dataclass(frozen=True)
class Locked:
    """One locked distribution: its pin, every artifact's hash, its dependencies (uv.lock's tables)."""

    name: str
    version: str
    hashes: tuple[str, ...]
    dependencies: tuple[dict[str, Any], ...]
    extras: dict[str, tuple[dict[str, Any], ...]]

    def requirement(self) -> str:
        """`name==version --hash=sha256:... ...`: one line of a pip requirements file."""
        return " ".join([f"{self.name}=={self.version}", *(f"--hash={h}" for h in self.hashes)])


class Lock:
    """uv.lock, narrowed to Lambda's platform (of forked entries, the one whose markers hold there)."""

    def __init__(self, path: Path = LOCK) -> None:
        if not path.exists():
            raise LockError(f"{path.name} not found: run `make lock`")
        data = tomllib.loads(path.read_text())
        self.packages: dict[str, Locked] = {}
        for entry in data.get("package", []):
            forks = entry.get("resolution-markers")
            if forks and not any(applies(m) for m in forks):
                continue
            source = entry.get("source", {})
            artifacts = [*entry.get("wheels", []), *([entry["sdist"]] if "sdist" in entry else [])]
            self.packages[canonicalize_name(entry["name"])] = Locked(
                name=entry["name"],
                version=entry.get("version", ""),
                hashes=tuple(a["hash"] for a in artifacts if "hash" in a) if "registry" in source else (),
                dependencies=tuple(entry.get("dependencies", [])),
                extras={k: tuple(v) for k, v in entry.get("optional-dependencies", {}).items()},
            )

    def get(self, name: str) -> Locked:
        try:
            return self.packages[canonicalize_name(name)]
        except KeyError:
            raise LockError(f"{name} is not in uv.lock for Lambda's platform: run `make lock`") from None

    def runtime(self) -> list[str]:
        """The project's own runtime dependencies (pyproject's [project] dependencies), by name."""
        return sorted(d["name"] for d in self.get(PROJECT).dependencies if applies(d.get("marker")))

    def closure(self, names: Iterable[str]) -> list[Locked]:
        """These distributions and everything they need on Lambda (extras followed), sorted by name."""
        todo: list[tuple[str, tuple[str, ...]]] = [(n, ()) for n in names]
        found: dict[str, Locked] = {}
        seen: set[tuple[str, tuple[str, ...]]] = set()
        while todo:
            name, extras = todo.pop()
            if (canonicalize_name(name), extras) in seen:
                continue
            seen.add((canonicalize_name(name), extras))
            locked = self.get(name)
            found[canonicalize_name(name)] = locked
            deps = [*locked.dependencies, *(d for e in extras for d in locked.extras.get(e, ()))]
            todo += [(d["name"], tuple(d.get("extra", ()))) for d in deps if applies(d.get("marker"))]
        return [found[n] for n in sorted(found)]

    def requirements(self, names: Iterable[str]) -> list[str]:
        """Hash-pinned requirement lines for these distributions and what they need (see closure)."""
        locked = self.closure(names)
        unhashed = [d.name for d in locked if not d.hashes]
        if unhashed:
            raise LockError(f"no hashes in uv.lock for {', '.join(unhashed)} (not from a package index)")
        return [d.requirement() for d in locked]
