"""What a long history costs: memory held by a run's history after N updates, and the time to
go back to a random earlier update (replay from the nearest checkpoint).

    python bench/history.py [--updates 1000000] [--seeks 40]

For each network: ``history.nbytes()`` (the run's own estimate: loss and learning-rate arrays,
checkpoint arrays, recent records), the memory Python allocated while training as traced by
tracemalloc (what stays held at the end, and the peak), and ``state_at(k)`` / ``record_of(k)``
for random k. Measured, not extrapolated: tracemalloc slows training about twofold, so 10⁶
updates take several minutes per network; ``--updates`` measures a shorter history.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
import tracemalloc

from gdplayground import Run, RunConfig
from gdplayground.engine import features

NETWORKS = {
    "default [4,2], 2 features": RunConfig(),
    "6×8, 7 features": RunConfig(features=tuple(features.NAMES), hidden=(8,) * 6),
}
MIB = 1024 * 1024


def measure(cfg: RunConfig, updates: int, seeks: int) -> dict[str, float]:
    run = Run(cfg)
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    run.train(steps=updates)
    elapsed = time.perf_counter() - start
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    held = current - base
    rng = random.Random(0)
    seek_ms, record_ms = [], []
    for _ in range(seeks):
        k = rng.randrange(1, updates)
        t = time.perf_counter()
        run.state_at(k)
        seek_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        run.record_of(k)
        record_ms.append((time.perf_counter() - t) * 1000)
    return {
        "nbytes": run.history.nbytes(),
        "held": held,
        "peak": peak - base,
        "checkpoints": run.history.checkpoint_count,
        "interval": run.history.interval,
        "seek_median": statistics.median(seek_ms),
        "seek_max": max(seek_ms),
        "record_median": statistics.median(record_ms),
        "rate": updates / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1_000_000)
    parser.add_argument("--seeks", type=int, default=40)
    args = parser.parse_args()
    print(f"{args.updates:,} updates per network (batch 10, gd); memory in MiB; seek = state_at(k), random k\n")
    header = ("network", "history.nbytes", "held (traced)", "peak (traced)",
              "checkpoints", "interval", "seek median ms", "seek max ms", "record_of median ms", "updates/s traced")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for name, cfg in NETWORKS.items():
        r = measure(cfg, args.updates, args.seeks)
        print(" | ".join([
            name, f"{r['nbytes'] / MIB:.2f}", f"{r['held'] / MIB:.2f}", f"{r['peak'] / MIB:.2f}",
            f"{r['checkpoints']}", f"{r['interval']}",
            f"{r['seek_median']:.1f}", f"{r['seek_max']:.1f}", f"{r['record_median']:.1f}", f"{r['rate']:,.0f}",
        ]), flush=True)


if __name__ == "__main__":
    main()
