"""Agreement-engine benchmark, run by hand: ``.venv/bin/python benchmarks/agreement_bench.py``
(``... agreement_bench.py gwet`` runs only the second table).

Prints markdown tables for docs/benchmarks.md:

1. interval alpha, 3 coders x 10,000 counts (~210 distinct values, 10% missing): ours vs the
   krippendorff package, which builds a units x values x values array (several GB here);
   interval alpha, 3 coders x 300,000 continuous values, 10% missing: time and peak memory;
   bootstrap_alpha, 1,000 resamples of 3 x 10,000 units, per level;
2. 3 coders x 1,000,000 units, 5 categories, 10% missing: Gwet's AC1 and AC2 (quadratic) with
   their standard errors, ours vs irrCAC (values compared), and 1,000 resamples of the
   Hayes-Krippendorff pair bootstrap and of the unit bootstrap of nominal alpha.

Targets (from the task): speedup >= 100x, 300k case < 0.5 s and < 300 MB, bootstrap < 1 s.
Peak memory is what tracemalloc sees (numpy reports its buffers to it), measured in a separate
run from the timings.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from importlib.metadata import version

import krippendorff
import numpy as np
import pandas as pd
from irrCAC.raw import CAC

from machine import describe  # benchmarks/machine.py: run from the repository root
from annotator.agreement import bootstrap_alpha, gwet_ac1, gwet_ac2, krippendorff_alpha

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


def gwet_section() -> None:
    """Table 2: AC1/AC2 and the bootstraps at 3 coders x 1,000,000 units."""
    rng = np.random.default_rng(12)
    units, categories = 1_000_000, [1.0, 2.0, 3.0, 4.0, 5.0]
    truth = rng.choice(5, units, p=[0.6, 0.2, 0.1, 0.06, 0.04]) + 1
    data = np.where(rng.random((3, units)) < 0.8, truth, rng.integers(1, 6, (3, units))).astype(float)
    data = with_missing(rng, data, 0.10)
    frame = pd.DataFrame(data.T)

    def irrcac(weights: str) -> dict:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Categories given: with pandas 3 irrCAC's default counts NaN as a category.
            return CAC(frame, weights=weights, categories=categories, digits=15).gwet()["est"]

    print(f"{describe()}; numpy {np.__version__}, pandas {pd.__version__}, irrCAC {version('irrCAC')}\n")
    print("| case (3 coders x 1,000,000 units, 5 categories, 10% missing) | ours | irrCAC | note |")
    print("| --- | ---: | ---: | --- |")
    for name, ours_call, weights in (("AC1", lambda: gwet_ac1(data, categories=categories), "identity"),
                                     ("AC2 quadratic", lambda: gwet_ac2(data, "quadratic", categories=categories),
                                      "quadratic")):
        ours = ours_call()
        theirs = irrcac(weights)
        ours_s = best_time(ours_call, 3)
        theirs_s = best_time(lambda weights=weights: irrcac(weights), 1)
        ours_mb = peak_memory(ours_call)
        print(f"| {name} with standard error | {ours_s * 1e3:.0f} ms, {ours_mb:.0f} MB | {theirs_s * 1e3:.0f} ms "
              f"| speedup {theirs_s / ours_s:.0f}x; value {ours.value:.12f} (difference "
              f"{abs(ours.value - float(theirs['coefficient_value'])):.1e}), se {ours.se:.3e} (difference "
              f"{abs(ours.se - float(np.ravel(theirs['se'])[0])):.1e}) |")
    for method in ("pairs", "units"):
        run = lambda method=method: bootstrap_alpha(data, "nominal", n_boot=1000, seed=1, method=method)
        seconds, megabytes, result = best_time(run, 1), peak_memory(run), run()
        what = (f"Hayes-Krippendorff pairs ({result.draws:,} pairs per resample)" if method == "pairs"
                else "units")
        print(f"| bootstrap_alpha nominal, 1,000 resamples of {what} | {seconds * 1e3:.0f} ms, "
              f"{megabytes:.0f} MB | - | alpha {result.value:.4f}, 95% interval [{result.low:.4f}, "
              f"{result.high:.4f}] |")


def main() -> None:
    if sys.argv[1:] == ["gwet"]:
        gwet_section()
        return
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
    print()
    gwet_section()


if __name__ == "__main__":
    main()
