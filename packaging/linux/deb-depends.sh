#!/usr/bin/env bash
# Prints the Depends field for a bundle folder: the Debian packages that provide the shared
# libraries its programs link to but it does not carry (what dpkg-shlibdeps does for an
# ordinary package), libc6 with the newest glibc symbol version the bundle uses.
#   packaging/linux/deb-depends.sh build/linux/dist/gdplayground
set -euo pipefail
dir=$1
mapfile -t elfs < <(find "$dir" -type f -size +1k -exec sh -c 'for f; do [ "$(head -c4 "$f" | tr -d "\0")" = "$(printf "\177ELF")" ] && echo "$f"; done' _ {} +)
carried=$(find "$dir" \( -type f -o -type l \) -printf '%f\n' | sort -u)
needed=$(for f in "${elfs[@]}"; do readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; done | sort -u)
glibc=$(for f in "${elfs[@]}"; do objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_2\.[0-9]*' ; done | sort -t. -k2,2n -u | tail -n1 | cut -d_ -f2)

# Whole outputs are read into variables: a reader that stops early (head, awk's exit) would
# kill the writer with SIGPIPE, which pipefail turns into a failed build now and then.
cache=$(ldconfig -p)
packages=()
for lib in $(comm -23 <(echo "$needed") <(echo "$carried")); do
  path=$(awk -v lib="$lib" '$1 == lib && /x86-64|64bit|AArch64/ {print $NF}' <<<"$cache" | sed -n 1p)
  [ -n "$path" ] || path=$(awk -v lib="$lib" '$1 == lib {print $NF}' <<<"$cache" | sed -n 1p)
  if [ -z "$path" ]; then echo "deb-depends: $lib is linked but not found on this machine" >&2; exit 1; fi
  pkg=""
  for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
    owners=$(dpkg -S "$candidate" 2>/dev/null) || continue
    pkg=$(sed -n '1s/:.*//p' <<<"$owners")
    [ -n "$pkg" ] && break
  done
  if [ -z "$pkg" ]; then echo "deb-depends: no package owns $path" >&2; exit 1; fi
  packages+=("$pkg")
done
printf '%s\n' "${packages[@]}" | sort -u | grep -vx libc6 | sed '1i\libc6 (>= '"$glibc"')' | paste -sd, - | sed 's/,/, /g'
