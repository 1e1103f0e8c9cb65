"""Deployment packages: zipped and unpacked size of each function and layer, and the cold import
time of each handler from its own package (a fresh `python -I -S` that sees only the unpacked
package and its layers, as Lambda's /var/task and /opt/python)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

_PROBE = """
import json, sys, time
sys.path[:0] = {paths!r}
start = time.perf_counter()
try:
    import importlib
    module = importlib.import_module({module!r})
    getattr(module, {attribute!r})
    error = None
except BaseException as exc:
    error = f"{{type(exc).__name__}}: {{exc}}"
seconds = time.perf_counter() - start
roots = tuple({paths!r})
stdlib = sys.base_prefix
outside = sorted(
    name for name, m in list(sys.modules.items())
    if getattr(m, "__file__", None) and not m.__file__.startswith(roots) and not m.__file__.startswith(stdlib)
)
print(json.dumps({{"ok": error is None, "error": error, "seconds": seconds, "outside": outside}}))
"""


def unpack(packages: Any, function: str, into: Path, layers_dir: Path | None = None) -> list[str]:
    """Unzip the function (as /var/task) and its layers (each as /opt/python); return the path list.
    Layers are read-only, so they may be unpacked once into `layers_dir` and shared."""
    task = into / "task"
    zipfile.ZipFile(packages.functions[function]).extractall(task)
    paths = [str(task)]
    for layer in packages.function_layers[function]:
        target = (layers_dir or into) / f"layer-{layer}"
        if not target.exists():
            zipfile.ZipFile(packages.layers[layer]).extractall(target)
        paths.append(str(target / "python"))
    return paths


def import_handler(handler: str, paths: list[str]) -> dict[str, Any]:
    module, _, attribute = handler.partition(":")
    probe = _PROBE.format(paths=paths, module=module, attribute=attribute)
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe], capture_output=True, text=True, cwd=paths[0], check=False, env={}
    )
    if result.returncode != 0 or not result.stdout.strip():
        return {"ok": False, "error": result.stderr[-2000:], "seconds": None, "outside": []}
    return json.loads(result.stdout.strip().splitlines()[-1])


def _unzipped(path: Path) -> int:
    return sum(i.file_size for i in zipfile.ZipFile(path).infolist())


def run(repeats: int = 3) -> dict[str, Any]:
    from infra.packaging import build

    packages = build()
    functions = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in packages.functions.items():
            from shared.resources import RESOURCES

            handler = RESOURCES.function(name).handler
            paths = unpack(packages, name, Path(tmp) / name, Path(tmp) / "layers")
            times = [import_handler(handler, paths) for _ in range(repeats)]
            functions[name] = {
                "zip_mb": round(path.stat().st_size / 1e6, 2),
                "unzipped_mb": round(_unzipped(path) / 1e6, 2),
                "layers": list(packages.function_layers[name]),
                "import_ok": all(t["ok"] for t in times),
                "import_seconds_median": round(statistics.median(t["seconds"] or 0 for t in times), 3),
            }
    layers = {
        name: {"zip_mb": round(path.stat().st_size / 1e6, 2), "unzipped_mb": round(_unzipped(path) / 1e6, 2)}
        for name, path in packages.layers.items()
    }
    return {"functions": functions, "layers": layers, "repeats": repeats, "python": sys.version.split()[0]}
