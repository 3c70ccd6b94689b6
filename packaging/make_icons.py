"""Renders the app icon into what each platform's installer wants.

    python packaging/make_icons.py OUT_DIR [ICON.svg]

Writes OUT_DIR/hicolor/<n>x<n>/apps/gdplayground.png and hicolor/scalable/apps/gdplayground.svg
(Linux), OUT_DIR/gdplayground.ico with all sizes in one file (Windows) and
OUT_DIR/gdplayground.iconset/ for ``iconutil`` (macOS), all from resources/icons/gdplayground.svg.
``python packaging/make_icons.py resources/icons`` renews the PNGs the window itself uses. Needs
PySide6 (the build environment has it).
"""
from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ICON = ROOT / "resources" / "icons" / "gdplayground.svg"
HICOLOR = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICONSET = {f"icon_{n}x{n}{'@2x' if scale == 2 else ''}.png": n * scale for n in (16, 32, 128, 256, 512) for scale in (1, 2)}


def source_icon() -> Path:
    return ICON


def render(source: Path, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    if source.suffix == ".svg":
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        QSvgRenderer(str(source)).render(painter)
        painter.end()
        return image
    return QImage(str(source)).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A .ico holding one PNG per size (Windows Vista and later read PNG entries)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, blob in sorted(pngs.items()):
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    return header + entries + blobs


def main(out: Path, source: Path) -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs one)
    for size in HICOLOR:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "gdplayground.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        render(source, size).save(str(target))
    if source.suffix == ".svg":
        scalable = out / "hicolor" / "scalable" / "apps" / "gdplayground.svg"
        scalable.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, scalable)
    (out / "gdplayground.ico").write_bytes(ico_bytes({n: png_bytes(render(source, n)) for n in ICO}))
    iconset = out / "gdplayground.iconset"
    iconset.mkdir(parents=True, exist_ok=True)
    for name, size in ICONSET.items():
        render(source, size).save(str(iconset / name))
    print(f"icons from {source.relative_to(ROOT)} in {out}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve() if len(sys.argv) == 3 else source_icon())
