"""The package's layout: one subpackage per part, and imports that only run downward.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``) and are checked with
import-linter, which reads every import statement (those inside functions too).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cxlab

ROOT = Path(__file__).resolve().parents[1]
PARTS = {"data", "stats", "report", "analyses", "build", "explore"}


def lint(package_parent: Path, config: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the ``cxlab`` package found in ``package_parent``."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--config", str(config), "--no-cache"],
                          cwd=package_parent, env=env, capture_output=True, text=True, timeout=120)


def test_every_part_has_a_folder_whose_docstring_says_what_it_holds_and_imports():
    package = Path(cxlab.__file__).parent
    folders = {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert folders == PARTS
    for part in PARTS:
        doc = __import__(f"cxlab.{part}", fromlist=["_"]).__doc__
        assert doc and "Imports:" in doc, part
    assert sorted(p.name for p in package.glob("*.py")) == ["__init__.py", "cli.py", "errors.py"]


def test_no_module_imports_upward():
    done = lint(ROOT, ROOT / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path):
    copy = tmp_path / "cxlab"
    shutil.copytree(Path(cxlab.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    scales = copy / "data" / "scales.py"
    scales.write_text(scales.read_text(encoding="utf-8") + "\n\ndef _upward():\n    from cxlab.build import catalog\n",
                      encoding="utf-8")
    done = lint(tmp_path, ROOT / "pyproject.toml")
    assert done.returncode != 0
    assert "cxlab.data.scales -> cxlab.build.catalog" in done.stdout
