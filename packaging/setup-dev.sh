#!/usr/bin/env bash
# Sets up a development checkout on Debian/Ubuntu: the Debian packages Qt needs, then .venv with
# the app and its test tools. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(
  python3 python3-venv python3-pip
  libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
  libxcb-randr0 libxcb-render-util0 libxcb-image0
  xvfb xauth fonts-dejavu-core
)
bash packaging/install-debs.sh "${debs[@]}"

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
