"""The optimizer lab's headless commands: ``surface``, ``race``, ``lr-find`` and ``phase-map``.

The network commands take every flag of ``gdplayground train`` (its parser is their parent) and
build the run the same way, so a racer or a map cell is the run ``train`` would make. Each shows
progress on a terminal, prints one JSON object as its last line with ``--json``, and reports bad
input in one line with exit status 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, Callable, Sequence

import numpy as np

from .cli import _Parser, _names, _positive, _progress, _setting, config_from_args, train_parser
from .engine import optimizers
from .engine.config import RunConfig
from .experiment import ExperimentError

COMMANDS: tuple[str, ...] = ("surface", "race", "lr-find", "phase-map")


def _point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a point X,Y like -1.5,2, not {text!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise argparse.ArgumentTypeError(f"a point must be finite, not {text!r}")
    return x, y


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, not {text!r}") from None


def _span(text: str) -> tuple[float, float, int]:
    parts = text.split(":")
    try:
        lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
        if len(parts) != 3:
            raise ValueError
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"expected LO:HI:N like 0.001:1:15, not {text!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi and n >= 1):
        raise argparse.ArgumentTypeError(f"expected finite LO <= HI and N >= 1, not {text!r}")
    return lo, hi, n


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: such numbers become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _emit(result: dict[str, Any], as_json: bool, table: Callable[[], None]) -> None:
    if as_json:
        print(json.dumps(_clean(result)))
    else:
        table()


def _ticker(show: bool, total: int, unit: str) -> Callable[[int, np.ndarray], None] | None:
    """A progress bar on stderr for a terminal (None otherwise), fed (updates done, losses)."""
    if not show:
        return None
    every = max(1, total // 100)

    def tick(done: int, losses: np.ndarray) -> None:
        if done % every == 0 or done == total:
            finite = losses[np.isfinite(losses)]
            _progress(done, total, unit, float(finite.mean()) if finite.size else math.nan)
            if done == total:
                sys.stderr.write("\n")

    return tick


def _showing(args: argparse.Namespace) -> bool:
    return sys.stderr.isatty() and not args.json


def _network_parser(prog: str, description: str) -> _Parser:
    return _Parser(prog=f"gdplayground {prog}", description=description, parents=[train_parser()],
                   conflict_handler="resolve")


def _config(parser: argparse.ArgumentParser, args: argparse.Namespace) -> RunConfig:
    try:
        return config_from_args(args)
    except (ValueError, ExperimentError) as exc:
        parser.error(str(exc))
        raise


# -- surface ------------------------------------------------------------------------------------

def surface_parser() -> _Parser:
    from .engine.lab.surface_methods import METHODS
    from .engine.lab.surfaces import NAMES

    p = _Parser(prog="gdplayground surface", description="An optimizer's path on a 2-D test surface.")
    p.add_argument("--surface", choices=NAMES, default="bowl")
    p.add_argument("--optimizer", choices=(*optimizers.NAMES, *METHODS), default="gd")
    p.add_argument("--lr", type=float, help="learning rate (cg: first trial step of the line search; default: the optimizer's)")
    p.add_argument("--steps", type=int, default=100, help="updates (default 100)")
    p.add_argument("--start", type=_point, metavar="X,Y", help="start point (default: the surface's); write --start=-1.5,2")
    p.add_argument("--hyper", type=_setting, action="append", metavar="NAME=VALUE",
                   help="optimizer hyperparameter, e.g. momentum=0.9; es: sigma, population, seed")
    p.add_argument("--json", action="store_true", help="print the path as one JSON object")
    return p


def _values(surface, points: np.ndarray) -> list[float]:
    with np.errstate(all="ignore"):  # a point far out on a diverging path overflows f
        return [float(v) for v in surface.value(points)]


def _surface_path(surface, method: str, lr: float, steps: int, start: tuple[float, float], hyper: dict[str, Any]):
    from .engine.lab import surface_methods
    from .engine.lab.surface_paths import optimizer_path

    if method == "cg":
        if hyper:
            raise ValueError("cg takes no hyperparameters (its line search picks each step)")
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"the learning rate must be a finite number > 0, not {lr!r}")
        return surface_methods.cg_path(surface, steps, start, lr)
    if method == "es":
        return surface_methods.es_path(surface, steps, start, lr, hyper)
    return optimizer_path(surface, method, lr, steps, start, hyper)


def surface_main(argv: Sequence[str]) -> int:
    from .engine.lab.surfaces import get

    parser = surface_parser()
    args = parser.parse_args(argv)
    surface = get(args.surface)
    start = args.start or surface.start
    hyper = dict(args.hyper or ())
    lr = args.lr if args.lr is not None else {"cg": 1.0, "es": 0.1}.get(args.optimizer) or optimizers.DEFAULT_LR[args.optimizer]
    if args.steps < 0:
        parser.error(f"--steps must be >= 0, not {args.steps}")
    try:
        path = _surface_path(surface, args.optimizer, lr, args.steps, start, hyper)
    except ValueError as exc:
        parser.error(str(exc))
    points = path.ball(0)
    diverged = None
    if len(points) < len(path.points):
        diverged = f"the path left the finite numbers after update {len(points) - 1}: the learning rate {lr:g} is too large here"
    result = {
        "surface": surface.name, "optimizer": args.optimizer, "lr": lr, "start": list(start),
        "path": points.tolist(), "values": _values(surface, points),
        "loss_evaluations": sum(s.loss_evaluations for s in path.steps),
        "gradient_evaluations": sum(s.gradient_evaluations for s in path.steps),
        "diverged": diverged,
    }

    def table() -> None:
        print(f"{surface.name}: f = {surface.formula}; {args.optimizer} at lr {lr:g}")
        for i in sorted({0, 1, 2, len(points) // 2, len(points) - 1}):
            if 0 <= i < len(points):
                print(f"  update {i:>5}: ({points[i, 0]: .6g}, {points[i, 1]: .6g})  f = {result['values'][i]:.6g}")
        print(f"  cost: {result['loss_evaluations']} loss and {result['gradient_evaluations']} gradient evaluations")
        if diverged:
            print(f"  {diverged}")

    _emit(result, args.json, table)
    return 1 if diverged else 0


# -- race ---------------------------------------------------------------------------------------

def race_parser() -> _Parser:
    p = _network_parser("race", "Train several optimizers from the same weights and batch order, in one pass.")
    p.add_argument("--optimizers", type=_names, required=True, metavar="A,B,...", help=f"from {','.join(optimizers.NAMES)}")
    p.add_argument("--lrs", type=_floats, metavar="LR,LR,...", help="one rate per optimizer (default: --lr, else each one's default)")
    p.add_argument("--tune-lr", action="store_true", help="first pick each racer's rate with a short range test")
    return p


def racer_configs(base: RunConfig, args: argparse.Namespace) -> list[RunConfig]:
    """One config per racer: the base with that optimizer, its rate and the --hyper keys it takes.
    ValueError for an unknown name, a count mismatch or a key no racer takes."""
    names = args.optimizers
    for name in names:
        if name not in optimizers.NAMES:
            raise ValueError(f"unknown optimizer {name!r}; choose from {', '.join(optimizers.NAMES)}")
    if args.lrs is not None and len(args.lrs) != len(names):
        raise ValueError(f"--lrs gives {len(args.lrs)} rates for {len(names)} optimizers")
    hyper = base.hyper_dict
    for key in hyper:
        if not any(key in optimizers.HYPERPARAMETERS[n] for n in names):
            raise ValueError(f"no racer takes the hyperparameter {key!r}")
    configs = []
    for i, name in enumerate(names):
        lr = args.lrs[i] if args.lrs is not None else args.lr if args.lr is not None else optimizers.DEFAULT_LR[name]
        own = {k: v for k, v in hyper.items() if k in optimizers.HYPERPARAMETERS[name]}
        config = base.replace(optimizer=name, lr=lr, hyper=own)
        optimizers.create(name, **own)  # a bad value fails here, with the optimizer's reason
        configs.append(config)
    return configs


def _updates(run, args: argparse.Namespace) -> int:
    return args.steps if args.steps is not None else args.epochs * run.steps_per_epoch


def _race_results(many, configs: list[RunConfig], tuned: list[dict[str, Any] | None], total: int) -> list[dict[str, Any]]:
    """Each racer as `train` reports it, plus its rate, its batch losses and how it was tuned."""
    history = many.loss_history()
    runs = []
    for k, (config, metrics) in enumerate(zip(configs, many.evaluate())):
        n = int(many.diverged_at[k]) - 1 - many.start_step if many.diverged_at[k] else total
        entry = {"optimizer": config.optimizer, "lr": config.lr, "hyper": config.hyper_dict, **metrics,
                 "updates": n, "diverged": many.diverged_reason(k), "losses": history[:n, k].tolist()}
        if tuned[k] is not None:
            entry["tuned"] = tuned[k]
        runs.append(entry)
    return runs


def race_main(argv: Sequence[str]) -> int:
    from .engine.lab.many_runs import ManyRuns
    from .engine.lab.range_test import UPDATES, network_range_tests, tuned_rate
    from .engine.run import Run

    parser = race_parser()
    args = parser.parse_args(argv)
    base = _config(parser, args)
    try:
        configs = racer_configs(base, args)
        run = Run(base)
    except (ValueError, ExperimentError) as exc:
        parser.error(str(exc))
    total = _updates(run, args)
    if total < 0:
        parser.error(f"--steps must be >= 0, not {total}")
    tuned: list[dict[str, Any] | None] = [None] * len(configs)
    if args.tune_lr:
        sweep = _ticker(_showing(args), UPDATES, "range test")
        for i, test in enumerate(network_range_tests(run, configs, on_step=sweep)):
            lr, reason = tuned_rate(test)
            tuned[i] = {"lr": lr, "reason": reason, "steepest_lr": test.suggested_lr, "minimum_lr": test.minimum_lr}
            if lr is not None:
                configs[i] = configs[i].replace(lr=lr)
    many = ManyRuns(run, configs)
    many.train(total, _ticker(_showing(args), total, "update"))
    runs = _race_results(many, configs, tuned, total)

    def table() -> None:
        print(f"{'optimizer':>10} {'lr':>10} {'train loss':>12} {'test loss':>12} {'test acc':>9}  diverged")
        for r in runs:
            acc = r.get("test_accuracy")
            print(f"{r['optimizer']:>10} {r['lr']:>10.4g} {r.get('train_loss', math.nan):>12.6g} "
                  f"{r.get('test_loss', math.nan):>12.6g} {'' if acc is None else f'{acc:.3f}':>9}  {'yes' if r['diverged'] else ''}")

    _emit({"runs": runs}, args.json, table)
    return 0


# -- lr-find ------------------------------------------------------------------------------------

def lr_find_parser() -> _Parser:
    from .engine.lab.range_test import HIGHEST, LOWEST, UPDATES

    p = _network_parser("lr-find", "The learning-rate range test from the run's starting weights.")
    p.add_argument("--steps", type=_positive, default=UPDATES, help=f"updates in the sweep, one rate each (default {UPDATES})")
    p.add_argument("--min-lr", type=float, default=LOWEST, help=f"first rate (default {LOWEST:g})")
    p.add_argument("--max-lr", type=float, default=HIGHEST, help=f"last rate (default {HIGHEST:g})")
    return p


def lr_find_main(argv: Sequence[str]) -> int:
    from .engine.lab.range_test import network_range_tests
    from .engine.run import Run

    parser = lr_find_parser()
    args = parser.parse_args(argv)
    config = _config(parser, args)
    try:
        test = network_range_tests(Run(config), [config], lo=args.min_lr, hi=args.max_lr, steps=args.steps,
                                   on_step=_ticker(_showing(args), args.steps, "rate"))[0]
    except (ValueError, ExperimentError) as exc:
        parser.error(str(exc))
    result = {"optimizer": config.optimizer, "lrs": test.lrs.tolist(), "losses": test.smoothed.tolist(),
              "raw_losses": test.losses.tolist(), "stopped": test.stopped,
              "suggested_lr": test.suggested_lr, "reason": test.reason, "minimum_lr": test.minimum_lr}

    def table() -> None:
        for i in range(0, len(test.lrs), max(1, len(test.lrs) // 20)):
            print(f"  lr {test.lrs[i]:>10.3g}  smoothed loss {test.smoothed[i]:.5g}")
        print(f"stopped: {test.stopped}")
        print(f"suggested lr: {test.suggested_lr if test.suggested_lr is None else f'{test.suggested_lr:.3g}'} ({test.reason})")

    _emit(result, args.json, table)
    return 0


# -- phase-map ----------------------------------------------------------------------------------

def phase_map_parser() -> _Parser:
    from .engine.lab.surfaces import NAMES

    p = _network_parser("phase-map", "A grid of short runs over learning rate and momentum, by final loss.")
    p.add_argument("--lr", type=_span, default=(1e-3, 1.0, 7), metavar="LO:HI:N", help="N rates from LO to HI, log-spaced")
    p.add_argument("--momentum", type=_span, default=(0.0, 0.9, 4), metavar="LO:HI:N", help="N momenta from LO to HI, evenly spaced")
    p.add_argument("--steps", type=_positive, default=100, help="updates per cell (default 100)")
    p.add_argument("--surface", choices=NAMES, help="map a ball on this 2-D surface instead of the network")
    p.add_argument("--start", type=_point, metavar="X,Y", help="with --surface: the start point")
    return p


def _grid(lo: float, hi: float, n: int, log: bool) -> np.ndarray:
    return (np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n)) if n > 1 else np.array([lo])


def phase_map_main(argv: Sequence[str]) -> int:
    from .engine.lab import phase_map
    from .engine.lab.surfaces import get
    from .engine.run import Run

    parser = phase_map_parser()
    args = parser.parse_args(argv)
    (lr_lo, lr_hi, lr_n), (m_lo, m_hi, m_n) = args.lr, args.momentum
    if lr_lo <= 0:
        parser.error(f"--lr: rates must be > 0, not {lr_lo:g}")
    if m_lo < 0:
        parser.error(f"--momentum: momentum must be >= 0, not {m_lo:g}")
    lrs, momenta = _grid(lr_lo, lr_hi, lr_n, True), _grid(m_lo, m_hi, m_n, False)
    optimizer = args.optimizer or "momentum"
    lr_given, args.lr = args.lr, None  # the grid replaces train's single rate
    try:
        if args.surface:
            surface = get(args.surface)
            cells = phase_map.surface_map(surface, args.start or surface.start, lrs, momenta, args.steps, optimizer)
        else:
            cells = phase_map.network_map(Run(_config(parser, args)), lrs, momenta, args.steps, optimizer,
                                          _ticker(_showing(args), args.steps, "update"))
    except (ValueError, ExperimentError) as exc:
        parser.error(str(exc))
    args.lr = lr_given
    result = {"optimizer": optimizer, "steps": args.steps, "surface": args.surface,
              "cells": [{"lr": c.lr, "momentum": c.momentum, "final_loss": c.final_loss, "diverged": c.diverged} for c in cells]}

    def table() -> None:
        print("momentum \\ lr " + " ".join(f"{lr:>9.3g}" for lr in lrs))
        for i, m in enumerate(momenta):
            row = cells[i * len(lrs):(i + 1) * len(lrs)]
            print(f"{m:>14.3g} " + " ".join(f"{'diverged':>9}" if c.diverged else f"{c.final_loss:>9.4g}" for c in row))

    _emit(result, args.json, table)
    return 0


def main(argv: Sequence[str]) -> int:
    """Dispatch ``argv`` (starting with the command's name)."""
    commands = {"surface": surface_main, "race": race_main, "lr-find": lr_find_main, "phase-map": phase_map_main}
    try:
        return commands[argv[0]](argv[1:])
    except MemoryError:  # K networks at once need K times the memory of one
        sys.stderr.write(f"gdplayground {argv[0]}: error: out of memory; use a smaller network, fewer points or fewer runs\n")
        return 2
