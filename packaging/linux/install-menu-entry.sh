#!/usr/bin/env bash
# For the tarball: adds GD Playground to your applications menu (for you only, no root needed),
# pointing at this folder. Run it again after moving the folder; --remove takes the entry away.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
if [ "${1:-}" = "--remove" ]; then
  rm -f "$data/applications/gdplayground.desktop" "$data/mime/packages/gdplayground.xml"
  find "$data/icons/hicolor" -name 'gdplayground.*' -delete 2>/dev/null || true
  echo "GD Playground removed from the menu (this folder stays; delete it yourself)."
else
  mkdir -p "$data/applications" "$data/mime/packages" "$data/icons"
  sed "s|^Exec=.*|Exec=\"$here/gdplayground\" %f|; s|^TryExec=.*|TryExec=$here/gdplayground|" \
    "$here/share/gdplayground.desktop" > "$data/applications/gdplayground.desktop"
  cp -r "$here/share/hicolor" "$data/icons/"
  cp "$here/share/gdplayground-mime.xml" "$data/mime/packages/gdplayground.xml"
  echo "GD Playground added to your applications menu."
fi
# Refresh the desktop's caches where their tools exist (desktops also notice on their own).
if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications" || true; fi
if command -v update-mime-database >/dev/null; then update-mime-database "$data/mime" || true; fi
if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t "$data/icons/hicolor" || true; fi
