"""Shape evidence: evaluate a printed matrix formula (a NumPy builder) and turn a shape mismatch into a
failed ``shape`` Evidence.  The settings use rectangular widths (e.g. ``(3, 5, 2, 4)``), where a transposed
factor such as Prop. 3.1's ``W_{>l}^T`` cannot multiply; square widths would hide it.
"""
from __future__ import annotations

import re

from ..verdict import Evidence

__all__ = ["try_build", "shape_failure", "RECTANGULAR_WIDTHS"]

RECTANGULAR_WIDTHS = ((3, 5, 2, 4), (3, 5, 4, 2))


def try_build(fn, *args, **kw):
    """``(value, None)`` or ``(None, message)`` when the printed formula is ill-formed (shape mismatch)."""
    try:
        return fn(*args, **kw), None
    except (ValueError, IndexError) as exc:
        return None, _clean(str(exc).split("\n")[0])


def _clean(msg: str) -> str:
    """NumPy's matmul message, shortened to the two sizes that do not conform."""
    m = re.search(r"size (\d+) is different from (\d+)", msg)
    if m:
        return f"matrix product of non-conforming factors: inner sizes {m.group(2)} and {m.group(1)}"
    return msg


def shape_failure(label, msg, *, scope="printed", extra=None) -> Evidence:
    return Evidence("shape", False, f"{label}: ill-formed as printed ({msg})", {"scope": scope, **(extra or {})})
