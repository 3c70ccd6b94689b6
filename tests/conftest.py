import os

# Qt aborts the whole run when it has no display and no platform is set: choose one first.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
