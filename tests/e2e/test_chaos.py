"""The quick chaos run (`make chaos` runs the full one and its targets): the demo scenario through
the local runtime with faults injected at every AWS call the handlers and the API make and in SQS
delivery, in its own process (the runtime owns the process environment). Every invariant must hold
after the heal and the dead-letter redrive, and the faults must really have happened: throttling
that botocore retried, crashes, duplicates. Staffing speed is the benchmark's business (targets
reported, not enforced here: this machine's load decides it)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_quick_chaos_run_keeps_every_invariant(tmp_path):
    command = [sys.executable, "-m", "tfc.cli", "bench", "chaos", "--no-clean", "--volunteers", "200"]
    command += ["--campaigns", "3", "--seed", "11", "--invitation-ttl", "15", "--scale", "2"]
    command += ["--settle", "8", "--timeout", "90", "--heal-timeout", "180", "--no-steady", "--report-targets"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=420, cwd=tmp_path)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    faulty = report["faulty"]
    assert not any(faulty["violations"].values()), faulty["violations"]
    assert faulty["dead_letters_after_redrive"] == 0, faulty
    assert sum(faulty["faults"].values()) > 10 and faulty["faults"].get("duplicate_delivery", 0) > 0, faulty
    assert faulty["faults"].get("throttled:dynamodb", 0) > 0 and faulty["messages"] > 0, faulty
    assert "keeps_working_under_faults" in report["targets"]
    assert faulty["replies_sent"] > 0 and faulty["campaigns"] == 3
    # Staffing while faults are on depends on the machine's speed (15 s invitations); after the heal
    # and the redrive the run must have staffed something and broken nothing.
    assert faulty["projects_staffed"] >= 1, faulty
    assert result.returncode == 0, result.stderr[-2000:]
