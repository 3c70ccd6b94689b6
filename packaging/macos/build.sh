#!/usr/bin/env bash
# Builds the macOS installer from this checkout:
#   dist/gdplayground-VERSION-macos-ARCH.dmg   "GD Playground.app" and a link to Applications
# ARCH is the build machine's (arm64 on Apple silicon runners); the oldest macOS it runs on is
# read from its binaries and printed. The app is signed ad hoc, not notarized: the first start
# needs right-click > Open (or Privacy & Security > Open Anyway).
# Environment: PYTHON (default python3; 3.10+, e.g. from python.org or actions/setup-python),
# GDP_BUILD (default build/macos), GDP_OUT (default dist).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(mkdir -p "${GDP_BUILD:-$ROOT/build/macos}" && cd "${GDP_BUILD:-$ROOT/build/macos}" && pwd)
OUT=$(mkdir -p "${GDP_OUT:-$ROOT/dist}" && cd "${GDP_OUT:-$ROOT/dist}" && pwd)
PYTHON=${PYTHON:-python3}
VENV=$BUILD/venv
step() { printf '\n== %s\n' "$*"; }

min_macos() {  # the newest "minimum macOS" that any Mach-O file under $1 was built for
  find "$1" -type f | while IFS= read -r f; do
    case "$(file -b "$f")" in Mach-O*) ;; *) continue ;; esac
    otool -arch "$ARCH" -l "$f" 2>/dev/null | awk '
      $1 == "cmd" { cmd = $2 }
      cmd == "LC_BUILD_VERSION" && $1 == "minos" { print $2 }
      cmd == "LC_VERSION_MIN_MACOSX" && $1 == "version" { print $2 }' || true
  done | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1
}

step "build environment ($VENV)"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# Pinned versions (packaging/build-constraints.txt): an installer is rebuilt from the same parts.
"$VENV/bin/python" -m pip install -q -c "$ROOT/packaging/build-constraints.txt" pyinstaller "$ROOT"
# A fresh copy of the app every time, even when its version number did not change.
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
[ -x "$APP/Contents/MacOS/gdplayground" ] || { echo "PyInstaller made no $APP" >&2; exit 1; }
[ -f "$APP/Contents/Resources/gdplayground.icns" ] || { echo "the app has no icon" >&2; exit 1; }
# The oldest macOS the app runs on is the newest its wheels were built for (Qt's, NumPy's), not
# a fixed number: Finder then refuses an older macOS with a message instead of a crash.
MINOS=$(min_macos "$APP")
[ -n "$MINOS" ] || { echo "no Mach-O file in the app names its minimum macOS" >&2; exit 1; }
plutil -replace LSMinimumSystemVersion -string "$MINOS" "$APP/Contents/Info.plist"
echo "needs macOS $MINOS or later"
# Ad hoc (after the Info.plist edit, which breaks PyInstaller's seal), so that Apple silicon
# runs it; a Developer ID and notarization would replace "-".
codesign --force --deep --sign - "$APP"

step "self-test of the app"
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/gdplayground" --self-test
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/gdplayground" --screenshot "$BUILD/screenshot.png" --steps 20
codesign --verify --deep --strict "$APP"  # also: running it wrote nothing into the sealed bundle
echo "unpacked: $(du -sm "$APP" | cut -f1) MB"

step ".dmg"
DMG="$OUT/gdplayground-$VERSION-macos-$ARCH.dmg"
rm -rf "$BUILD/dmg" "$DMG"
mkdir -p "$BUILD/dmg"
ditto "$APP" "$BUILD/dmg/GD Playground.app"  # keeps symlinks, modes and the signature as they are
ln -s /Applications "$BUILD/dmg/Applications"
# hdiutil now and then fails with "Resource busy" on CI machines (a scanner holds the new
# image); it passes when tried again.
for try in 1 2 3 4 5; do
  hdiutil create -volname "GD Playground" -srcfolder "$BUILD/dmg" -fs HFS+ -format UDZO -ov "$DMG" && break
  [ "$try" -lt 5 ] || exit 1
  echo "hdiutil failed; trying again in 10 s" >&2
  sleep 10
done
hdiutil verify "$DMG"
echo "$DMG: $(du -m "$DMG" | cut -f1) MB"
