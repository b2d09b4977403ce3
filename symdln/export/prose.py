"""One-line verdict text (reasons, evidence summaries, conditions) as typeset text-and-math.

The verifier writes its reasons as plain ASCII (``"differs at exact point L=2, eta=4/25"``,
``"W_{<l}^T kron W_{>l}"``, ``"mu(s) = L*eta*s**((3*L - 4)/L)"``).  The report must not show that
ASCII, nor NumPy's error messages: :func:`segments` splits such a line into text and math pieces,
translating the formula-like words *lexically* (a fixed token table: Greek names, ``**`` and ``^``
exponents, ``kron``, ``^T``, subscripts, scientific numbers).  Nothing is evaluated or parsed into
SymPy: a word the table cannot translate stays text, and a math piece whose braces do not balance
falls back to text, so the LaTeX always compiles.  The raw strings stay in ``results.json``.

:func:`to_tex` (LaTeX) and :func:`to_md` (Markdown/HTML, ``$...$``) render the segments.
"""
from __future__ import annotations

import re

from .tex_text import balanced

__all__ = ["segments", "to_tex", "to_md", "math_of", "GREEK", "NUMPY_PHRASES"]

GREEK = set("""alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau
upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega""".split())
_WORDS = {"kron": r"\otimes", "vec": r"\operatorname{vec}", "tr": r"\operatorname{tr}", "Tr": r"\operatorname{tr}",
          "binom": r"\operatorname{binom}", "Var": r"\operatorname{Var}", "Cov": r"\operatorname{Cov}",
          "exp": r"\exp", "log": r"\log", "sqrt": r"\operatorname{sqrt}", "nan": r"\mathrm{NaN}",
          "inf": r"\infty", "oo": r"\infty", "GL": r"\mathrm{GL}", "Ito": r"\mathrm{Ito}", "x": r"\times",
          "vs": r"\text{ vs }", "in": r"\in"}
#: identifiers that are English words in prose: math only next to an operator
_PROSE_LETTERS = {"a", "A", "I", "in", "x", "vs"}
_TOKEN = re.compile(r"""
    (?P<name>[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+){2,}(?![A-Za-z0-9_])|[a-z]{3,}(?:_[a-z]{3,})+)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z][A-Za-z0-9]*)
  | (?P<op>\+-|<=|>=|!=|==|->|\*\*|\.\.\.|[-+*/^=<>~(),\[\]{}|:;.!_'])
  | (?P<space>\s+)
""", re.VERBOSE)
_MATH_CHARS = re.compile(r"^[A-Za-z0-9_{}()\[\]^*/+\-=<>.,|~!: ]+$")
_OPERATOR_WORDS = {"+-", "=", "+", "-", "*", "/", "x", "kron", "<", ">", "<=", ">=", "!=", "~", "->", "...", "in", "vs"}

#: NumPy error messages -> plain statements (pattern, builder of segments)
NUMPY_PHRASES = [
    (re.compile(r"operands could not be broadcast together with shapes \((\d+),(\d+)\)\s*\((\d+),(\d+)\)\s*"),
     lambda m: [("text", "non-conforming shapes "), ("math", rf"{m[1]}\times {m[2]}"), ("text", " and "),
                ("math", rf"{m[3]}\times {m[4]}")]),
    (re.compile(r"shapes \((\d+),(\d+)\) and \((\d+),(\d+)\) not aligned: \d+ \(dim \d+\) != \d+ \(dim \d+\)"),
     lambda m: [("text", "non-conforming shapes "), ("math", rf"{m[1]}\times {m[2]}"), ("text", " and "),
                ("math", rf"{m[3]}\times {m[4]}")]),
    (re.compile(r"all the input array dimensions except for the concatenation axis must match exactly, but along "
                r"dimension \d+, the array at index \d+ has size (\d+) and the array at index \d+ has size (\d+)"),
     lambda m: [("text", "blocks of sizes "), ("math", m[1]), ("text", " and "), ("math", m[2]),
                ("text", " cannot be stacked")]),
    (re.compile(r"\b(?:shapes?|has) \((\d+),\s*(\d+)\)"),
     lambda m: [("text", m[0].split("(")[0]), ("math", rf"{m[1]}\times {m[2]}")]),
    (re.compile(r"\((\d+(?:,\s*\d+){2,})\)"),
     lambda m: [("math", "(" + ", ".join(x.strip() for x in m[1].split(",")) + ")")]),
]


