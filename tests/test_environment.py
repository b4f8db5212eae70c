"""Set-up: pyproject.toml and environment.yml list the same dependencies; CI runs the README's command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normal(requirement: str) -> str:
    return re.sub(r"\s+", "", requirement).lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip"))]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = conda + [d for d in pip if d != "-e ."]
    assert sorted(map(_normal, listed)) == sorted(map(_normal, wanted))


def test_readme_names_the_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    top = readme[: readme.index("\n## ", readme.index("make test"))]
    assert "make reports" in top and "make test" in top
    assert re.search(r"^make test$", (ROOT / ".ci/run").read_text(), re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^reports:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)
