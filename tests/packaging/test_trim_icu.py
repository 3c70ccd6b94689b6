"""The Linux bundle's trimmed ICU data: the package format round-trips, and Qt, loading the
trimmed library instead of its own, still sorts every language as it did (file dialogs sort
with QCollator)."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("trim_icu", ROOT / "packaging" / "linux" / "trim_icu.py")
trim_icu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(trim_icu)

HEADER = b"\x20\x00\xda\x27" + bytes(28)  # headerSize 32, the common-data magic
SORT_PROBE = """
import sys
from PySide6.QtCore import QCollator, QLocale
words = ["Zebra", "äpfel", "Apfel", "Öl", "ob", "ß", "ss", "ch", "cz", "ç", "file10", "file9",
         "Ångström", "été", "ete", "中文", "日本", "ı", "i", "İ", "Ülkü", "zoo"]
for name in ["en_US", "de_DE", "sv_SE", "tr_TR", "zh_CN", "ja_JP", "fr_FR", "cs_CZ", "es_ES", "zh_Hant_TW", "sr_Latn_RS"]:
    collator = QCollator(QLocale(name))
    collator.setNumericMode(True)
    print(name, sorted(words, key=collator.sortKey))
"""


def test_package_round_trips_and_keeps_items_aligned() -> None:
    kept = [("icudt73l/a.icu", b"\x01" * 5), ("icudt73l/coll/root.res", b"\x02" * 40), ("icudt73l/z.nrm", b"")]
    data = trim_icu.package(HEADER, kept)
    header, found = trim_icu.items(data)
    assert header == HEADER
    assert [name for name, _ in found] == [name for name, _ in kept]
    for (_, blob), (_, original) in zip(found, kept):
        assert blob[:len(original)] == original and not blob[len(original):].strip(b"\0")
    table = data[len(HEADER):]
    offsets = [int.from_bytes(table[8 + 8 * i:12 + 8 * i], "little") for i in range(len(kept))]
    assert all(offset % 16 == 0 for offset in offsets)


def test_a_file_that_is_not_icu_data_is_refused() -> None:
    with pytest.raises(SystemExit, match="magic"):
        trim_icu.items(b"\x20\x00\x00\x00" + bytes(40))


def _qt_icu_data() -> Path | None:
    found = importlib.util.find_spec("PySide6")
    if found is None or not sys.platform.startswith("linux"):
        return None
    libs = sorted((Path(found.origin).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return libs[0] if libs else None


@pytest.mark.skipif(_qt_icu_data() is None, reason="this PySide6 carries no ICU data library")
@pytest.mark.skipif(not (shutil.which("readelf") and shutil.which("cc")), reason="needs readelf and cc")
def test_qt_sorts_every_language_alike_with_the_trimmed_data(tmp_path: Path) -> None:
    source = _qt_icu_data()
    out = tmp_path / source.name
    assert trim_icu.main([str(source), str(out)]) == 0
    assert out.stat().st_size < source.stat().st_size / 3

    def sorted_words(library_dir: str | None) -> str:
        env = dict(os.environ)
        if library_dir:
            env["LD_LIBRARY_PATH"] = library_dir  # searched before Qt's own RUNPATH
        done = subprocess.run([sys.executable, "-c", SORT_PROBE], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "collator" not in done.stderr, done.stderr
        return done.stdout

    assert sorted_words(str(tmp_path)) == sorted_words(None)
