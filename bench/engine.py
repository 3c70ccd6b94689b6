"""Engine speed: updates per second and the 100×100 grid forward, beside PyTorch eager on the
CPU when it is installed (same network and batch; training in float64 for both, the grid in
float32 for both, as the window draws it).

    python bench/engine.py [--seconds 1] [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from gdplayground import Run, RunConfig
from gdplayground.engine import features

ALL = tuple(features.NAMES)
NETWORKS = {
    "default [4,2], 2 features": dict(features=("x1", "x2"), hidden=(4, 2)),
    "6×8, 7 features": dict(features=ALL, hidden=(8,) * 6),
}
BATCHES = {"batch 10": 10, "full batch (250)": 0}


def ours_updates_per_s(cfg: RunConfig, seconds: float) -> float:
    run = Run(cfg)
    run.train(steps=200)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        done += run.train(steps=500)
    return done / (time.perf_counter() - start)


def ours_grid_ms(cfg: RunConfig, repeats: int = 30) -> float:
    run = Run(cfg)
    run.grid_output()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run.grid_output()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def torch_model(cfg: RunConfig):
    import torch

    sizes = (len(cfg.features), *cfg.hidden, 1)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [torch.nn.Linear(a, b, dtype=torch.float64), torch.nn.Tanh()]
    return torch.nn.Sequential(*layers)


def torch_updates_per_s(cfg: RunConfig, seconds: float) -> float:
    import torch

    run = Run(cfg)  # the same data and features
    x = torch.from_numpy(np.array(run.x_train))
    y = torch.from_numpy(np.array(run.data.y_train))[:, None]
    model = torch_model(cfg)
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    n = len(y)
    bs = n if cfg.batch_size == 0 else cfg.batch_size
    gen = torch.Generator().manual_seed(0)

    def epoch() -> int:
        order = torch.randperm(n, generator=gen)
        steps = 0
        for s in range(0, n, bs):
            idx = order[s : s + bs]
            out = model(x[idx])
            loss = 0.5 * ((out - y[idx]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
        return steps

    epoch()
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        done += epoch()
    return done / (time.perf_counter() - start)


def torch_grid_ms(cfg: RunConfig, repeats: int = 30) -> float:
    import torch

    run = Run(cfg)
    grid = torch.from_numpy(np.array(run.grid_features))  # float32, as ours draws it
    model = torch_model(cfg).float()
    times = []
    with torch.no_grad():
        model(grid)
        for _ in range(repeats):
            t = time.perf_counter()
            model(grid)
            times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per side (median reported)")
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(1)  # threads only add overhead on tensors this small
        have_torch = True
    except ImportError:
        have_torch = False
    print(f"| network | batch | gdplayground | PyTorch {'eager' if have_torch else '(not installed)'} | ratio |")
    print("|---|---|---:|---:|---:|")
    for net_name, net in NETWORKS.items():
        for batch_name, bs in BATCHES.items():
            cfg = RunConfig(**net, batch_size=bs)
            # Rounds alternate between the two, and each side reports its median: a slow spell
            # of this shared machine then lands on both or on neither.
            ours_all, theirs_all = [], []
            for _ in range(args.rounds):
                ours_all.append(ours_updates_per_s(cfg, args.seconds))
                if have_torch:
                    theirs_all.append(torch_updates_per_s(cfg, args.seconds))
            ours = statistics.median(ours_all)
            theirs = statistics.median(theirs_all) if have_torch else float("nan")
            ratio = f"{ours / theirs:.1f}×" if have_torch else "–"
            t = f"{theirs:,.0f} updates/s" if have_torch else "–"
            print(f"| {net_name} | {batch_name} | {ours:,.0f} updates/s | {t} | {ratio} |")
        cfg = RunConfig(**net)
        ours = ours_grid_ms(cfg)
        theirs = torch_grid_ms(cfg) if have_torch else float("nan")
        ratio = f"{theirs / ours:.1f}×" if have_torch else "–"
        t = f"{theirs:.2f} ms" if have_torch else "–"
        print(f"| {net_name} | 100×100 grid forward | {ours:.2f} ms | {t} | {ratio} |")


if __name__ == "__main__":
    main()
