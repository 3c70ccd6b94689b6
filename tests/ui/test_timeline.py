"""The timeline through the real widget: range and position, seeking by buttons, keyboard and
slider, and the branch question."""
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from gdplayground.ui.timeline import BRANCH_QUIET, Timeline, confirm_branch


@pytest.fixture
def timeline(qtbot):
    t = Timeline()
    qtbot.addWidget(t)
    t.resize(600, 40)
    t.show()
    return t


def test_shows_position_without_emitting(timeline, qtbot):
    assert timeline.text() == "no updates yet"
    assert not timeline.back_button.isEnabled() and not timeline.forward_button.isEnabled()
    with qtbot.assertNotEmitted(timeline.seek_requested):
        timeline.set_range(120, 37)
    assert timeline.text() == "update 37 of 120" and timeline.position == 37
    timeline.set_range(121)
    assert timeline.text() == "update 121 of 121 (latest)"
    assert not timeline.forward_button.isEnabled() and not timeline.latest_button.isEnabled()
    timeline.set_range(5, 0)
    assert timeline.text() == "start (before update 1) of 5"
    timeline.set_range(5, 99)  # clipped to the head
    assert timeline.position == 5


def test_buttons_ask_to_seek_one_update(timeline, qtbot):
    timeline.set_range(50, 20)
    with qtbot.waitSignal(timeline.seek_requested) as sig:
        qtbot.mouseClick(timeline.back_button, Qt.MouseButton.LeftButton)
    assert sig.args == [19] and timeline.text() == "update 19 of 50"
    with qtbot.waitSignal(timeline.seek_requested) as sig:
        qtbot.mouseClick(timeline.forward_button, Qt.MouseButton.LeftButton)
    assert sig.args == [20]
    with qtbot.waitSignal(timeline.seek_requested) as sig:
        qtbot.mouseClick(timeline.latest_button, Qt.MouseButton.LeftButton)
    assert sig.args == [50]
    with qtbot.assertNotEmitted(timeline.seek_requested):
        timeline.forward_button.click()  # disabled at the head


def test_keyboard_and_dragging_seek(timeline, qtbot):
    timeline.set_range(100, 100)
    timeline.slider.setFocus()
    with qtbot.waitSignal(timeline.seek_requested) as sig:
        qtbot.keyClick(timeline.slider, Qt.Key.Key_Home)
    assert sig.args == [0]
    with qtbot.waitSignal(timeline.seek_requested) as sig:
        qtbot.keyClick(timeline.slider, Qt.Key.Key_PageUp)
    assert sig.args == [10]
    # a click in the groove's right part pages toward it
    slider = timeline.slider
    with qtbot.waitSignal(timeline.seek_requested) as sig:
        qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(slider.width() * 5 // 6, slider.height() // 2))
    assert sig.args[0] > 10


def _answer(button_text: str | None):
    """Click ``button_text`` (None: Cancel) in the dialog as soon as it is up."""
    def click():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, click)
            return
        assert isinstance(box, QMessageBox) and box.objectName() == "branchDialog"
        assert "2,000 later updates will be discarded" in box.text()
        target = box.button(QMessageBox.StandardButton.Cancel) if button_text is None else next(
            b for b in box.buttons() if b.text() == button_text)
        target.click()
    QTimer.singleShot(0, click)


def test_confirm_branch_asks_only_beyond_a_handful(qtbot):
    assert confirm_branch(None, 0) and confirm_branch(None, BRANCH_QUIET)  # no dialog: returns at once
    _answer("Discard and continue")
    assert confirm_branch(None, 2000) is True
    _answer(None)
    assert confirm_branch(None, 2000) is False


def test_not_live_seeks_only_where_a_drag_ends(timeline, qtbot):
    timeline.set_range(1000, 1000)
    timeline.set_live(False)
    slider = timeline.slider
    with qtbot.assertNotEmitted(timeline.seek_requested):
        slider.setSliderDown(True)
        slider.setSliderPosition(400)  # dragging
    assert timeline.text() == "update 400 of 1,000"
    timeline.set_range(1000, 1000)  # a repaint during the drag leaves the handle alone
    assert slider.sliderPosition() == 400
    with qtbot.waitSignal(timeline.seek_requested) as sig:
        slider.setSliderDown(False)
    assert sig.args == [400]
