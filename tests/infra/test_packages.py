"""Every function's package, unpacked into an empty directory with its layers, imports its
handler in a fresh interpreter that sees nothing else (no site-packages, no repo, no cwd): what
AWS Lambda will run is complete. Sizes and import times are reported by `tfc bench packages`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.packages import import_handler, unpack
from shared.resources import RESOURCES

TEN_MB = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def layers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layers")


@pytest.mark.parametrize("function", RESOURCES.functions, ids=lambda f: f.name)
def test_handler_imports_from_its_package_alone(function: Any, packages: Any, tmp_path: Path, layers_dir: Path) -> None:
    paths = unpack(packages, function.name, tmp_path, layers_dir)
    result = import_handler(function.handler, paths)
    assert result["ok"], result["error"]
    assert result["outside"] == [], f"modules loaded from outside the package: {result['outside']}"


def test_packages_are_under_ten_mb_zipped(packages: Any) -> None:
    for name, path in packages.functions.items():
        assert path.stat().st_size < TEN_MB, name


def test_numpy_sits_in_a_layer_only_for_the_code_that_imports_it(packages: Any) -> None:
    import zipfile

    for name, path in packages.functions.items():
        assert not any(n.startswith("numpy/") for n in zipfile.ZipFile(path).namelist()), name
    with zipfile.ZipFile(packages.layers["numpy"]) as layer:
        assert "python/numpy/__init__.py" in layer.namelist()


def test_every_package_and_layer_carries_the_locked_versions(packages: Any) -> None:
    """One set of versions: each distribution in a zip is the version uv.lock pins, which is also the
    version the tests' venv runs (make installs it from the same lock)."""
    import importlib.metadata
    import re
    import zipfile

    from infra.lock import Lock

    lock = Lock()
    seen: set[str] = set()
    for name, path in {**packages.functions, **packages.layers}.items():
        for entry in zipfile.ZipFile(path).namelist():
            found = re.match(r"(?:python/)?([^/]+)-([^-/]+)\.dist-info/METADATA$", entry)
            if found:
                dist, version = found.groups()
                assert lock.get(dist).version == version, (name, dist, version)
                assert importlib.metadata.version(dist) == version, (name, dist, "differs from the venv")
                seen.add(dist.lower())
    assert {"numpy", "boto3", "pydantic"} <= seen
