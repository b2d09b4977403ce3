"""The HTML report: same blocks as the PDF, math rendered offline by the KaTeX shipped with symdln.

The browser test opens the page in headless Chromium with networking disabled and checks that
KaTeX typeset every formula (``.katex`` spans, no ``.katex-error``, no ``\\(`` or ``$`` left in
the visible text).  It is skipped, with that reason, when Chromium is not installed (CI installs
it: ``.ci/run``; locally ``apt-get install chromium``).
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from symdln.export.html import KATEX_DIR, render_html
from symdln.export.report import write_report
from test_report_front import front_data

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


def test_katex_ships_with_the_package():
    for name in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "LICENSE"):
        assert (KATEX_DIR / name).is_file(), name
    assert "MIT" in (KATEX_DIR / "LICENSE").read_text()
    fonts = list((KATEX_DIR / "fonts").glob("*.woff2"))
    css = (KATEX_DIR / "katex.min.css").read_text()
    assert fonts and all(f.name in css for f in fonts)
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert "static/katex/fonts/*.woff2" in pyproject  # `pip install .` ships them


def test_html_page_is_self_contained_and_escaped(tmp_path):
    page = render_html(front_data(tmp_path))
    assert "<h1>Errata and verification report</h1>" in page and "<h2>Errata at a glance</h2>" in page
    assert "http://" not in page and "https://cdn" not in page  # nothing fetched from the network
    assert "katex/katex.min.js" in page and "renderMathInElement" in page
    assert "50% &amp; a_b" in page and "50% & a_b" not in page  # user text is escaped text, never markup
    assert page.count(r"\(") == page.count(r"\)") and page.index("Errata at a glance") < page.index("How to reproduce")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install chromium); CI installs it")
def test_html_math_renders_offline_in_headless_chromium(tmp_path):
    out = tmp_path / "report"
    assert write_report(out, data=front_data(tmp_path), pdf=False).exit_code == 0
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
           "--proxy-server=127.0.0.1:9", "--virtual-time-budget=15000", "--dump-dom",
           (out / "report.html").as_uri()]
    dom = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120, check=True).stdout.decode()
    assert dom.count('class="katex"') > 20, "KaTeX did not render the formulas"
    assert "katex-error" not in dom
    visible = re.sub(r"<annotation.*?</annotation>|<script.*?</script>|<style.*?</style>", "", dom, flags=re.S)
    visible = re.sub(r"<[^>]+>", "", visible)
    visible = visible.replace("$x$", "")  # the fixture's user text contains a literal "$x$" (text, not math)
    assert r"\(" not in visible and r"\[" not in visible and "$" not in visible
