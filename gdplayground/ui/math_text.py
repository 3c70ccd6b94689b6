"""Formulas and numbers as Qt rich text: the explainer's markup (``w_{old}``, ``g^{2}``) as
sub/superscripts, numbers with a true minus sign and ×10ⁿ instead of e-notation."""
from __future__ import annotations

import html
import math
import re

MINUS = "\u2212"
_SUB_SUP = re.compile(r"([_^])\{([^{}]*)\}")


def markup_html(markup: str) -> str:
    """``w_{old}`` -> ``w<sub>old</sub>``, ``g^{2}`` -> ``g<sup>2</sup>`` (the rest escaped)."""
    out, last = [], 0
    for m in _SUB_SUP.finditer(markup):
        out.append(html.escape(markup[last : m.start()], quote=False))
        tag = "sub" if m.group(1) == "_" else "sup"
        out.append(f"<{tag}>{html.escape(m.group(2), quote=False)}</{tag}>")
        last = m.end()
    out.append(html.escape(markup[last:], quote=False))
    return "".join(out)


def number_html(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits; ×10ⁿ outside [10⁻³, 10⁴)."""
    if not math.isfinite(x):
        return html.escape(str(x))
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        text = f"{x:.{digits}g}"
        return text.replace("-", MINUS)
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    exp = int(exponent)
    sign = MINUS if exp < 0 else ""
    if mantissa in ("1", "-1"):
        head = MINUS if mantissa == "-1" else ""
        return f"{head}10<sup>{sign}{abs(exp)}</sup>"
    return f"{mantissa.replace('-', MINUS)}×10<sup>{sign}{abs(exp)}</sup>"


_SUPERSCRIPT = str.maketrans("0123456789" + MINUS + "-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")


def number_plain(x: float, digits: int = 4) -> str:
    """Like ``number_html`` without tags (for tooltips and accessible text)."""
    text = number_html(x, digits)
    return re.sub(r"<sup>(.*?)</sup>", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
