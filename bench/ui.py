"""How the window holds up while training flat out: repaints per second, updates per second and
the worst lateness of a 10 ms timer on the GUI thread (what a student feels as lag).

    QT_QPA_PLATFORM=offscreen python bench/ui.py [--seconds 5]

Targets (issue 3): >= 15,000 updates/s on the default network with >= 30 fps and a worst lag
<= 50 ms; the 6x8 network (all 7 features, six hidden layers of 8) at >= 30 fps.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, QObject, QTimer, Qt  # noqa: E402

from gdplayground.app import make_application  # noqa: E402
from gdplayground.engine.config import RunConfig  # noqa: E402
from gdplayground.ui.main_window import MainWindow  # noqa: E402
from gdplayground.ui.screenshot import settle  # noqa: E402

CASES = {
    "default (2-4-2-1)": RunConfig(),
    "6x8 (7-8x6-1)": RunConfig(features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"), hidden=(8,) * 6),
}


class PaintCounter(QObject):
    """Counts paint events that reach a widget (frames actually drawn)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class LagProbe:
    """A 10 ms timer that records how late each tick is."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.lags.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lags.append(max(0.0, now - self._last - 0.010))
        self._last = now


def measure(config: RunConfig, seconds: float, size: tuple[int, int], trainer: str) -> dict[str, float]:
    os.environ["GDPLAYGROUND_TRAINER"] = trainer
    window = MainWindow(config, settings=None)
    window.resize(*size)
    window.show()
    settle(300)
    window.controller.start_process()
    deadline = time.perf_counter() + 15
    while window.controller.trainer != trainer and time.perf_counter() < deadline:
        settle(50)  # the training process takes a moment to start
    painted = PaintCounter()
    window.boundary_plot.viewport().installEventFilter(painted)
    frames = [0]
    window.controller.frame_ready.connect(lambda: frames.__setitem__(0, frames[0] + 1))
    probe = LagProbe()
    c = window.controller
    start_step = c.run.step_count
    probe.start()
    t0 = time.perf_counter()
    c.play()
    settle(int(seconds * 1000))
    c.pause()
    elapsed = time.perf_counter() - t0
    pause_t = time.perf_counter()
    while c.busy:
        settle(1)
    pause_ms = 1000 * (time.perf_counter() - pause_t)
    probe.timer.stop()
    updates = c.run.step_count - start_step
    window.close()
    settle(50)
    lags = sorted(probe.lags) or [0.0]
    return {
        "updates/s": updates / elapsed,
        "repaints/s": frames[0] / elapsed,
        "painted/s": painted.count / elapsed,
        "lag median ms": 1000 * statistics.median(lags),
        "lag worst ms": 1000 * lags[-1],
        "pause ms": pause_ms,
        "frame cost ms": 1000 * c.frame_cost,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--trainer", choices=("process", "thread", "both"), default="both",
                        help="where training runs: a child process (the default) or the lockstep thread")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    make_application()
    trainers = ("process", "thread") if args.trainer == "both" else (args.trainer,)
    rows = [(f"{name} {t}", measure(config, args.seconds, (w, h), t)) for t in trainers for name, config in CASES.items()]
    keys = list(rows[0][1])
    print(f"{'network, trainer':<28}" + "".join(f"{k:>15}" for k in keys))
    for name, result in rows:
        print(f"{name:<28}" + "".join(f"{result[k]:>15,.1f}" for k in keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
