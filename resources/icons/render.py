"""Render gdplayground.svg to the PNG sizes desktops ask for (hicolor/NxN/apps/gdplayground.png).

    QT_QPA_PLATFORM=offscreen python resources/icons/render.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
HERE = Path(__file__).resolve().parent


def render(svg: Path, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
    QSvgRenderer(str(svg)).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts and image plugins need it)
    svg = HERE / "gdplayground.svg"
    for size in SIZES:
        out = HERE / "hicolor" / f"{size}x{size}" / "apps" / "gdplayground.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not render(svg, size).save(str(out), "PNG"):
            print(f"cannot write {out}", file=sys.stderr)
            return 1
    scalable = HERE / "hicolor" / "scalable" / "apps" / "gdplayground.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(svg.read_bytes())
    print(f"{len(SIZES)} sizes written under {HERE / 'hicolor'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
