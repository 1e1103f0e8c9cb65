"""Reply reading cost: parse + cut + classify every message of the reply corpus, many times.

The inbound Lambda does this once per reply; the figure shows the library-plus-markers reader is
far from mattering next to the S3 read and the DynamoDB writes around it. Wall-clock times (`ms_*`)
include waiting for a core on a shared machine; `cpu_ms_*` is the work itself (process CPU time),
and `load_average_1m` says how busy the machine was.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from services.notify.domain.reading import read_any

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "replies"


def run(rounds: int = 50) -> dict[str, Any]:
    messages = [p.read_bytes() for p in sorted(CORPUS.iterdir()) if p.suffix in (".eml", ".txt")]
    if not messages:
        raise FileNotFoundError(f"no replies under {CORPUS}")
    for data in messages:  # warm: compile the library's and our patterns once
        read_any(data)
    samples, cpu = [], []
    for _ in range(rounds):
        for data in messages:
            start, start_cpu = time.perf_counter(), time.process_time()
            read_any(data)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    samples.sort()
    cpu.sort()
    return {
        "benchmark": "reply_reading",
        "messages": len(messages),
        "rounds": rounds,
        "readings": len(samples),
        "ms_p50": round(statistics.median(samples), 3),
        "ms_p95": round(samples[int(len(samples) * 0.95) - 1], 3),
        "ms_max": round(samples[-1], 3),
        "per_second": round(len(samples) / (sum(samples) / 1000)),
        "cpu_ms_p50": round(statistics.median(cpu), 3),
        "cpu_ms_p95": round(cpu[int(len(cpu) * 0.95) - 1], 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
