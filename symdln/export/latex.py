"""LaTeX text handling: escaping, the paper's printed formulas, snippets, and the TeX build.

Formulas symdln *derives* are typeset by :func:`symdln.export.notation.to_latex` from SymPy
objects.  Everything else that reaches a ``.tex`` file is either text (escaped by :func:`escape`)
or the paper's printed LaTeX (``Claim.printed``), which goes through :func:`printed_math`: it is
typeset as math only if every control sequence in it is a standard amsmath/amssymb one and its
braces balance, and otherwise shown verbatim (escaped), so a transcription can never break the
build.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .notation import MACROS, split_long, to_latex
from .tex_text import balanced, escape

__all__ = ["escape", "comment", "printed_math", "math_display", "math_inline", "fit_math",
           "CompileResult", "tex_engine", "compile_tex", "parse_log"]

def breakable_tt(text: str, chunk: int = 16) -> str:
    """Verbatim text in ``\\texttt`` with break points after ``. _ - / , ( =`` and at least every
    ``chunk`` characters (for identifiers and formula sources in table cells)."""
    out, run = [], 0
    for ch in str(text):
        out.append(escape(ch))
        run += 1
        if ch in "._-/,(=" or run >= chunk:
            out.append(r"\allowbreak{}")
            run = 0
    return r"\texttt{%s}" % "".join(out)


def comment(text: str) -> str:
    """Text as LaTeX comment lines (``% ...``)."""
    return "\n".join("% " + line for line in str(text).splitlines() or [""])


# Control sequences allowed in the paper's printed formulas (standard LaTeX/amsmath/amssymb).
_SAFE = set("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi
varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi
Sigma Upsilon Phi Psi Omega partial nabla infty sum prod int oint lim sup inf max min log exp det
sqrt frac dfrac tfrac cfrac binom left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr cdot
cdots ldots dots vdots ddots times otimes oplus circ top intercal leq geq le ge neq approx sim simeq
propto equiv to mapsto rightarrow leftarrow Rightarrow rm bf it cal sf tt Leftrightarrow iff in notin subset subseteq
cup cap setminus mid perp parallel langle rangle lVert rVert lvert rvert Vert vert mathrm mathbf
mathbb mathcal mathit mathsf boldsymbol operatorname text textup textrm textit textbf mbox hat
bar tilde widetilde widehat vec dot ddot overline underline underbrace overbrace quad qquad
displaystyle textstyle scriptstyle boxed begin end star ast prime emptyset forall exists neg pm mp
uparrow downarrow downarrow uparrow Uparrow Downarrow colon ell hbar imath jmath Re Im tr
operatorname limits nolimits substack underset overset stackrel lfloor rfloor lceil rceil mathtt
mathscr mathfrak textnormal middle varnothing lim limsup liminf arg dim ker sin cos tan sinh cosh
tanh ln Pr bmod pmod mod ne gets implies cdotp lbrace rbrace lbrack rbrack backslash quad enspace
Longleftrightarrow Longrightarrow Longleftarrow longleftrightarrow longrightarrow longleftarrow Leftarrow impliedby
leftrightarrow iff mathop nabla lesssim gtrsim ll gg prec succ approxeq cong asymp triangleq coloneqq dagger
""".split())
_SAFE |= set(MACROS)
_ENVS = {"aligned", "matrix", "pmatrix", "bmatrix", "cases", "array", "split", "gathered"}
_STRIP = re.compile(r"\\(?:label|tag)\s*\{[^{}]*\}|\\(?:nonumber|notag)\b")


def printed_math(printed: str) -> tuple[str, bool]:
    """``(latex, is_math)`` for the paper's printed formula: math-mode LaTeX (no delimiters) when
    it uses only safe macros, else a breakable ``\\texttt`` rendering of the source (text mode)."""
    src = _STRIP.sub("", str(printed)).strip().strip("$").strip()
    words = re.findall(r"\\([A-Za-z]+)", src)
    envs = re.findall(r"\\(?:begin|end)\{([^}]*)\}", src)
    ok = (src and all(w in _SAFE for w in words) and all(e in _ENVS for e in envs) and balanced(src)
          and "$" not in src and "%" not in src.replace(r"\%", ""))
    if not ok:
        return breakable_tt(printed), False
    if ("&" in src or r"\\" in src) and not envs:
        src = r"\begin{aligned}%s\end{aligned}" % src
    return src, True


