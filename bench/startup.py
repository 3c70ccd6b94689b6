"""Start-up time: from launching ``gdplayground`` to its window being shown, for each install.

    .venv/bin/python bench/startup.py [--runs 7] [--bundle build/linux/dist/gdplayground]

Measured from outside, with no help from the app: a private X server (Xvfb) runs, ``xev``
watches the screen's root window, and the clock stops at the MapNotify of the app's first
top-level window, the moment the window system shows it. The app is then ended with its
whole process group (the training child included). Each install runs ``--runs`` times; the
table gives the median, the fastest and the slowest. Needs Xvfb and xev (x11-utils).
"""
from __future__ import annotations

import argparse
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 1.5
TIMEOUT_S = 60.0


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private X server on a free display; its name, e.g. ':7'."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not start")
    return server, f":{number}"


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def time_to_window(command: list[str], display: str) -> float:
    """Seconds from launching ``command`` to the first top-level window mapped on ``display``."""
    # stdbuf: xev writes through C stdio, which holds lines back when writing into a pipe
    watcher = subprocess.Popen(["stdbuf", "-oL", "xev", "-display", display, "-root", "-event", "substructure"],
                               stdout=subprocess.PIPE, bufsize=0, start_new_session=True)
    time.sleep(0.5)  # xev has selected its events by then
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = display
    began = time.perf_counter()
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    seen = b""
    try:
        while time.perf_counter() - began < TIMEOUT_S:
            ready, _, _ = select.select([watcher.stdout], [], [], 0.5)
            if ready:
                seen += os.read(watcher.stdout.fileno(), 65536)
                if b"MapNotify" in seen:
                    return time.perf_counter() - began
            if app.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {app.returncode} before showing a window")
        raise RuntimeError(f"no window within {TIMEOUT_S:g} s")
    finally:
        _stop(app)
        _stop(watcher)


def installs(bundle: Path | None) -> list[tuple[str, list[str]]]:
    """(label, command) of each install found here."""
    found = []
    venv = ROOT / ".venv" / "bin" / "gdplayground"
    if venv.is_file():
        found.append(("pip install (.venv/bin/gdplayground)", [str(venv)]))
    candidates = [bundle] if bundle else [ROOT / "build" / "linux" / "dist" / "gdplayground"]
    for folder in candidates:
        if folder and (folder / "gdplayground").is_file():
            found.append((f"bundle ({folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder})",
                          [str(folder / "gdplayground")]))
    if Path("/opt/gdplayground/gdplayground").is_file():
        found.append((".deb installed (/usr/bin/gdplayground)", ["/usr/bin/gdplayground"]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bundle", type=Path, help="a PyInstaller folder (default build/linux/dist/gdplayground)")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("Xvfb", "xev") if shutil.which(tool) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (Debian: xvfb, x11-utils)", file=sys.stderr)
        return 2
    targets = installs(args.bundle)
    if not targets:
        print("nothing to measure: no .venv, bundle or installed .deb found", file=sys.stderr)
        return 2
    server, display = start_xvfb()
    try:
        rows = []
        for label, command in targets:
            time_to_window(command, display)  # one warm-up: the first start reads everything from disk
            times = [time_to_window(command, display) for _ in range(args.runs)]
            rows.append((label, statistics.median(times), min(times), max(times)))
    finally:
        server.terminate()
        server.wait()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Start-up to the first shown window, {args.runs} runs after one warm-up "
          f"({os.cpu_count()} cores, load {load:.1f}; target <= {TARGET_S:g} s)\n")
    width = max(len(r[0]) for r in rows)
    print(f"| {'install'.ljust(width)} | median | fastest | slowest |")
    print(f"|{'-' * (width + 2)}|-------:|--------:|--------:|")
    for label, median, fastest, slowest in rows:
        print(f"| {label.ljust(width)} | {median:5.2f} s | {fastest:6.2f} s | {slowest:6.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
