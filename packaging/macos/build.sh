#!/usr/bin/env bash
# Builds the macOS installer from this checkout:
#   dist/gdplayground-VERSION-macos-ARCH.dmg   "GD Playground.app" and a link to Applications
# ARCH is the build machine's (arm64 on Apple silicon runners). The app is signed ad hoc, not
# notarized: the first start needs right-click > Open (or Privacy & Security > Open Anyway).
# Environment: PYTHON (default python3; 3.10+, e.g. from python.org or actions/setup-python),
# GDP_BUILD (default build/macos), GDP_OUT (default dist).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(mkdir -p "${GDP_BUILD:-$ROOT/build/macos}" && cd "${GDP_BUILD:-$ROOT/build/macos}" && pwd)
OUT=$(mkdir -p "${GDP_OUT:-$ROOT/dist}" && cd "${GDP_OUT:-$ROOT/dist}" && pwd)
PYTHON=${PYTHON:-python3}
VENV=$BUILD/venv
step() { printf '\n== %s\n' "$*"; }

step "build environment ($VENV)"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -c "$ROOT/packaging/build-constraints.txt" pyinstaller "$ROOT"
"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$ROOT"
VERSION=$("$VENV/bin/python" -c "import gdplayground; print(gdplayground.__version__)")
ARCH=$(uname -m)

step "icons"
rm -rf "$BUILD/icons"
"$VENV/bin/python" "$ROOT/packaging/make_icons.py" "$BUILD/icons"
iconutil --convert icns --output "$BUILD/icons/gdplayground.icns" "$BUILD/icons/gdplayground.iconset"

step "PyInstaller"
rm -rf "$BUILD/dist"
GDP_ICON="$BUILD/icons/gdplayground.icns" GDP_VERSION="$VERSION" "$VENV/bin/pyinstaller" --noconfirm \
  --log-level WARN --distpath "$BUILD/dist" --workpath "$BUILD/work" "$ROOT/packaging/gdplayground.spec"
APP="$BUILD/dist/GD Playground.app"
[ -f "$APP/Contents/Resources/gdplayground.icns" ] || { echo "the app has no icon" >&2; exit 1; }

step "self-test of the app"
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/gdplayground" --self-test
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/gdplayground" --screenshot "$BUILD/screenshot.png" --steps 20
# Ad hoc, so that Apple silicon runs it; a Developer ID and notarization would replace "-".
codesign --force --deep --sign - "$APP"
codesign --verify --deep --strict "$APP"
echo "unpacked: $(du -sm "$APP" | cut -f1) MB"

step ".dmg"
DMG="$OUT/gdplayground-$VERSION-macos-$ARCH.dmg"
rm -rf "$BUILD/dmg" "$DMG"
mkdir -p "$BUILD/dmg"
cp -R "$APP" "$BUILD/dmg/"
ln -s /Applications "$BUILD/dmg/Applications"
hdiutil create -volname "GD Playground" -srcfolder "$BUILD/dmg" -fs HFS+ -format UDZO -ov "$DMG"
hdiutil verify "$DMG"
echo "$DMG: $(du -m "$DMG" | cut -f1) MB"
