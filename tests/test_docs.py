"""The docs run as tests: every ```python block in docs/*.md is executed (STYLE.md point 5).

Blocks in one file share a namespace, in order, so an example can build on the previous one.
A block whose first line is ``# not run`` is skipped (e.g. one that takes minutes).
"""
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _doc_files():
    return sorted(p for p in DOCS.glob("*.md") if BLOCK.search(p.read_text()))


@pytest.mark.parametrize("path", _doc_files(), ids=lambda p: p.name)
def test_doc_examples_run(path, tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    ns: dict = {"__name__": "__docs__"}
    for i, block in enumerate(BLOCK.findall(path.read_text())):
        if block.lstrip().startswith("# not run"):
            continue
        code = compile(block, f"{path.name}[block {i}]", "exec")
        exec(code, ns)  # our own documentation, not untrusted input


def test_docs_have_examples():
    assert _doc_files(), "docs/ must contain runnable ```python examples"
