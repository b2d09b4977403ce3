"""The registry of derivations, which the rest of symdln reads.

A derivation is a pure function, decorated with :func:`register`, that returns a
:class:`~symdln.symbolic.derivation.Derivation` (its statement, assumptions, paper location and steps).
``derive(quantity)`` runs and caches it (in memory, and on disk keyed by a hash of the symbolic sources:
:mod:`._cache`); ``QUANTITIES`` lists every registered id.  ``symdln derive`` writes one file per quantity into
``derivations/``; ``symdln.verify`` compares claims against ``derive(q).expr``.

The registry is complete whenever this module is reached from outside the package: Python runs
``symdln/symbolic/__init__.py`` before any of its modules, and that file imports every topic module, each of
which registers its quantities.  This module itself imports no topic module (they import it).
"""
from __future__ import annotations

import functools
from typing import Callable

from . import _cache
from .derivation import Derivation, Step

__all__ = ["Step", "Derivation", "register", "derive", "QUANTITIES", "quantity_ids", "disable_disk_cache"]


_REGISTRY: dict[str, Callable[[], Derivation]] = {}


def register(quantity: str) -> Callable[[Callable[[], Derivation]], Callable[[], Derivation]]:
    """Decorator: record the decorated function as the derivation of ``quantity`` (an id used once)."""
    def deco(fn: Callable[[], Derivation]) -> Callable[[], Derivation]:
        if quantity in _REGISTRY:
            raise RuntimeError(f"quantity {quantity!r} registered twice")
        _REGISTRY[quantity] = fn
        return fn
    return deco


@functools.lru_cache(maxsize=None)
def derive(quantity: str) -> Derivation:
    """The :class:`Derivation` of ``quantity``: from memory, the disk cache, or computed (then cached)."""
    if quantity not in _REGISTRY:
        from .._validation import SymdlnInputError
        raise SymdlnInputError(f"unknown quantity {quantity!r}; known: {', '.join(sorted(_REGISTRY))}")
    cached = _cache.load(quantity)
    if cached is not None:
        return cached
    result = _REGISTRY[quantity]()
    if result.quantity != quantity:
        raise RuntimeError(f"derivation registered as {quantity!r} returned quantity {result.quantity!r}")
    _cache.store(quantity, result)
    return result


def disable_disk_cache() -> None:
    """Compute every derivation in this process instead of reading the on-disk cache (``--no-cache``)."""
    _cache.set_enabled(False)


def quantity_ids() -> list[str]:
    """Every registered quantity id, sorted."""
    return sorted(_REGISTRY)


QUANTITIES = _REGISTRY
