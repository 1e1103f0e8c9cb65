"""`tfc demo` end to end, small: the command a newcomer runs first must work and say so."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_small_demo_staffs_its_projects_and_reports_json(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tfc.cli",
            "demo",
            "--volunteers",
            "400",
            "--campaigns",
            "4",
            "--seed",
            "3",
            "--invitation-ttl",
            "45",
            "--timeout",
            "240",
            "--port",
            str(free_port()),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("campaigns", "projects", "projects_approved", "projects_staffed", "invitations", "opt_ins", "seconds"):
        assert key in summary
    assert summary["campaigns"] == 4 and summary["projects_approved"] == summary["projects"] > 0
    assert summary["projects_staffed"] >= 0.8 * summary["projects_approved"]
    assert summary["opt_ins"] >= summary["projects_staffed"] * 3  # every team has at least three people
    assert summary["dead_letters"] == 0
    assert re.search(r"[\w.+-]+@[\w-]+\.\w+", result.stderr) is None  # no email address in any log line
