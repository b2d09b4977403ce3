"""``symdln derive``: deterministic output, and ``--check`` detects stale, missing and extra files."""
from __future__ import annotations

import json

from symdln.cli import main
from symdln.symbolic.render import render_all, render_quantity, to_data


def test_render_is_deterministic_and_complete(rendered_derivations):
    from symdln.symbolic import quantity_ids
    a, b = rendered_derivations, render_all()          # two independent renderings in one process
    assert a == b
    assert "INDEX.md" in a
    for q in quantity_ids():
        assert f"{q}.md" in a and f"{q}.json" in a
        assert "0x" not in a[f"{q}.json"], "no memory addresses in the machine-readable form"


def test_markdown_has_statement_steps_and_result():
    md, js = render_quantity("diffusion_aligned")
    assert "**Statement.**" in md and "## Steps" in md and "## Result" in md and "$$" in md
    assert '"srepr"' in js and '"steps"' in js and '"symbols"' in js


def test_to_data_is_json_safe_for_callables_and_sets():
    out = to_data({"f": render_all, "s": {3, 1, 2}, "x": 1.5})
    assert out["f"].startswith("<callable symdln.symbolic.render.render_all") and out["s"] == ["1", "2", "3"]


def test_derive_check_detects_stale_missing_extra(tmp_path, capsys, cached_render_all):
    out = tmp_path / "derivations"
    assert main(["derive", "--out", str(out), "--quiet"]) == 0
    assert main(["derive", "--check", "--out", str(out), "--quiet"]) == 0
    md = sorted(out.glob("*.md"))[1]
    md.write_text(md.read_text() + "\nhand edit\n")
    (out / "INDEX.md").unlink()
    (out / "stray.md").write_text("x")          # the user's file: never reported, replaced or removed
    (out / "obsolete.md").write_text("x")        # a file an older symdln wrote (listed in its manifest)
    manifest = json.loads((out / ".symdln-manifest.json").read_text())
    manifest["files"].append("obsolete.md")
    (out / ".symdln-manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert main(["derive", "--check", "--out", str(out), "--quiet"]) == 1
    text = capsys.readouterr().out
    assert f"stale: {md}" in text and "missing:" in text and "INDEX.md" in text and "extra:" in text
    assert "obsolete.md" in text and "stray.md" not in text
    assert main(["derive", "--out", str(out), "--quiet"]) == 0
    assert main(["derive", "--check", "--out", str(out), "--quiet"]) == 0
    assert not (out / "obsolete.md").exists() and (out / "stray.md").read_text() == "x"
