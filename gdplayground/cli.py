"""Command line: ``gdplayground`` opens the window; ``gdplayground train`` trains headless;
``gdplayground --self-test`` checks the engine. Qt is imported only when a window is needed."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from . import __version__
from .engine import datasets, features, optimizers, schedules
from .engine.activations import NAMES as ACTIVATIONS
from .engine.config import FULL_BATCH, REGULARIZATIONS, RunConfig
from .engine.losses import LOSS_NAMES
from .engine.network import INITS
from .experiment import ExperimentError, load_config


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad value in one line (exit 2), not usage plus message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _fraction(text: str) -> float:
    """0.3 or 30%."""
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or a percentage, not {text!r}") from None


def _int_list(text: str) -> tuple[int, ...]:
    if text.strip() in ("", "none"):
        return ()
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected neurons per layer like 8,8, not {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, not {text!r}: nothing would be trained")
    return value


def _names(text: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in text.split(",") if v.strip())


def _batch(text: str) -> int:
    if text == "full":
        return FULL_BATCH
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1 or 'full', not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1 or 'full', not {text!r}")
    return value


def _setting(text: str) -> tuple[str, object]:
    key, sep, raw = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    if raw.lower() in ("true", "false"):
        return key, raw.lower() == "true"
    try:
        parts = [float(v) for v in raw.split(":")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{key}: expected a number, true/false or a:b, not {raw!r}") from None
    return key, tuple(parts) if len(parts) > 1 else parts[0]


def train_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gdplayground train", description="Train a network without the window and print its metrics.")
    p.add_argument("--config", metavar="FILE.json", help="start from an experiment or config file; flags override it")
    p.add_argument("--dataset", choices=datasets.NAMES)
    p.add_argument("--noise", type=_fraction, help="0 to 0.5, or 0%% to 50%%")
    p.add_argument("--train-ratio", type=_fraction, help="share used for training, 0.1 to 0.9 or 10%% to 90%%")
    p.add_argument("--points", type=int, help="50 to 5000")
    p.add_argument("--data-seed", type=int, help="seed of the data (default: --seed)")
    p.add_argument("--features", type=_names, help=f"comma-separated, from {','.join(features.NAMES)}")
    p.add_argument("--hidden", type=_int_list, help="neurons per hidden layer, e.g. 8,8 ('none' for no hidden layer)")
    p.add_argument("--activation", type=_names, help=f"one for all layers or one per layer, from {','.join(ACTIVATIONS)}")
    p.add_argument("--loss", choices=LOSS_NAMES)
    p.add_argument("--init", choices=INITS)
    p.add_argument("--optimizer", choices=optimizers.NAMES)
    p.add_argument("--lr", type=float, help="learning rate")
    p.add_argument("--hyper", type=_setting, action="append", metavar="NAME=VALUE", help="optimizer hyperparameter, e.g. momentum=0.9 or betas=0.9:0.99")
    p.add_argument("--schedule", choices=schedules.NAMES)
    p.add_argument("--schedule-setting", type=_setting, action="append", metavar="NAME=VALUE", help="e.g. gamma=0.5")
    p.add_argument("--warmup-steps", type=int)
    p.add_argument("--batch-size", type=_batch, help="1 = stochastic, 'full' = full batch")
    p.add_argument("--regularization", choices=REGULARIZATIONS)
    p.add_argument("--reg-rate", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--epochs", type=_positive, default=100, help="passes over the training set (default 100)")
    p.add_argument("--steps", type=_positive, help="stop after this many updates instead")
    p.add_argument("--json", action="store_true", help="print the final metrics as one JSON object")
    return p


_SIMPLE = ("dataset", "noise", "train_ratio", "points", "data_seed", "features", "hidden", "loss", "init",
           "optimizer", "lr", "schedule", "warmup_steps", "batch_size", "regularization", "reg_rate", "seed")


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The RunConfig the flags describe (on top of --config, if given)."""
    base = load_config(args.config) if args.config else RunConfig()
    changes = {name: getattr(args, name) for name in _SIMPLE if getattr(args, name) is not None}
    if args.activation is not None:
        changes["activation"] = args.activation[0] if len(args.activation) == 1 else args.activation
    if args.hyper:
        changes["hyper"] = {**base.hyper_dict, **dict(args.hyper)}
    if args.schedule_setting:
        changes["schedule_settings"] = {**base.schedule_dict, **dict(args.schedule_setting)}
    if "optimizer" in changes and "lr" not in changes and not args.config:
        changes["lr"] = optimizers.DEFAULT_LR[changes["optimizer"]]
    return base.replace(**changes)


def _progress(done: int, total: int, unit: str, loss: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {unit} {done}/{total}  batch loss {loss:.4f}")
    sys.stderr.flush()


def train_main(argv: Sequence[str]) -> int:
    from .engine.run import Run

    parser = train_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
        run = Run(config)
    except (ValueError, ExperimentError) as exc:
        parser.error(str(exc))
    except MemoryError:
        parser.error("this network does not fit in this computer's memory; use fewer or smaller hidden layers")
    show = sys.stderr.isatty() and not args.json
    every = max(1, args.steps // 100) if args.steps else 0

    def on_step(rec) -> None:
        if not show:
            return
        if args.steps:
            if rec.step % every == 0 or rec.step == args.steps:
                _progress(rec.step, args.steps, "update", rec.loss)
        elif rec.after.pos == 0:
            _progress(rec.after.epoch, args.epochs, "epoch", rec.loss)

    try:
        run.train(epochs=None if args.steps else args.epochs, steps=args.steps, on_step=on_step)
    except MemoryError:
        if show:
            sys.stderr.write("\n")
        parser.error(f"ran out of memory after {run.step_count} updates; use a smaller network or fewer points")
    if show:
        sys.stderr.write("\n")
    result = {**run.evaluate(), "updates": run.step_count, "epochs": run.epoch,
              "diverged": run.diverged.reason if run.diverged else None}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>15}: {value}")
    return 1 if run.diverged else 0


def app_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gdplayground", description="Watch and control gradient descent. Subcommand: train (see gdplayground train --help).")
    p.add_argument("file", nargs="?", help="an experiment file (.gdp.json) to open")
    p.add_argument("--config", metavar="FILE", help="start with this experiment")
    p.add_argument("--screenshot", metavar="OUT.png", help="open the window, train, save a PNG of it and exit")
    p.add_argument("--steps", type=int, default=0, help="updates to train before --screenshot")
    p.add_argument("--size", default="1280x800", help="window size for --screenshot, WIDTHxHEIGHT")
    p.add_argument("--dark", action="store_true", help="use a dark palette")
    p.add_argument("--self-test", action="store_true", help="check the engine and exit (non-zero on failure)")
    p.add_argument("--version", action="version", version=f"gdplayground {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:
        return train_main(argv[1:])
    if argv[:1] and argv[0] in ("surface", "race", "lr-find", "phase-map"):
        from .lab_cli import main as lab_main  # the optimizer lab's commands

        return lab_main(argv)
    args = app_parser().parse_args(argv)
    if args.self_test:
        from .self_test import run_checks

        return run_checks()
    from .app import run_app

    return run_app(args)
