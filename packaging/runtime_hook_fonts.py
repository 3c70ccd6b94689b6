"""PyInstaller runtime hook: runs inside the bundle before the app's own code.

On Linux the bundle carries DejaVu Sans in ``fonts/`` so that text renders even on a system
without any font package. Qt finds fonts through fontconfig there, so fontconfig is pointed at a
configuration that reads the system's own configuration (when it exists) and adds the bundled
folder; QT_QPA_FONTDIR serves Qt's font database when it runs without fontconfig. A user's own
FONTCONFIG_FILE or QT_QPA_FONTDIR is left alone.
"""
import os
import sys

_fonts = os.path.join(getattr(sys, "_MEIPASS", os.path.dirname(sys.executable)), "fonts")
if os.path.isdir(_fonts):
    os.environ.setdefault("QT_QPA_FONTDIR", _fonts)
    _conf = os.path.join(_fonts, "fonts.conf")
    if sys.platform.startswith("linux") and os.path.isfile(_conf):
        os.environ.setdefault("FONTCONFIG_FILE", _conf)
