"""What a paper plug-in is made of: its citation, its claims, and how each claim is checked.

This module is the contract between papers (``symdln.papers.*``, or any third-party package that
registers an entry point in the group ``symdln.papers``) and the verdict engine (``symdln.verify``).
The engine is handed a :class:`Paper` and never imports one (diffrax's ``diffeqsolve`` never imports
a solver: a solver is a small declaration plus a citation).

Layering: ``symbolic -> numeric core -> paperkit -> papers -> verify -> ...``.  This module imports
only the standard library and :mod:`symdln.verdict`.

Identifiers.  A claim has a *local* id (``"eq.7"``), unique within its paper, and a *qualified* id
``"<paper key>:<local id>"`` (``"corlouer2026:eq.7"``), unique across papers.  Commands accept the
local id when ``--paper`` names the paper (or when only one paper has that id).

Severity and level (see ``docs/conventions.md``):

* ``SEVERITIES``: ``notation`` (the intended meaning is recoverable, no stated result changes),
  ``step`` (an intermediate line is wrong, the stated result right), ``substantive`` (a stated
  result or conclusion changes).  Only non-confirmed verdicts carry one.
* ``LEVELS``: ``reduction`` (the statement follows, or fails, inside the paper's own reduction,
  e.g. A1 + A2 and one scalar SDE per mode) and ``network`` (SGD on the full network, measured or
  derived without the reduction).  A claim can be confirmed at one level and refuted at the other;
  such pairs are registered as two claims that name each other in ``Claim.restates``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .verdict import Claim

__all__ = ["Citation", "Location", "Spec", "Paper", "SEVERITIES", "LEVELS", "qualify", "split_id"]

SEVERITIES = ("substantive", "step", "notation")   # most severe first (the report's order)
LEVELS = ("reduction", "network")


@dataclass(frozen=True)
class Citation:
    """A paper's bibliographic record (rendered in the report's first page and in BibTeX)."""
    key: str                               # "corlouer2026": also the paper's registry name
    title: str
    authors: tuple[str, ...]
    year: int
    arxiv: str | None = None               # "2604.06366"
    venue: str | None = None
    url: str | None = None
    note: str = ""                         # e.g. "claims transcribed from the HTML text of v1"

    @property
    def short(self) -> str:
        """``"Corlouer et al. (2026)"``."""
        last = self.authors[0].split()[-1] if self.authors else self.key
        return f"{last}{' et al.' if len(self.authors) > 2 else (' and ' + self.authors[1].split()[-1]) if len(self.authors) == 2 else ''} ({self.year})"

    def bibtex(self) -> str:
        fields = [("title", "{" + self.title + "}"), ("author", " and ".join(self.authors)), ("year", str(self.year))]
        if self.arxiv:
            fields += [("eprint", self.arxiv), ("archivePrefix", "arXiv")]
        if self.venue:
            fields.append(("journal", self.venue))
        if self.url:
            fields.append(("url", self.url))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        return f"@article{{{self.key},\n{body}\n}}"


@dataclass(frozen=True, eq=False)
class Location(str):
    """Where a claim stands in its paper: structured, so nothing re-parses free text.

    ``section`` is ``"3"`` (rendered ``Sec. 3``), ``"App. E"`` or another heading (``"Abstract"``); ``item`` is
    ``"Prop. 3.5"``, ``"Prop. 5.2 (ii)"``, ``"Remark"``, ``"Fig. 2"`` or ``None``; ``equation`` is the printed
    equation number (``"7"``) or ``None``; ``detail`` is free text for what the rest does not say
    (``"between Eqs. 8 and 9"``, ``"boxed"``).

    A ``Location`` is also the string it renders to (``"Sec. 3, Prop. 3.5, Eq. (7)"``), so every consumer of
    ``Claim.location`` that prints it keeps working, while code that needs a part reads the fields
    (:attr:`proposition`).  Equality and hashing are those of the rendered string.
    """
    section: str
    item: str | None = None
    equation: str | None = None
    detail: str = ""

    def __new__(cls, section, item=None, equation=None, detail=""):
        return super().__new__(cls, cls.render(section, item, equation, detail))

    def __reduce__(self):
        return (type(self), (self.section, self.item, self.equation, self.detail))

    @staticmethod
    def render(section, item=None, equation=None, detail="") -> str:
        """``Sec. <section>`` (a numbered section) or the heading as given, then item, equation, detail."""
        sec = f"Sec. {section}" if section[:1].isdigit() else section
        parts = [sec] + ([item] if item else []) + ([f"Eq. ({equation})"] if equation else [])
        out = ", ".join(parts)
        return f"{out} ({detail})" if detail else out

    def __str__(self) -> str:
        return self.render(self.section, self.item, self.equation, self.detail)

    @property
    def proposition(self) -> str | None:
        """The number of the proposition the claim belongs to (``"5.2"`` for ``item="Prop. 5.2 (ii)"``)."""
        if self.item and self.item.startswith("Prop. "):
            return self.item[len("Prop. "):].split(" ")[0]
        return None


@dataclass(frozen=True)
class Spec:
    """How the engine checks one claim (kept next to the claim so that ``Claim`` stays pure data).

    ``transform``: applied to the derived expression (after ``select``) before comparing, e.g.
    ``lambda e: e.subs(L, 2)`` for a depth-2 statement.  ``select``: key into ``Derivation.expr`` (a dict)
    or ``Derivation.extra``.  ``mc``: name of a Monte Carlo plan.  ``check``: name of a check (a generic
    check kind of the engine, or a bespoke check the paper registers in ``Paper.checks``).  Evidence
    whose ``data["scope"] == "condition"`` tests the claim under ``condition`` (an extra assumption the
    verifier states), e.g. reading ``J_l`` as the correct Jacobian.  ``fixed``: substitutions applied to
    both sides (e.g. ``{L: 2}``).  ``equation``: compare as equations (equivalent up to a nonzero factor)
    rather than as expressions.  ``params``: arguments of a generic check kind (data, not code).
    """
    transform: Callable[[Any], Any] | None = None
    select: str | None = None
    mc: str | None = None
    check: str | None = None
    condition: str | None = None
    equation: bool = False
    fixed: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)


def qualify(paper_key: str, local_id: str) -> str:
    return f"{paper_key}:{local_id}"


def split_id(claim_id: str) -> tuple[str | None, str]:
    """``"corlouer2026:eq.7" -> ("corlouer2026", "eq.7")``; ``"eq.7" -> (None, "eq.7")``."""
    if ":" in claim_id:
        p, _, c = claim_id.partition(":")
        return p, c
    return None, claim_id


class Paper:
    """A paper plug-in: a citation plus claims and what the engine needs to decide them.

    A paper package builds one ``Paper`` and registers its claims with :meth:`add`; the registry
    (``symdln.papers``) finds it by its ``citation.key``.  Everything here is data the engine reads:

    * ``readings``: symbol -> {reading name -> one-line description}, e.g. the two readings of
      ``sigma_q`` (standard deviation vs variance);
    * ``propositions``: the numbered propositions/lemmas the paper contains (cross-reference checks);
    * ``mc_settings``: Monte Carlo settings of the paper's plans (sizes, seeds);
    * ``checks``: bespoke checks, name -> ``fn(claim, spec, *, seed, fast, paper)`` returning
      ``list[Evidence]`` or ``(list[Evidence], extra)``; generic check kinds live in the engine;
    * ``mc_plans``: bespoke Monte Carlo plans, name -> callable (see ``symdln.verify.montecarlo``);
    * ``references``: named quantities (values, not decisions) that generic check kinds compare a printed
      formula with, by name from ``Spec.params`` (registered with :meth:`reference`);
    * ``expected``: local id -> expected verdict (the table the tests pin);
    * ``severity``: local id -> (severity, reason) for every claim whose expected verdict is not
      ``confirmed``;
    * ``levels``: local id -> level (default ``"reduction"`` for claims that assume A1/A2, else
      ``"network"``; a paper states it explicitly where it matters);
    * ``coverage``: the paper's numbered items and quantitative sentences -> claim ids, or the
      reason an item is not a claim (see ``symdln.verify.coverage``).
    """

    def __init__(self, citation: Citation, *, readings: dict | None = None, propositions: Iterable[str] = (),
                 mc_settings: dict | None = None, description: str = ""):
        self.citation = citation
        self.key = citation.key
        self.description = description
        self.readings: dict[str, dict[str, str]] = dict(readings or {})
        self.propositions: tuple[str, ...] = tuple(propositions)
        self.mc_settings: dict = dict(mc_settings or {})
        self.checks: dict[str, Callable] = {}
        self.mc_plans: dict[str, Callable] = {}
        self.references: dict[str, Callable] = {}
        self.expected: dict[str, str] = {}
        self.severity: dict[str, tuple[str, str]] = {}
        self.levels: dict[str, str] = {}
        self.coverage: list = []
        self._claims: dict[str, Claim] = {}
        self._specs: dict[str, Spec] = {}

    # ---- registration ---------------------------------------------------------------------------
    def add(self, id: str, location, printed: str, *, quantity: str | None = None, expr: Any = None,
            kind: str = "scalar", assumptions: tuple[str, ...] = (), readings: tuple = (),
            restates: tuple[str, ...] = (), dimension: str | None = None, notes: str = "",
            spec: Spec | None = None, level: str | None = None) -> Claim:
        """Create and register a claim (local ids are unique within the paper); ``location`` is a :class:`Location`."""
        if ":" in id:
            raise ValueError(f"claim id must be local (no ':'); got {id!r}")
        if id in self._claims:
            raise RuntimeError(f"claim {id!r} registered twice in paper {self.key!r}")
        if level is not None and level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}; got {level!r}")
        if not isinstance(location, Location):
            from ._validation import SymdlnInputError
            raise SymdlnInputError(f"location of claim {id!r} must be a symdln.paperkit.Location(section=, item=, "
                                   f"equation=, detail=); got {type(location).__name__}")
        c = Claim(id=id, location=location, printed=printed, quantity=quantity, expr=expr,
                  assumptions=tuple(assumptions), readings=tuple(readings), kind=kind,
                  restates=tuple(restates), dimension=dimension, notes=notes, paper=self.key)
        self._claims[id] = c
        self._specs[id] = spec or Spec()
        if level is not None:
            self.levels[id] = level
        return c

    def _registrar(self, table: dict, what: str, name: str):
        def deco(fn):
            if name in table:
                raise RuntimeError(f"{what} {name!r} registered twice in paper {self.key!r}")
            table[name] = fn
            return fn
        return deco

    def check(self, name: str):
        """Decorator registering a bespoke check of this paper: ``fn(claim, spec, *, seed, fast, paper)``
        returning ``list[Evidence]`` or ``(list[Evidence], extra)`` (``extra`` may hold ``counterexample`` and
        ``derived``, a SymPy form the engine typesets).  The engine looks a claim's ``Spec.check`` up here first,
        then among its generic check kinds.  A check belongs here only where no generic kind fits the claim."""
        return self._registrar(self.checks, "check", name)

    def reference(self, name: str):
        """Decorator registering a named quantity the engine's generic check kinds compare with (a reference of
        ``Spec.params``): ``fn(claim, env)`` with ``env`` a dict describing one sampled setting (``net``, ``t``,
        ``seed``, ...), ``fn(claim)`` for a symbolic residual, or ``fn()`` for a SymPy form.  A reference computes a
        value; it decides nothing (tolerances, shapes and evidence belong to the kind)."""
        return self._registrar(self.references, "reference", name)

    def mc_plan(self, name: str):
        """Decorator registering a bespoke Monte Carlo plan: ``fn(claim, spec, variants, derived, n, seed)``
        returning ``list[symdln.checkkit.Comparison]``.  Looked up before the engine's generic plans."""
        return self._registrar(self.mc_plans, "Monte Carlo plan", name)

    def expect(self, id: str, verdict: str, severity: str | None = None, reason: str = "") -> None:
        """Record a claim's expected verdict (the table the tests pin) and, for a verdict other than
        ``confirmed``, its severity with the reason."""
        self.expected[id] = verdict
        if severity is not None:
            self.severity[id] = (severity, reason)

    # ---- lookup ---------------------------------------------------------------------------------
    def claims(self) -> list[Claim]:
        """Every claim, in paper order."""
        return list(self._claims.values())

    def claim_ids(self) -> list[str]:
        return list(self._claims)

    def get(self, id: str) -> Claim:
        """The claim with local id ``id`` (or qualified ``"<key>:<id>"``); unknown ids raise
        :class:`symdln.SymdlnInputError` naming close matches."""
        from ._validation import SymdlnInputError
        if isinstance(id, str):
            p, local = split_id(id)
            if (p is None or p == self.key) and local in self._claims:
                return self._claims[local]
        close = difflib.get_close_matches(str(id), list(self._claims), n=5, cutoff=0.5)
        hint = f"; close: {', '.join(close)}" if close else ""
        raise SymdlnInputError(f"unknown claim id {id!r} in paper {self.key!r}{hint} "
                               f"(`symdln verify --paper {self.key} --list` lists them)")

    def spec(self, id: str) -> Spec:
        return self._specs[self.get(id).id]

    def qid(self, id: str) -> str:
        """The qualified id ``"<key>:<local id>"`` of a claim given by local or qualified id."""
        return qualify(self.key, self.get(id).id)

    def severity_of(self, id: str) -> tuple[str | None, str]:
        """``(severity, reason)`` recorded for a claim, or ``(None, "")`` when the table has no entry."""
        entry = self.severity.get(self.get(id).id)
        if entry is None:
            return None, ""
        sev, reason = entry
        if sev not in SEVERITIES:
            raise ValueError(f"severity of {id!r} in paper {self.key!r} must be one of {SEVERITIES}; got {sev!r}")
        return sev, reason

    def level(self, id: str) -> str:
        c = self.get(id)
        if c.id in self.levels:
            return self.levels[c.id]
        return "reduction" if any(a in ("A1", "A2") for a in c.assumptions) else "network"

    def __repr__(self) -> str:
        return f"<Paper {self.key}: {self.citation.short}, {len(self._claims)} claims>"
