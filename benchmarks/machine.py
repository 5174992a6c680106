"""The machine a benchmark ran on, how busy it was, and a fixed reference loop, printed with every result.

These machines are shared and noisy: the same commit measures 3-5x slower when other work runs.
So every benchmark prints the load average and times :func:`reference_loop` (fixed pure-Python
work: dict, list, string and arithmetic operations) at its start and end; docs/benchmarks.md
gives each figure also as a multiple of that loop, which moves with the load much as the figures do.
"""

from __future__ import annotations

import atexit
import os
import platform
import sqlite3
import statistics
import time
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    return (f"machine: {platform.machine()}, {os.cpu_count()} CPUs: {cpu_model()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.system()}")


_run: Conditions | None = None


def describe() -> str:
    """The machine, its load and the reference loop, for the top of a benchmark's output; when the
    benchmark ends, the load and the loop are measured and printed again (once per run)."""
    global _run
    if _run is None:
        _run = Conditions()
        atexit.register(_print_after, _run)
    return _run.header()


def _print_after(conditions: Conditions) -> None:
    conditions.close()
    print(f"\nafter:  {conditions.load_after}; reference loop {conditions.reference_after:.1f} ms")


def load() -> str:
    """The load average (1, 5, 15 minutes) against the number of CPUs."""
    try:
        one, five, fifteen = os.getloadavg()
    except (AttributeError, OSError):  # not on Windows
        return "load average unknown"
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min) on {os.cpu_count()} CPUs"


def _reference_work() -> int:
    counts: dict[str, int] = {}
    words = []
    total = 0
    for i in range(60_000):
        word = f"w{i % 977}"
        counts[word] = counts.get(word, 0) + 1
        words.append(word)
        total += (i * i) % 7
    words.sort()
    return total + len(counts) + len(" ".join(words))


def reference_loop(rounds: int = 7) -> float:
    """Milliseconds for the fixed work (median of ``rounds``): 13-14 ms on the quiet 2-vCPU AMD EPYC
    of docs/benchmarks.md."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        _reference_work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class Conditions:
    """Load and reference loop at the start of a run; :meth:`close` measures them again at the
    end, and :meth:`ratio` expresses a time in units of the loop (the mean of both ends)."""

    def __init__(self) -> None:
        self.load_before = load()
        self.reference_before = reference_loop()
        self.reference_after: float | None = None
        self.load_after: str | None = None

    def close(self) -> None:
        self.reference_after = reference_loop()
        self.load_after = load()

    @property
    def reference_ms(self) -> float:
        after = self.reference_after if self.reference_after is not None else self.reference_before
        return (self.reference_before + after) / 2

    def ratio(self, ms: float) -> float:
        return ms / self.reference_ms

    def header(self) -> str:
        lines = [machine(), f"before: {self.load_before}; reference loop {self.reference_before:.1f} ms"]
        if self.reference_after is not None:
            lines.append(f"after:  {self.load_after}; reference loop {self.reference_after:.1f} ms")
        return "\n".join(lines)
