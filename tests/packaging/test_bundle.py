"""Build the Linux installers and use them as a student would: unpack the tarball and run it,
install the .deb, run the installed command, uninstall. Slow (minutes): run with
``pytest -m slow tests/packaging``. The same by hand: packaging/linux/check.sh.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZE_LIMIT_MB = 150  # the target (10^6 bytes); measured 144 MB (137 MiB) with the ICU data trimmed
DEB_FILES = ("/opt/gdplayground", "/usr/bin/gdplayground", "/usr/share/applications/gdplayground.desktop",
             "/usr/share/icons/hicolor/256x256/apps/gdplayground.png", "/usr/share/mime/packages/gdplayground.xml")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux installers build on Linux"),
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (Debian/Ubuntu)"),
]


@dataclass(frozen=True)
class Built:
    bundle: Path
    tarball: Path
    deb: Path
    seconds: float


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "GDP_OUT": str(out), "GDP_BUILD": str(ROOT / "build" / "linux-test")}
    began = time.perf_counter()
    proc = subprocess.run(["bash", str(ROOT / "packaging" / "linux" / "build.sh")], env=env,
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    (tarball,) = out.glob("gdplayground-*-linux-x86_64.tar.gz")
    (deb,) = out.glob("gdplayground_*.deb")
    return Built(ROOT / "build" / "linux-test" / "dist" / "gdplayground", tarball, deb, time.perf_counter() - began)


def _run(command: list[str], platform: str | None = "offscreen", **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd="/", **kw)


def _self_test_passes(executable: str | Path) -> None:
    proc = _run([str(executable), "--self-test"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "FAIL" not in proc.stdout and " 0 failed" in proc.stdout.splitlines()[-1]


def _looks_like_the_window(png: Path) -> None:
    """The right size, and drawn: many colours, among them the data's orange and blue."""
    from PySide6.QtGui import QColor, QImage
    from PySide6.QtWidgets import QApplication

    from gdplayground.app import Application  # the class every test runs in (tests/conftest.py)

    QApplication.instance() or Application([])
    image = QImage(str(png))
    assert image.width() >= 1280 and image.height() == 800, (image.width(), image.height())
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 200, f"only {len(colours)} colours: a blank or unfinished window"

    def near(rgb: tuple[int, int, int]) -> bool:
        return any(sum(abs(a - b) for a, b in zip(QColor(c).getRgb()[:3], rgb)) < 40 for c in colours)

    assert near((245, 147, 34)) and near((8, 119, 189)), "the orange and blue of the data are missing"


def test_tarball_runs_where_it_is_unpacked(built: Built, tmp_path: Path) -> None:
    with tarfile.open(built.tarball) as tar:
        tar.extractall(tmp_path, filter="tar")
    (folder,) = tmp_path.iterdir()
    _self_test_passes(folder / "gdplayground")
    assert (folder / "install-menu-entry.sh").is_file() and (folder / "share" / "gdplayground.desktop").is_file()


def test_bundle_size(built: Built) -> None:
    size = sum(f.stat().st_size for f in built.bundle.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6
    print(f"\nbuild {built.seconds:.0f} s; bundle {size:.0f} MB unpacked; tarball "
          f"{built.tarball.stat().st_size / 1e6:.0f} MB; .deb {built.deb.stat().st_size / 1e6:.0f} MB")
    assert size < SIZE_LIMIT_MB


def test_screenshot_offscreen_shows_the_window(built: Built, tmp_path: Path) -> None:
    png = tmp_path / "window.png"
    proc = _run([str(built.bundle / "gdplayground"), "--screenshot", str(png), "--steps", "20"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _looks_like_the_window(png)


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb")
def test_screenshot_on_an_x_server(built: Built, tmp_path: Path) -> None:
    """The xcb platform plugin and the X libraries it needs are all there."""
    png = tmp_path / "window.png"
    proc = _run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", str(built.bundle / "gdplayground"),
                 "--screenshot", str(png), "--steps", "5"], platform=None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _looks_like_the_window(png)


@pytest.mark.skipif(shutil.which("weston") is None, reason="needs weston (a Wayland compositor) to run headless")
def test_screenshot_on_wayland(built: Built, tmp_path: Path) -> None:
    """The Wayland platform plugin loads and talks to a real compositor."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    compositor = subprocess.Popen(["weston", "--backend=headless-backend.so", "--socket=gdp-test", "--idle-time=0"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if (runtime / "gdp-test").exists():
                break
            time.sleep(0.1)
        png = tmp_path / "window.png"
        proc = subprocess.run([str(built.bundle / "gdplayground"), "--screenshot", str(png), "--steps", "5"],
                              env={**env, "WAYLAND_DISPLAY": "gdp-test", "QT_QPA_PLATFORM": "wayland"},
                              capture_output=True, text=True, timeout=300)
    finally:
        compositor.terminate()
        compositor.wait(10)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _looks_like_the_window(png)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root to hide the fonts")
def test_text_renders_with_no_system_fonts(built: Built, tmp_path: Path) -> None:
    """A bare system: the system's fonts and font configuration hidden, the bundled ones used."""
    png = tmp_path / "window.png"
    script = ("mount -t tmpfs none /usr/share/fonts && mount -t tmpfs none /etc/fonts && "
              f"exec '{built.bundle / 'gdplayground'}' --screenshot '{png}' --steps 5")
    proc = _run(["unshare", "-m", "sh", "-c", script])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _looks_like_the_window(png)


@pytest.mark.skipif(os.geteuid() != 0, reason="dpkg -i needs root")
def test_deb_installs_runs_and_uninstalls_cleanly(built: Built) -> None:
    if subprocess.run(["dpkg", "-s", "gdplayground"], capture_output=True).returncode == 0:
        pytest.skip("gdplayground is installed on this machine already; not touching it")
    try:
        install = subprocess.run(["dpkg", "-i", str(built.deb)], capture_output=True, text=True)
        assert install.returncode == 0, install.stdout + install.stderr
        assert all(Path(f).exists() for f in DEB_FILES)
        _self_test_passes("/usr/bin/gdplayground")
        trained = _run(["gdplayground", "train", "--steps", "5", "--json"])
        assert trained.returncode == 0 and '"updates": 5' in trained.stdout, trained.stdout + trained.stderr
    finally:
        remove = subprocess.run(["dpkg", "-r", "gdplayground"], capture_output=True, text=True)
    assert remove.returncode == 0, remove.stdout + remove.stderr
    assert [f for f in DEB_FILES if Path(f).exists()] == []
    # No configuration files either, so dpkg forgets the package entirely.
    assert subprocess.run(["dpkg", "-s", "gdplayground"], capture_output=True).returncode != 0
    assert not list(Path("/usr/share/icons/hicolor").rglob("gdplayground.*"))