def visual_len(src: str) -> float:
    """Rough printed width of math-mode LaTeX in characters: a macro counts as one symbol,
    spacing commands, braces and ``\\left``/``\\right`` as nothing, sub/superscripts as 0.6 each."""
    s = re.sub(r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?", "", src)
    s = re.sub(r"\\(?:[,;:!]|quad|qquad|displaystyle|limits|nolimits)", " ", s)
    s = re.sub(r"\\(?:mathrm|text|operatorname|mathbf|mathbb|mathcal)\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: "x" * max(len(m[1]), len(m[2])), s)
    s = re.sub(r"\\[A-Za-z]+", "x", s)
    n = 0.0
    script = 0
    for ch in s:
        if ch in "^_":
            script = 1
            continue
        if ch in "{}" or ch.isspace():
            continue
        n += 0.6 if script else 1.0
        if script and ch not in "{":
            script = 0
    return n


def split_source(src: str, width: int = 50) -> list[str]:
    """Break a LaTeX math string into lines at top-level ``+``, ``-`` and ``=`` (outside braces and
    parentheses and ``\\left...\\right`` pairs), each at most about ``width`` source characters where possible."""
    if "&" in src or r"\\" in src or r"\begin" in src:
        return [src]
    cuts, depth, lr, i = [], 0, 0, 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+)", src[i:])
            word = m.group(1) if m else ""
            lr += {"left": 1, "right": -1}.get(word, 0)
            i += 1 + (len(word) if word else 1)
            continue
        depth += {"{": 1, "}": -1, "(": 1, ")": -1, "[": 1, "]": -1}.get(ch, 0)
        prev = src[:i].rstrip()
        after_relation = prev.endswith(("=", "(", "{", "[", "^", "_", ",", "&")) or re.search(
            r"\\(?:left|big|Big|bigg|Bigg)[lr]?[(\[|.]?$|\\(?:leq|geq|le|ge|ne|sim|approx|propto|in|mid|colon|;|quad|qquad|Longleftrightarrow|iff|to)$",
            prev)
        if ch in "+-=" and depth == 0 and lr == 0 and i > 0 and not after_relation:
            cuts.append(i)
        i += 1
    pieces, start = [], 0
    for c in cuts + [len(src)]:
        pieces.append(src[start:c])
        start = c
    if visual_len(src) <= width:
        return [src.strip()]
    lines, cur = [], ""
    for piece in pieces:
        if cur and visual_len(cur) + visual_len(piece) > width:
            lines.append(cur)
            cur = piece
        else:
            cur += piece
    lines.append(cur)
    return [x.strip() for x in lines if x.strip()]


def lines_math(lines: list[str]) -> str:
    """One line as is, several stacked in an ``aligned`` block (continuation lines indented)."""
    if len(lines) == 1:
        return lines[0]
    return r"\begin{aligned}&%s\end{aligned}" % r"\\ &\quad ".join(lines)


def fit_math(latex_math: str, limit: float = 440) -> str:
    """Display-style math scaled down only if wider than the line (``\\fitmath``, see the report
    preamble; uses ``adjustbox``'s ``max width``).  A line longer than ``limit`` symbols
    (:func:`visual_len`; 440 is four text widths, i.e. a quarter of the body size) cannot be read at
    any scale that fits: a note says so instead (the formula stays in ``results.json``)."""
    lines = re.split(r"\\\\", latex_math)
    widest = max(visual_len(x) for x in lines)
    if widest > limit:
        return (r"\emph{(a formula about %d symbols wide on one line: too long to typeset legibly here; its LaTeX "
                r"is in results.json)}" % round(widest, -1))
    return r"\fitmath{%s}" % latex_math


def math_lines(expr, width: int = 110) -> str:
    """Math-mode LaTeX for ``expr``; a long sum is broken into an ``aligned`` block of lines."""
    lines = split_long(expr, width)
    if len(lines) == 1:
        return lines[0]
    return r"\begin{aligned}&%s\end{aligned}" % r"\\ &".join(lines)


def math_display(expr, width: int = 100) -> str:
    """A display block (``equation*``, or ``align*`` for a long sum) ready to paste."""
    lines = split_long(expr, width)
    if len(lines) == 1:
        return "\\begin{equation*}\n  %s\n\\end{equation*}" % lines[0]
    return "\\begin{align*}\n  &%s\n\\end{align*}" % " \\\\\n  &".join(lines)


def math_inline(expr) -> str:
    return "$%s$" % to_latex(expr)


# ---------------------------------------------------------------------------------------------
# building a PDF
# ---------------------------------------------------------------------------------------------

@dataclass
class CompileResult:
    ok: bool
    pdf: Path | None
    log: str
    errors: list[str] = field(default_factory=list)
    undefined: list[str] = field(default_factory=list)
    overfull: list[str] = field(default_factory=list)
    runs: int = 0
    engine: str = ""

    def summary(self) -> str:
        if self.ok:
            return f"{self.engine}: ok after {self.runs} run(s), {len(self.overfull)} overfull box(es)"
        parts = self.errors[:5] + self.undefined[:5]
        return f"{self.engine}: FAILED\n  " + "\n  ".join(parts or ["(no error lines found in the log)"])


def tex_engine() -> str | None:
    """Path of ``pdflatex`` if installed, else ``None``."""
    return shutil.which("pdflatex")


_ERR = re.compile(r"^(?:! .*|.*:\d+: .*)$")
_UNDEF = re.compile(r"(LaTeX Warning: (?:Reference|Citation) .* undefined.*|"
                    r"LaTeX Warning: There were undefined references.*)")
_OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\).*$")


