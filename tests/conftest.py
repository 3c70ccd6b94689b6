import os

# Qt aborts the whole run when it has no display and no platform is set: choose one first.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Windows built by tests train on the lockstep thread: no child process per test window. The
# training process itself is tested where a test asks for it (tests/ui/test_controller.py).
os.environ.setdefault("GDPLAYGROUND_TRAINER", "thread")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def qapp_cls():
    """Tests run in the app's own QApplication subclass (pytest-qt creates it from this)."""
    from gdplayground.app import Application

    return Application
