#!/usr/bin/env bash
# Builds the Linux installers from this checkout:
#   dist/gdplayground-VERSION-linux-x86_64.tar.gz   a folder that runs where it is unpacked
#   dist/gdplayground_VERSION_amd64.deb             /opt/gdplayground, /usr/bin/gdplayground,
#                                                   a menu entry, icons, a file type
# The bundle needs a glibc at least as new as the build machine's: build on the oldest system
# to support (CI uses Ubuntu 22.04, glibc 2.35).
#
# Environment: PYTHON (default python3; 3.10+ with a shared libpython), GDP_BUILD (work folder,
# default build/linux), GDP_OUT (default dist). PyInstaller lives only in the build
# environment GDP_BUILD/venv, never in the app's.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(mkdir -p "${GDP_BUILD:-$ROOT/build/linux}" && cd "${GDP_BUILD:-$ROOT/build/linux}" && pwd)
OUT=$(mkdir -p "${GDP_OUT:-$ROOT/dist}" && cd "${GDP_OUT:-$ROOT/dist}" && pwd)
PYTHON=${PYTHON:-python3}
VENV=$BUILD/venv
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
step() { printf '\n== %s\n' "$*"; }

step "build environment ($VENV)"
# What the build itself uses, and the system libraries of the Qt plugins the bundle keeps:
# PyInstaller can only carry (or name in Depends) what is on the build machine.
debs=(dpkg binutils gcc file fonts-dejavu-core
      libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxcb-randr0
      libxcb-render-util0 libxcb-image0 libwayland-client0 libwayland-cursor0 libwayland-egl1)
bash "$ROOT/packaging/install-debs.sh" "${debs[@]}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# Pinned versions (packaging/build-constraints.txt): an installer is rebuilt from the same parts.
"$VENV/bin/python" -m pip install -q -c "$ROOT/packaging/build-constraints.txt" pyinstaller "$ROOT"
# A fresh copy of the app every time, even when its version number did not change.
"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$ROOT"
VERSION=$("$VENV/bin/python" -c "import gdplayground; print(gdplayground.__version__)")
NAME=gdplayground-$VERSION-linux-x86_64

step "fonts and icons"
rm -rf "$BUILD/fonts" "$BUILD/icons"
mkdir -p "$BUILD/fonts"
for f in DejaVuSans DejaVuSans-Bold DejaVuSansMono; do  # Qt slants for italics itself
  cp /usr/share/fonts/truetype/dejavu/$f.ttf "$BUILD/fonts/"
done
# DejaVu's licence allows redistribution with its notice, which travels with the fonts.
cp /usr/share/doc/fonts-dejavu-core/copyright "$BUILD/fonts/LICENSE-DejaVu.txt"
cp "$ROOT/packaging/linux/fonts.conf" "$BUILD/fonts/fonts.conf"
"$VENV/bin/python" "$ROOT/packaging/make_icons.py" "$BUILD/icons"

step "PyInstaller $("$VENV/bin/pyinstaller" --version)"
rm -rf "$BUILD/dist"
GDP_FONTS="$BUILD/fonts" "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$BUILD/dist" --workpath "$BUILD/work" "$ROOT/packaging/gdplayground.spec"
BUNDLE=$BUILD/dist/gdplayground
# The interpreter's own symbols only (some Python builds ship debug info: 25 MB). Not NumPy's
# libraries, which stripping breaks.
for lib in "$BUNDLE"/_internal/libpython3*.so* "$BUNDLE"/_internal/python3*/lib-dynload/*.so; do
  if [ -f "$lib" ] && [ ! -L "$lib" ] && file "$lib" | grep -q "not stripped"; then strip --strip-unneeded "$lib"; fi
done
# Qt's ICU data (31 MB) down to what Qt may load: collation and the core Unicode tables.
for lib in "$BUNDLE"/_internal/PySide6/Qt/lib/libicudata.so.*; do
  if [ -f "$lib" ] && [ ! -L "$lib" ]; then
    mkdir -p "$BUILD/icu" && "$VENV/bin/python" "$ROOT/packaging/linux/trim_icu.py" "$lib" "$BUILD/icu/${lib##*/}"
    cp "$BUILD/icu/${lib##*/}" "$lib"
  fi
