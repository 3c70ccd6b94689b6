#!/usr/bin/env bash
# By hand, what tests/packaging/test_bundle.py does: build the Linux installers, run the
# bundle (self-test; screenshots offscreen, on Xvfb, on a headless Wayland compositor and with
# the system's fonts hidden), install the .deb, run the installed command, uninstall and check
# nothing is left. Needs root for dpkg.
# Screenshots are left in build/linux-check/ to look at.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$ROOT/build/linux-check
export GDP_BUILD=$WORK GDP_OUT=$WORK/out
BUNDLE=$WORK/dist/gdplayground
began=$SECONDS
step() { printf '\n== %s (%d s)\n' "$*" $((SECONDS - began)); }

step build
bash "$ROOT/packaging/linux/build.sh"

step "tarball: unpack and self-test"
rm -rf "$WORK/unpacked" && mkdir -p "$WORK/unpacked"
tar -xzf "$WORK"/out/gdplayground-*-linux-x86_64.tar.gz -C "$WORK/unpacked"
unpacked=$(find "$WORK/unpacked" -mindepth 2 -maxdepth 2 -name gdplayground -type f)
(cd / && QT_QPA_PLATFORM=offscreen "$unpacked" --self-test | tail -n 1)

step "screenshots"
QT_QPA_PLATFORM=offscreen "$BUNDLE/gdplayground" --screenshot "$WORK/offscreen.png" --steps 20
if command -v xvfb-run >/dev/null; then
  env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1600x1000x24" "$BUNDLE/gdplayground" --screenshot "$WORK/xvfb.png" --steps 5
fi
if command -v weston >/dev/null; then  # a Wayland compositor without a screen
  runtime=$(mktemp -d) && chmod 700 "$runtime"
  XDG_RUNTIME_DIR=$runtime weston --backend=headless-backend.so --socket=gdp-check --idle-time=0 >/dev/null 2>&1 &
  compositor=$!
  for _ in $(seq 50); do [ -S "$runtime/gdp-check" ] && break; sleep 0.1; done
  XDG_RUNTIME_DIR=$runtime WAYLAND_DISPLAY=gdp-check QT_QPA_PLATFORM=wayland \
    "$BUNDLE/gdplayground" --screenshot "$WORK/wayland.png" --steps 5
  kill "$compositor"; wait "$compositor" 2>/dev/null || true
  rm -rf "$runtime"
fi
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
  QT_QPA_PLATFORM=offscreen unshare -m sh -c "mount -t tmpfs none /usr/share/fonts && mount -t tmpfs none /etc/fonts && \
    exec '$BUNDLE/gdplayground' --screenshot '$WORK/no-system-fonts.png' --steps 5"
fi

step ".deb: install, run, uninstall"
if dpkg -s gdplayground >/dev/null 2>&1; then
  echo "gdplayground is installed already; skipping the install test"
else
  trap 'dpkg --purge gdplayground >/dev/null 2>&1 || true' EXIT
  dpkg -i "$WORK"/out/gdplayground_*.deb
  (cd / && QT_QPA_PLATFORM=offscreen gdplayground --self-test | tail -n 1)
  dpkg -r gdplayground
  trap - EXIT
  left=$(ls -d /opt/gdplayground /usr/bin/gdplayground /usr/share/applications/gdplayground.desktop \
    /usr/share/mime/packages/gdplayground.xml 2>/dev/null; find /usr/share/icons/hicolor -name 'gdplayground.*')
  if [ -n "$left" ]; then echo "left behind after uninstall:"; echo "$left"; exit 1; fi
  echo "uninstalled; nothing left behind"
fi

step "done"
echo "unpacked bundle: $(du -sm "$BUNDLE" | cut -f1) MB"
du -m "$WORK"/out/*
echo "screenshots: $WORK/*.png"
