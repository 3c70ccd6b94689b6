"""Rebuilds Qt's ICU data library (libicudata.so.NN, 31 MB) with only the items Qt may load.

Qt links ICU for collation (QCollator, used to sort file dialogs) and for legacy text codecs,
time-zone names and locale conversions the app never uses. The library is one symbol,
``icudtNN_dat``: an ICU "common data" package, a table of named items. This script copies the
items worth keeping into a new package and links it into a library of the same name, so the
ICU libraries beside it load it as before; a missing item fails the ICU call that wanted it
and Qt falls back (as on a system without that data).

    python trim_icu.py LIBICUDATA OUTPUT_LIBRARY

Needs readelf and a C compiler (cc), both on every machine that builds the Linux bundle.
"""
from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# Item names below the package folder ("icudt73l/"): collation for every language, the core
# Unicode property and normalization data, and the locale tree's root-level files that
# resolve locale names and fallbacks. Converters, break rules, units, zones, currencies,
# language/region names, transliteration and number spell-out are left out.
KEEP = re.compile(r"coll/.*|[^/]+\.(icu|nrm|spp|cfu|res)")
ALIGN = 16  # ICU's packager aligns every item to 16 bytes


def symbol_bytes(library: Path) -> tuple[str, bytes]:
    """The ``icudtNN_dat`` symbol's name and bytes, located with readelf."""
    syms = subprocess.run(["readelf", "-W", "--dyn-syms", str(library)], capture_output=True, text=True, check=True).stdout
    found = [line.split() for line in syms.splitlines() if re.search(r"\bicudt\d+_dat$", line)]
    if len(found) != 1:
        raise SystemExit(f"{library}: expected one icudtNN_dat symbol, found {len(found)}")
    value, size, name = int(found[0][1], 16), int(found[0][2], 0), found[0][-1]
    sections = subprocess.run(["readelf", "-W", "-S", str(library)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 5 and fields[2] == "PROGBITS":
            addr, offset, length = int(fields[3], 16), int(fields[4], 16), int(fields[5], 16)
            if addr <= value < addr + length:
                return name, library.read_bytes()[offset + value - addr:offset + value - addr + size]
    raise SystemExit(f"{library}: no section holds {name}")


def items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Split a common-data package into its header and (name, item bytes) in table order."""
    header_size = struct.unpack_from("<H", package)[0]
    if package[2:4] != b"\xda\x27":
        raise SystemExit("not an ICU data package (bad magic)")
    toc = package[header_size:]
    count = struct.unpack_from("<I", toc)[0]
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in entries[1:]] + [len(toc)]
    out = []
    for (name_at, data_at), end in zip(entries, ends):
        name = toc[name_at:toc.index(b"\0", name_at)].decode("ascii")
        out.append((name, toc[data_at:end]))
    return package[:header_size], out


def package(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """A common-data package holding ``kept`` (names stay sorted, as ICU's lookup needs)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    table_size = 4 + 8 * len(kept)
    data_start = -(-(table_size + len(names)) // ALIGN) * ALIGN
    entries, blobs, at, name_at = [], [], data_start, table_size
    for name, data in kept:
        entries.append(struct.pack("<II", name_at, at))
        name_at += len(name) + 1
        padded = data + b"\0" * (-len(data) % ALIGN)
        blobs.append(padded)
        at += len(padded)
    table = struct.pack("<I", len(kept)) + b"".join(entries) + names
    return header + table + b"\0" * (data_start - len(table)) + b"".join(blobs)


def link(symbol: str, data: bytes, output: Path) -> None:
    """A shared library exporting ``symbol`` = ``data``, with the output's name as soname."""
    with tempfile.TemporaryDirectory() as tmp:
        blob, source = Path(tmp) / "icudata.bin", Path(tmp) / "icudata.S"
        blob.write_bytes(data)
        source.write_text(
            f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n'
            f'{symbol}:\n.incbin "{blob}"\n.size {symbol}, . - {symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run(["cc", "-shared", "-nostdlib", f"-Wl,-soname,{output.name}", "-o", str(output), str(source)], check=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    source, output = Path(argv[0]), Path(argv[1])
    symbol, data = symbol_bytes(source)
    header, everything = items(data)
    folder = everything[0][0].split("/", 1)[0] + "/"
    kept = [(n, d) for n, d in everything if KEEP.fullmatch(n.removeprefix(folder))]
    link(symbol, package(header, kept), output)
    print(f"{source.name}: kept {len(kept)} of {len(everything)} ICU items, "
          f"{len(data) / 1e6:.1f} MB -> {output.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
