"""Partial products of a stack of layer matrices (``W_{<l}``, ``W_{>l}``, ``W``), shared by the NumPy batched
kernels (:mod:`symdln.batched`) and their compiled twins (:mod:`symdln._core_numba`); unvalidated."""
from __future__ import annotations

__all__ = ["_belows", "_partials"]


def _belows(Ws):
    """``(belows, W)``: ``belows[l-1] = W_{<l}`` (``None`` for ``l = 1``) and ``W = W_L ... W_1``."""
    belows, cur = [None], None
    for w in Ws[:-1]:
        cur = w if cur is None else w @ cur
        belows.append(cur)
    return belows, (Ws[0] if len(Ws) == 1 else Ws[-1] @ belows[-1])


def _partials(Ws):
    """``(aboves, belows, W)`` with ``None`` for identity factors; lists index ``l-1``."""
    belows, W = _belows(Ws)
    aboves, cur = [None], None
    for w in Ws[:0:-1]:
        cur = w if cur is None else cur @ w
        aboves.append(cur)
    aboves.reverse()
    return aboves, belows, W
