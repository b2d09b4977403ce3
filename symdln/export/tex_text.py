"""LaTeX text mode: escaping user and claim text, and checking that LaTeX source has balanced braces.

The lowest piece of :mod:`symdln.export`: :mod:`symdln.export.notation` (formulas), :mod:`symdln.export.latex`
(printed formulas and the build) and :mod:`symdln.export.prose` (reasons typeset as math) all rely on it.
"""
from __future__ import annotations

__all__ = ["escape", "balanced"]

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
_UNICODE = {"α": r"$\alpha$", "β": r"$\beta$", "η": r"$\eta$", "σ": r"$\sigma$", "Σ": r"$\Sigma$",
            "Δ": r"$\Delta$", "ξ": r"$\xi$", "θ": r"$\theta$", "μ": r"$\mu$", "≠": r"$\neq$",
            "≤": r"$\leq$", "≥": r"$\geq$", "→": r"$\to$", "×": r"$\times$", "⊗": r"$\otimes$",
            "−": "-", "–": "--", "—": "---", "’": "'", "‘": "`", "“": "``", "”": "''", "…": r"\dots{}",
            "√": r"$\surd$", "ô": r"\^{o}", "ö": r"\"{o}", "é": r"\'{e}", "è": r"\`{e}", "ü": r"\"{u}",
            "ä": r"\"{a}", "à": r"\`{a}", "ç": r"\c{c}", "ñ": r"\~{n}", "í": r"\'{i}",
            "∞": r"$\infty$", "±": r"$\pm$", "≈": r"$\approx$", "·": r"$\cdot$"}


_BREAK_AFTER = set("_/=,(.:;+*|^")


def escape(text: str, *, breakable: bool = False) -> str:
    """Escape user/claim text for LaTeX text mode (``_ % & # $ { } \\ ~ ^ < > |`` and common
    Unicode math letters); other non-ASCII characters become ``?`` so pdflatex never fails.

    ``breakable=True`` also allows line breaks after ``_ / = , ( . : ; + * | ^`` inside words, so
    identifiers such as ``batch_covariance_online`` cannot overflow a narrow table column.
    """
    out = []
    text = str(text)
    for i, ch in enumerate(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append("?")
        if breakable and ch in _BREAK_AFTER and i + 1 < len(text) and not text[i + 1].isspace():
            out.append(r"\allowbreak{}")
    return "".join(out)


def balanced(s: str) -> bool:
    """Whether the braces of LaTeX source ``s`` balance (an escaped ``\\{`` does not count)."""
    depth = 0
    i = 0
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(s[i], 0)
        if depth < 0:
            return False
        i += 1
    return depth == 0