def _sci(num: str) -> str:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)[eE]([+-]?\d+)", num)
    if not m:
        return num
    mant, exp = m[1], int(m[2])
    if exp == 0:
        return mant
    if float(mant) == 1.0:
        return r"10^{%d}" % exp
    return r"%s\times 10^{%d}" % (mant, exp)


def _ident(name: str) -> str:
    if name in _WORDS and name not in ("x", "in", "vs"):
        return _WORDS[name]
    if name in GREEK:
        return "\\" + name
    if len(name) == 1 or re.fullmatch(r"[A-Za-z]\d+", name):
        return name
    return r"\mathrm{%s}" % name


def _tokens(src: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(src):
        m = _TOKEN.match(src, i)
        if m is None:
            raise ValueError(src[i])
        out.append((m.lastgroup, m.group()))
        i = m.end()
    return out


def _group(toks, i):
    """LaTeX of the exponent/subscript starting at token ``i`` and the index after it."""
    while i < len(toks) and toks[i][0] == "space":
        i += 1
    if i >= len(toks):
        raise ValueError("dangling operator")
    kind, tok = toks[i]
    if tok in ("(", "{"):
        close, depth, j = {"(": ")", "{": "}"}[tok], 0, i
        while j < len(toks):
            depth += {tok: 1, close: -1}.get(toks[j][1], 0)
            if depth == 0:
                break
            j += 1
        if j >= len(toks):
            raise ValueError("unbalanced")
        return _convert(toks[i + 1:j]), j + 1
    if tok == "-":
        inner, k = _group(toks, i + 1)
        return "-" + inner, k
    if kind == "ident" and tok == "T":
        return r"\top", i + 1
    if kind in ("num", "ident"):
        out = _sci(tok) if kind == "num" else (tok if re.fullmatch(r"[a-z]{2,3}", tok) and tok not in GREEK
                                                 else _ident(tok))
        if i + 2 < len(toks) and toks[i + 1][1] == "," and toks[i + 2][0] in ("ident", "num"):
            rest, k = _group(toks, i + 2)
            return out + "," + rest, k
        return out, i + 1
    raise ValueError(f"cannot group {tok!r}")


def _convert(toks) -> str:
    out, i = [], 0
    while i < len(toks):
        kind, tok = toks[i]
        if kind == "space":
            out.append(" ")
            i += 1
        elif kind == "num":
            out.append(_sci(tok))
            i += 1
        elif kind == "name":
            out.append(r"\mathtt{%s}" % tok.replace("_", r"\_"))
            i += 1
        elif kind == "ident":
            if tok == "E" and i + 1 < len(toks) and toks[i + 1][1] == "[":
                out.append(r"\mathbb{E}")
            else:
                out.append(_WORDS[tok] if tok in ("x", "vs", "in") else _ident(tok))
            i += 1
        elif tok in ("**", "^"):
            inner, i = _group(toks, i + 1)
            out.append("^{%s}" % inner)
        elif tok == "_":
            inner, i = _group(toks, i + 1)
            out.append("_{%s}" % inner)
        else:
            out.append({"+-": r"\pm ", "*": r"\,", "<=": r"\le ", ">=": r"\ge ", "!=": r"\ne ", "==": "=", "->": r"\to ",
                        "~": r"\sim ", "...": r"\dots ", "{": r"\{", "}": r"\}", "|": r"\vert ",
                        "'": "'"}.get(tok, tok))
            i += 1
    return "".join(out)


def math_of(src: str) -> str | None:
    """LaTeX (math mode) for a formula-like ASCII span, or None when it cannot be translated."""
    try:
        out = _convert(_tokens(src.strip()))
    except ValueError:
        return None
    out = re.sub(r"\s+", " ", out).strip()
    return out if out and balanced(out) else None


def _strip_word(word: str) -> tuple[str, str, str]:
    """``(lead, core, trail)``: unbalanced parentheses and sentence punctuation kept out of the core."""
    lead, trail = "", ""
    while word and word[-1] in ",;:." and not word.endswith("..."):
        trail = word[-1] + trail
        word = word[:-1]
    while word.startswith("(") and word.count("(") > word.count(")"):
        lead, word = lead + "(", word[1:]
    while word.endswith(")") and word.count(")") > word.count("("):
        trail, word = ")" + trail, word[:-1]
    return lead, word, trail


def _is_mathy(core: str) -> bool:
    if not core or not _MATH_CHARS.match(core):
        return False
    if core in _PROSE_LETTERS:
        return False
    if re.search(r"[=^_<>*/\[|]|\*\*", core) and re.search(r"[A-Za-z0-9]", core):
        return True
    if core in GREEK or core in _WORDS:
        return True
    if re.fullmatch(r"\d+(?:\.\d+)?[eE][+-]?\d+", core):
        return True
    if re.fullmatch(r"[A-Za-z]", core):
        return True
    return bool(re.fullmatch(r"[A-Za-z]\w*\(.*\)", core)) and core.split("(")[0] in GREEK | set(_WORDS) | {"D", "J", "W", "p"}


def _split_words(text: str) -> list[str]:
    """Split at spaces, except inside a parenthesis attached to a formula (``c^(3 - 2/L)``,
    ``binom(B-2, N-2)``) or inside brackets (``[1, 2, 3]``): those stay one word."""
    out, cur, depth = [], "", 0
    for k, ch in enumerate(text):
        if ch in "([" and (depth or ch == "[" or (k and (text[k - 1].isalnum() or text[k - 1] in "^_*/("))):
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch.isspace() and not depth:
            if cur:
                out.append(cur)
            out.append(ch)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def _words_to_segments(text: str) -> list[tuple[str, str]]:
    """Word-level pass: runs of formula-like words (joined by operator words) become math."""
    words = _split_words(text)
    items = []  # (kind, lead, core, trail, raw)
    for w in words:
        if not w or w.isspace():
            items.append(("space", "", w, "", w))
            continue
        lead, core, trail = _strip_word(w)
        if core in _OPERATOR_WORDS:
            kind = "op"
        elif re.fullmatch(r"-?\d+(?:\.\d+)?", core):
            kind = "num"
        elif _is_mathy(core):
            kind = "math"
        else:
            kind = "text"
        items.append((kind, lead, core, trail, w))
    # an operator word joins math on both sides; "a" before "=" is a symbol
    n = len(items)
    def neighbour_index(i, step):
        j = i + step
        while 0 <= j < n and items[j][0] == "space":
            j += step
        return j if 0 <= j < n else None

    def neighbour(i, step):
        j = neighbour_index(i, step)
        return None if j is None else items[j]
    kinds = [it[0] for it in items]
    for i, it in enumerate(items):
        if it[0] == "text" and it[2] in _PROSE_LETTERS and not it[1] and not it[3]:
            nxt = neighbour(i, 1)
            if nxt is not None and nxt[0] == "op" and nxt[2] in ("=", "<", ">", "<=", ">="):
                kinds[i] = "math"
    for i, it in enumerate(items):
        if it[0] == "op":
            prev, nxt = neighbour(i, -1), neighbour(i, 1)
            ok = ("math", "op", "num")
            joinable = prev is not None and nxt is not None and prev[0] in ok and nxt[0] in ok
            if it[2] == "in":  # "P in GL_d" is membership, "b in s^b" is prose
                joinable = joinable and nxt[2][:1].isupper()
            kinds[i] = "math" if joinable or it[2] in ("=", "kron", "<=", ">=", "!=", "->") else "text"
    for i, it in enumerate(items):  # a number next to math or an operator is math
        if it[0] == "num":
            p, q = neighbour_index(i, -1), neighbour_index(i, 1)
            left = p is not None and kinds[p] == "math" and not items[p][3] and not it[1]
            right = q is not None and kinds[q] == "math" and not it[3] and not items[q][1]
            kinds[i] = "math" if left or right else "text"
    segs: list[tuple[str, str]] = []
    i = 0
    while i < n:
        if kinds[i] != "math":
            segs.append(("text", items[i][4]))
            i += 1
            continue
        last, j = i, i
        while not items[last][3]:  # a word with trailing punctuation ends the span
            j = last + 1
            while j < n and kinds[j] == "space":
                j += 1
            if j >= n or kinds[j] != "math" or items[j][1]:  # next word is prose or opens a parenthesis
                break
            last = j
        run = items[i:last + 1]
        if len(run) == 1:
            src = run[0][2]
        else:
            src = run[0][2] + run[0][3] + "".join(it[4] for it in run[1:-1]) + run[-1][1] + run[-1][2]
        lead, trail = run[0][1], run[-1][3]
        latex = math_of(src)
        if latex is None:
            segs.append(("text", "".join(it[4] for it in run)))
        else:
            if lead:
                segs.append(("text", lead))
            segs.append(("math", latex))
            if trail:
                segs.append(("text", trail))
        i = last + 1
    return segs


def segments(text) -> list[tuple[str, str]]:
    """``[("text", ...), ("math", ...)]`` for one line of verdict prose (see the module docstring)."""
    text = " ".join(str(text or "").split())
    pieces: list[tuple[str, str]] = [("raw", text)]
    for pattern, build in NUMPY_PHRASES:
        nxt = []
        for kind, s in pieces:
            if kind != "raw":
                nxt.append((kind, s))
                continue
            pos = 0
            for m in pattern.finditer(s):
                nxt.append(("raw", s[pos:m.start()]))
                nxt.extend(build(m))
                pos = m.end()
            nxt.append(("raw", s[pos:]))
        pieces = [p for p in nxt if p[1]]
    out: list[tuple[str, str]] = []
    for kind, s in pieces:
        out.extend(_words_to_segments(s) if kind == "raw" else [(kind, s)])
    merged: list[tuple[str, str]] = []
    for kind, s in out:  # adjacent text pieces merge (cleaner output)
        if merged and merged[-1][0] == kind == "text":
            merged[-1] = ("text", merged[-1][1] + s)
        else:
            merged.append((kind, s))
    return merged


def to_tex(text, *, escape=None) -> str:
    """LaTeX (text mode with ``$...$`` math) for verdict prose; ``escape`` escapes the text parts."""
    if escape is None:
        from .latex import escape as _esc
        escape = lambda s: _esc(s, breakable=True)  # noqa: E731
    return "".join(escape(s) if k == "text" else "$%s$" % _breakable_names(s) for k, s in segments(text))


_TT = re.compile(r"\\mathtt\{((?:[^{}\\]|\\_)+)\}")


def _breakable_names(math: str) -> str:
    """LaTeX only: a long code name ``\\mathtt{per\\_sample\\_gradients}`` may break after each underscore
    (``\\allowbreak`` between ``\\mathtt`` pieces; a name in one piece overfills a line) and a tuple after each
    comma.  Markdown keeps them whole: not every Markdown math renderer knows ``\\allowbreak``."""
    def split(m):
        parts = re.findall(r"(?:[^\\]|\\_)*?\\_|(?:[^\\]|\\_)+$", m.group(1))
        return r"\allowbreak ".join(r"\mathtt{%s}" % p for p in parts if p)
    return _TT.sub(split, math).replace(", ", r",\allowbreak ")   # and a tuple such as (3, 3, 3, 3) after a comma


def to_md(text, *, escape, cell: bool = False) -> str:
    """Markdown/HTML text with ``$...$`` math (``escape`` escapes the text parts; ``|`` in a table cell
    becomes ``\\vert``)."""
    out = []
    for k, s in segments(text):
        if k == "text":
            out.append(escape(s))
        else:
            out.append("$%s$" % (s.replace("|", r"\vert ") if cell else s))
    return "".join(out)
