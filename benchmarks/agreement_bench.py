"""Agreement-engine benchmark, run by hand: ``.venv/bin/python benchmarks/agreement_bench.py``.

Prints a markdown table for docs/benchmarks.md:

1. interval alpha, 3 coders x 10,000 counts (~210 distinct values, 10% missing): ours vs the
   krippendorff package, which builds a units x values x values array (several GB here);
2. interval alpha, 3 coders x 300,000 continuous values, 10% missing: time and peak memory;
3. bootstrap_alpha, 1,000 resamples of 3 x 10,000 units, per level.

Targets (from the task): speedup >= 100x, 300k case < 0.5 s and < 300 MB, bootstrap < 1 s.
Peak memory is what tracemalloc sees (numpy reports its buffers to it), measured in a separate
run from the timings.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from importlib.metadata import version

import krippendorff
import numpy as np

from machine import describe  # benchmarks/machine.py: run from the repository root
from annotator.agreement import bootstrap_alpha, krippendorff_alpha

MB = 2**20


def best_time(function: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def peak_memory(function: Callable[[], object]) -> float:
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / MB


def with_missing(rng: np.random.Generator, data: np.ndarray, share: float) -> np.ndarray:
    data = data.astype(float)
    data[rng.random(data.shape) < share] = np.nan
    return data


def main() -> None:
    rng = np.random.default_rng(2024)
    counts = np.clip(rng.integers(0, 200, 10_000) + rng.integers(-5, 6, (3, 10_000)), 0, None)
    counts = with_missing(rng, counts, 0.10)
    continuous = with_missing(rng, rng.normal(0, 1, 300_000) + rng.normal(0, 0.5, (3, 300_000)), 0.10)
    distinct = len(np.unique(counts[~np.isnan(counts)]))

    ours_small = krippendorff_alpha(counts, "interval").value
    theirs_small = krippendorff.alpha(reliability_data=counts, level_of_measurement="interval")
    ours_small_s = best_time(lambda: krippendorff_alpha(counts, "interval"), 20)
    theirs_small_s = best_time(
        lambda: krippendorff.alpha(reliability_data=counts, level_of_measurement="interval"), 2
    )
    ours_small_mb = peak_memory(lambda: krippendorff_alpha(counts, "interval"))
    theirs_small_mb = peak_memory(
        lambda: krippendorff.alpha(reliability_data=counts, level_of_measurement="interval")
    )

    large_s = best_time(lambda: krippendorff_alpha(continuous, "interval"), 5)
    large_mb = peak_memory(lambda: krippendorff_alpha(continuous, "interval"))

    boot = {
        level: (
            best_time(lambda level=level: bootstrap_alpha(counts, level, n_boot=1000), 3),
            peak_memory(lambda level=level: bootstrap_alpha(counts, level, n_boot=1000)),
        )
        for level in ("nominal", "ordinal", "interval", "ratio")
    }

    print(f"{describe()}; numpy {np.__version__}, krippendorff {version('krippendorff')}\n")
    print("| case | ours | krippendorff package | note |")
    print("| --- | ---: | ---: | --- |")
    print(f"| interval alpha, 3 x 10,000 counts ({distinct} distinct values, 10% missing) "
          f"| {ours_small_s * 1e3:.2f} ms, {ours_small_mb:.1f} MB "
          f"| {theirs_small_s * 1e3:.0f} ms, {theirs_small_mb:.0f} MB "
          f"| speedup {theirs_small_s / ours_small_s:.0f}x (target >= 100x); "
          f"alpha {ours_small:.12f}, difference {abs(ours_small - theirs_small):.1e} |")
    print(f"| interval alpha, 3 x 300,000 continuous values, 10% missing "
          f"| {large_s * 1e3:.0f} ms, {large_mb:.0f} MB | not feasible (units x values x values) "
          f"| target < 500 ms and < 300 MB |")
    for level, (seconds, megabytes) in boot.items():
        print(f"| bootstrap_alpha {level}, 1,000 resamples of 3 x 10,000 units "
              f"| {seconds * 1e3:.0f} ms, {megabytes:.0f} MB | - | target < 1 s |")


if __name__ == "__main__":
    main()
