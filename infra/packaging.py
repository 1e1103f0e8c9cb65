"""Build every function's deployment package as Lambda receives it, and the layers.

A function's zip holds its service (services/<service>/), shared/, and the project's runtime
dependencies built for Lambda (manylinux x86_64 wheels for CPython 3.11, at the versions and hashes
in uv.lock, the lock the tests' venv is installed from: what runs in AWS is what the tests ran). Two things live in
layers instead: the AWS SDK (boto3: one pinned version rather than whatever the runtime carries)
and numpy (only for the functions whose code imports it). chalice's runtime is two pure-Python
modules, vendored into the HTTP function only, as `chalice package` does.

Needs the package index the first time (pip, hash-checking mode); the result is cached under
build/lambda/ keyed by the locked requirements, so later builds (and `make synth`) are offline.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import importlib
import json
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.lock import LAMBDA_ENV, Lock
from infra.stack import Packages
from shared.resources import RESOURCES, Function, Resources

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "lambda"
# Lambda's python3.11 runtime runs on Amazon Linux 2 (glibc 2.26): wheels up to manylinux_2_26
# (each tag named: pip does not widen a --platform to the older ones).
_GLIBC = ("2_5", "2_12", "2_17", "2_24", "2_26")
PLATFORM = [a for g in _GLIBC for a in ("--platform", f"manylinux_{g}_x86_64")] + [
    a for t in ("manylinux1", "manylinux2010", "manylinux2014") for a in ("--platform", f"{t}_x86_64")
]
PLATFORM += ["--implementation", "cp", "--python-version", "3.11"]
LAYERS: dict[str, tuple[str, ...]] = {"aws-sdk": ("boto3",), "numpy": ("numpy",)}
LAYER_IMPORTS = {"numpy": "numpy"}  # a function gets this layer when its code imports this module
VENDORED = {"chalice": ("chalice/__init__.py", "chalice/app.py")}  # only for HTTP functions
_EPOCH = (1980, 1, 1, 0, 0, 0)
_SKIP_DIRS = {"__pycache__", "bin", "tests", "test"}


def core_requirements(lock: Lock) -> list[str]:
    """The project's runtime dependencies with what they need, minus what layers or vendoring provide,
    hash-pinned from the lock."""
    in_layers = {n for names in LAYERS.values() for n in names}
    return lock.requirements(n for n in lock.runtime() if n not in in_layers and n not in VENDORED)


def _pip_target(requirements: list[str], target: Path) -> Path:
    """pip install exactly these locked, hash-checked distributions for Lambda's platform into target
    (cached by the requirement set). --no-deps: the lock already closed the set, pip resolves nothing."""
    marker = target / ".complete"
    if marker.exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    pinned = target.parent / f"{target.name}.requirements.txt"
    pinned.write_text("\n".join(requirements) + "\n")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    command += [*PLATFORM, "--only-binary=:all:", "--require-hashes", "--no-deps", "--target", str(target)]
    command += ["-r", str(pinned)]
    subprocess.run(command, check=True)  # noqa: S603 (our own interpreter, a requirements file we wrote)
    marker.write_text("\n".join(requirements))
    return target


def _digest(items: list[str]) -> str:
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:12]


def imports_of(service: str, root: Path = ROOT) -> set[str]:
    """Top-level modules imported anywhere in a service or in shared/."""
    found: set[str] = set()
    for base in (root / "services" / service, root / "shared"):
        for path in base.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    found |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found


def layers_for(function: Function, root: Path = ROOT) -> tuple[str, ...]:
    imported = imports_of(function.service, root)
    return ("aws-sdk", *sorted(layer for layer, module in LAYER_IMPORTS.items() if module in imported))


@dataclass(frozen=True)
class Distributions:
    """What pip installed into a target directory: each distribution's files, requirements and
    top-level modules (read from its .dist-info)."""

    files: dict[str, list[str]]
    requires: dict[str, set[str]]
    modules: dict[str, str]  # top-level import name -> distribution

    @classmethod
    def read(cls, target: Path) -> Distributions:
        files: dict[str, list[str]] = {}
        requires: dict[str, set[str]] = {}
        modules: dict[str, str] = {}
        for info in sorted(target.glob("*.dist-info")):
            meta = (info / "METADATA").read_text(errors="replace").split("\n\n", 1)[0].splitlines()
            name = canonicalize_name(next(line.split(":", 1)[1].strip() for line in meta if line.startswith("Name:")))
            with (info / "RECORD").open() as record:
                paths = [row[0] for row in csv.reader(record) if row and not row[0].startswith("..")]
            files[name] = paths
            requires[name] = set()
            for line in meta:
                if line.startswith("Requires-Dist:"):
                    req = Requirement(line.split(":", 1)[1].strip())
                    if req.marker is None or req.marker.evaluate(LAMBDA_ENV):
                        requires[name].add(canonicalize_name(req.name))
            for path in paths:
                top = path.split("/", 1)[0]
                if not top.endswith((".dist-info", ".data")) and not top.startswith("__"):
                    modules.setdefault(top.removesuffix(".py"), name)
        return cls(files, requires, modules)

    def needed_by(self, imported: set[str]) -> set[str]:
        """The distributions these top-level imports come from, with their dependencies."""
        todo = [self.modules[m] for m in imported if m in self.modules]
        found: set[str] = set()
        while todo:
            name = todo.pop()
            if name in found or name not in self.files:
                continue
            found.add(name)
            todo += self.requires[name]
        return found


def _files(base: Path, prefix: str = "") -> list[tuple[Path, str]]:
    """(file, name in zip) under base, without caches, scripts and tests."""
    out = []
    for path in sorted(base.rglob("*")):
        parts = path.relative_to(base).parts
        if path.is_dir() or any(p in _SKIP_DIRS for p in parts[:-1]) or path.suffix == ".pyc":
            continue
        if parts[-1] == ".complete":
            continue
        out.append((path, prefix + "/".join(parts)))
    return out


def _source_files(function: Function, root: Path) -> list[tuple[Path, str]]:
    files = [(root / "services" / "__init__.py", "services/__init__.py")]
    files += _files(root / "services" / function.service, f"services/{function.service}/")
    files += _files(root / "shared", "shared/")
    if function.http:
        for module, names in VENDORED.items():
            base = Path(importlib.import_module(module).__file__).parent.parent  # type: ignore[arg-type]
            files += [(base / n, n) for n in names]
    return files


def _write_zip(path: Path, files: list[tuple[Path, str]]) -> None:
    """A reproducible zip (fixed times, sorted): the same inputs give the same CDK asset hash."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for source, name in sorted(files, key=lambda f: f[1]):
            info = zipfile.ZipInfo(name, _EPOCH)
            info.external_attr = (0o755 if source.suffix == ".so" else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read_bytes())
    tmp.replace(path)


