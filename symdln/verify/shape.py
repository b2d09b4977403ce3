"""Shape evidence (re-exported from :mod:`symdln.checkkit`, where the paper checks also find it): a printed
matrix formula that cannot be evaluated at rectangular widths becomes a failed ``shape`` Evidence."""
from __future__ import annotations

from ..checkkit import RECTANGULAR_WIDTHS, shape_failure, try_build

__all__ = ["try_build", "shape_failure", "RECTANGULAR_WIDTHS"]