def parse_log(log: str) -> tuple[list[str], list[str], list[str]]:
    """``(errors, undefined_references, overfull_boxes)`` from a TeX log."""
    errors, undef, overfull = [], [], []
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if _ERR.match(line) and "==> Fatal error occurred" not in line:
            context = " ".join(x.strip() for x in lines[i + 1:i + 3] if x.strip())
            errors.append(f"{line.strip()} [{context}]" if context else line.strip())
        m = _UNDEF.search(line)
        if m:
            undef.append(m.group(1).strip())
        m = _OVERFULL.match(line)
        if m and float(m.group(1)) > 1.0:
            overfull.append(line.strip())
    return errors, undef, overfull


def compile_tex(tex: Path, *, max_runs: int = 4, timeout: float = 240.0, use_latexmk: bool | None = None) -> CompileResult:
    """Build ``tex`` to PDF in its folder: with ``latexmk -pdf`` (which reruns pdflatex until the
    cross-references settle) when it is installed, else by running pdflatex until the log stops
    asking for a rerun (at most ``max_runs`` times).  ``ok`` is False on any error, undefined
    reference, or missing PDF."""
    engine = tex_engine()
    if engine is None:
        return CompileResult(False, None, "", ["no TeX engine (pdflatex) found"], engine="none")
    tex = Path(tex)
    latexmk = shutil.which("latexmk") if use_latexmk in (None, True) else None
    flags = ["-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
    if latexmk:
        cmds = [[latexmk, "-pdf", "-silent", *flags, tex.name]]
        name, limit = "latexmk", 1
    else:
        cmds = [[engine, *flags, tex.name]]
        name, limit = "pdflatex", max_runs
    log, runs, proc = "", 0, None
    for runs in range(1, limit + 1):
        try:
            proc = subprocess.run(cmds[0], cwd=tex.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return CompileResult(False, None, log, [f"{name} timed out after {timeout:.0f} s"], runs=runs, engine=name)
        logfile = tex.with_suffix(".log")
        log = logfile.read_text(errors="replace") if logfile.exists() else proc.stdout.decode(errors="replace")
        if proc.returncode != 0:
            break
        if latexmk or (runs >= 2 and "Rerun to get" not in log and "Label(s) may have changed" not in log):
            break
    if latexmk:
        runs = max(1, proc.stdout.decode(errors="replace").count("Run number") or
                   len(re.findall(r"Latexmk: applying rule 'pdflatex'", proc.stdout.decode(errors="replace"))) or 1)
        for ext in (".fls", ".fdb_latexmk"):
            tex.with_suffix(ext).unlink(missing_ok=True)
    errors, undef, overfull = parse_log(log)
    pdf = tex.with_suffix(".pdf")
    if proc.returncode != 0 and not errors:
        errors = [f"{name} exited with status {proc.returncode}"]
    ok = proc.returncode == 0 and not errors and not undef and pdf.exists()
    return CompileResult(ok, pdf if pdf.exists() else None, log, errors, undef, overfull, runs, name)