def _cached_zip(path: Path, files: list[tuple[Path, str]]) -> Path:
    """Rebuild the zip only when a file's content or name changed."""
    h = hashlib.sha256()
    for source, name in sorted(files, key=lambda f: f[1]):
        h.update(name.encode() + b"\0" + hashlib.sha256(source.read_bytes()).digest())
    stamp = path.with_suffix(".sha256")
    if path.exists() and stamp.exists() and stamp.read_text() == h.hexdigest():
        return path
    _write_zip(path, files)
    stamp.write_text(h.hexdigest())
    return path


def build(resources: Resources = RESOURCES, out: Path = BUILD, root: Path = ROOT) -> Packages:
    out.mkdir(parents=True, exist_ok=True)
    lock = Lock(root / "uv.lock")
    requirements = core_requirements(lock)
    deps = _pip_target(requirements, out / f"deps-{_digest(requirements + PLATFORM)}")
    installed = Distributions.read(deps)
    layers: dict[str, Path] = {}
    for name, layer_packages in LAYERS.items():
        pinned = lock.requirements(layer_packages)
        target = _pip_target(pinned, out / f"layer-{name}-{_digest(pinned + PLATFORM)}")
        layers[name] = _cached_zip(out / f"layer-{name}.zip", _files(target, "python/"))
    functions = {}
    for function in resources.functions:
        needed = installed.needed_by(imports_of(function.service, root))
        dep_files = [(deps / path, path) for name in sorted(needed) for path in installed.files[name]]
        dep_files = [(s, n) for s, n in dep_files if s.is_file() and "__pycache__" not in n and not n.endswith(".pyc")]
        functions[function.name] = _cached_zip(out / f"{function.name}.zip", dep_files + _source_files(function, root))
    packages = Packages(functions, layers, {f.name: layers_for(f, root) for f in resources.functions})
    (out / "manifest.json").write_text(
        json.dumps(
            {
                "functions": {k: str(v) for k, v in packages.functions.items()},
                "layers": {k: str(v) for k, v in packages.layers.items()},
                "function_layers": packages.function_layers,
            },
            indent=2,
        )
    )
    return packages


if __name__ == "__main__":
    built = build()
    for name, path in {**built.functions, **built.layers}.items():
        print(f"{name:20} {path.stat().st_size / 1e6:6.2f} MB  {path}")
