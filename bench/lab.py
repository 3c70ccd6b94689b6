"""The optimizer lab's speed: many runs in one vectorised pass against the single-run engine, and
the allocator setting's effect on large full-batch steps.

    python bench/lab.py [--rounds 2] [--quick]

1. A 15×15 (lr, momentum) map of 300-update runs on the default network (batch 10), vectorised
   (``phase_map.network_map``), against the same 225 runs made one after another with ``Run``,
   in the same process; updates per second counts every run's updates. Target: ≥ 10×.
2. A race of the eight optimizers (300 updates each), the same way.
3. Large full-batch steps with glibc's thresholds raised (the default) and left alone
   (``GDPLAYGROUND_MALLOPT=0``), each in a fresh process: ms per step and minor page faults per step.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from gdplayground import Run, RunConfig
from gdplayground.engine import optimizers
from gdplayground.engine.lab import phase_map
from gdplayground.engine.lab.many_runs import ManyRuns

STEPS = 300


def _map_cells(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.geomspace(1e-3, 3.0, n), np.linspace(0.0, 0.95, n)


def map_vectorised(n: int) -> float:
    lrs, momenta = _map_cells(n)
    t = time.perf_counter()
    phase_map.network_map(Run(RunConfig()), lrs, momenta, STEPS)
    return n * n * STEPS / (time.perf_counter() - t)


def map_single(n: int) -> float:
    lrs, momenta = _map_cells(n)
    t = time.perf_counter()
    for config in phase_map.cell_configs(RunConfig(), lrs, momenta):
        run = Run(config)
        run.train(steps=STEPS)
        run.evaluate()
    return n * n * STEPS / (time.perf_counter() - t)


def _racers() -> list[RunConfig]:
    return [RunConfig(optimizer=o, lr=optimizers.DEFAULT_LR[o]) for o in optimizers.NAMES]


def race_vectorised() -> float:
    configs = _racers()
    t = time.perf_counter()
    many = ManyRuns(Run(configs[0]), configs)
    many.train(STEPS)
    many.evaluate()
    return len(configs) * STEPS / (time.perf_counter() - t)


def race_single() -> float:
    configs = _racers()
    t = time.perf_counter()
    for config in configs:
        run = Run(config)
        run.train(steps=STEPS)
        run.evaluate()
    return len(configs) * STEPS / (time.perf_counter() - t)


LARGE = {"width 512, full batch (250)": dict(hidden=(512,), points=500),
         "8×32, full batch (2,500)": dict(hidden=(32,) * 8, points=5000),
         "width 512, full batch (2,500)": dict(hidden=(512,), points=5000)}

_PROBE = """
import json, resource, sys, time
from gdplayground import Run, RunConfig
from gdplayground.engine.lab.allocator import keep_freed_memory
cfg = RunConfig(batch_size=0, **json.loads(sys.argv[1]))
run = Run(cfg)
run.train(steps=5)
f0, t = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter()
run.train(steps=40)
dt, f1 = time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_minflt
print(json.dumps({"ms": 1000 * dt / 40, "faults": (f1 - f0) / 40, "tuned": keep_freed_memory()}))
"""


def large_step(settings: dict, tuned: bool) -> dict:
    env = dict(os.environ)
    if not tuned:
        env["GDPLAYGROUND_MALLOPT"] = "0"
    out = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(settings)], env=env, capture_output=True,
                         text=True, check=True, timeout=600)
    return json.loads(out.stdout)


def _fmt(x: float) -> str:
    return f"{x:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="a 5×5 map instead of 15×15")
    args = parser.parse_args()
    n = 5 if args.quick else 15
    rows = []
    for label, vec, single in ((f"{n}×{n} map, {STEPS} updates each, default network", lambda: map_vectorised(n), lambda: map_single(n)),
                               (f"race of 8 optimizers, {STEPS} updates each", race_vectorised, race_single)):
        v, s = [], []
        for _ in range(args.rounds):  # alternate, so a slow minute hits both
            v.append(vec())
            s.append(single())
        rows.append((label, statistics.median(v), statistics.median(s)))
    print("| work | vectorised | single runs | ratio |")
    print("|---|---:|---:|---:|")
    for label, v, s in rows:
        print(f"| {label} | {_fmt(v)} updates/s | {_fmt(s)} updates/s | {v / s:.1f}× |")
    print()
    print("| network | glibc thresholds left alone | raised (default) | speed-up |")
    print("|---|---:|---:|---:|")
    for label, settings in LARGE.items():
        plain = min((large_step(settings, False) for _ in range(args.rounds)), key=lambda r: r["ms"])
        tuned = min((large_step(settings, True) for _ in range(args.rounds)), key=lambda r: r["ms"])
        note = "" if tuned["tuned"] else " (not glibc: no change)"
        print(f"| {label} | {plain['ms']:.2f} ms/step, {plain['faults']:,.0f} faults | "
              f"{tuned['ms']:.2f} ms/step, {tuned['faults']:,.0f} faults{note} | {plain['ms'] / tuned['ms']:.1f}× |")


if __name__ == "__main__":
    main()