done
cp "$ROOT/packaging/linux/install-menu-entry.sh" "$BUNDLE/"
mkdir -p "$BUNDLE/share"
cp -r "$BUILD/icons/hicolor" "$BUNDLE/share/"
cp "$ROOT/packaging/linux/gdplayground-mime.xml" "$BUNDLE/share/"
desktop_file() {  # the app's menu entry (resources/), with Exec pointing at this install
  sed -e "s|^Exec=.*|Exec=$1 %f|" -e "s|^Icon=.*|Icon=gdplayground|" -e "s|^TryExec=.*|TryExec=$1|" \
    "$ROOT/resources/gdplayground.desktop"
}
desktop_file gdplayground > "$BUNDLE/share/gdplayground.desktop"

step "self-test of the bundle"
QT_QPA_PLATFORM=offscreen "$BUNDLE/gdplayground" --self-test > "$BUILD/self-test.txt" || { cat "$BUILD/self-test.txt"; exit 1; }
tail -n 1 "$BUILD/self-test.txt"
echo "unpacked: $(du -sm "$BUNDLE" | cut -f1) MB"

step "tarball"
rm -f "$OUT/$NAME.tar.gz"
tar -C "$BUILD/dist" --owner=0 --group=0 --transform "s|^gdplayground|$NAME|" -czf "$OUT/$NAME.tar.gz" gdplayground
echo "$OUT/$NAME.tar.gz: $(du -m "$OUT/$NAME.tar.gz" | cut -f1) MB"

step ".deb"
DEB=$BUILD/deb
rm -rf "$DEB"
mkdir -p "$DEB/DEBIAN" "$DEB/opt" "$DEB/usr/bin" "$DEB/usr/share/applications" "$DEB/usr/share/icons" \
  "$DEB/usr/share/mime/packages" "$DEB/usr/share/doc/gdplayground"
cp -a "$BUNDLE" "$DEB/opt/gdplayground"
rm -rf "$DEB/opt/gdplayground/share" "$DEB/opt/gdplayground/install-menu-entry.sh"  # the system places them
ln -s /opt/gdplayground/gdplayground "$DEB/usr/bin/gdplayground"
desktop_file gdplayground > "$DEB/usr/share/applications/gdplayground.desktop"
cp -r "$BUILD/icons/hicolor" "$DEB/usr/share/icons/"
cp "$ROOT/packaging/linux/gdplayground-mime.xml" "$DEB/usr/share/mime/packages/gdplayground.xml"
cp "$ROOT/packaging/linux/copyright" "$DEB/usr/share/doc/gdplayground/copyright"
printf 'gdplayground (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' "$VERSION" "$VERSION" \
  "$(sed -n 's/^Maintainer: //p' "$ROOT/packaging/linux/control.in")" "$(date -R)" \
  | gzip -9n > "$DEB/usr/share/doc/gdplayground/changelog.gz"
find "$DEB/opt" -type f -name '*.so*' -exec chmod 0644 {} +  # libraries need no execute bit
DEPENDS=$("$ROOT/packaging/linux/deb-depends.sh" "$DEB/opt/gdplayground")
sed -e "s|@VERSION@|$VERSION|" -e "s|@ARCH@|$ARCH|" -e "s|@DEPENDS@|$DEPENDS|" \
  -e "s|@SIZE@|$(du -sk "$DEB" | cut -f1)|" "$ROOT/packaging/linux/control.in" > "$DEB/DEBIAN/control"
find "$DEB" -type d -exec chmod 0755 {} +
rm -f "$OUT/gdplayground_${VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Zxz --build "$DEB" "$OUT/gdplayground_${VERSION}_$ARCH.deb" >/dev/null
echo "$OUT/gdplayground_${VERSION}_$ARCH.deb: $(du -m "$OUT/gdplayground_${VERSION}_$ARCH.deb" | cut -f1) MB"
echo "Depends: $DEPENDS"
