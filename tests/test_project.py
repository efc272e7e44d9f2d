"""The project's promises about itself: what it depends on, and the commands the README gives."""

import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def readme_command(marker):
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.+?)\n```", text)
    assert match, f"README.md has no command block after <!-- {marker} -->"
    return match.group(1)


def test_the_readme_gives_one_command_to_run_the_course_and_one_to_run_the_tests():
    lab = readme_command("lab-command")
    test = readme_command("test-command")
    assert "\n" not in lab and "\n" not in test
    assert '".[lab]"' in lab and "jupyter lab" in lab
    assert '".[test]"' in test and "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci
    assert 'eval "$test_command"' in ci
    assert "torch==2.13.0" in ci


def test_the_engine_depends_on_numpy_only_and_no_extra_pulls_torch():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [re.split(r"[<>=!~ ]", d)[0] for d in project["dependencies"]] == ["numpy"]
    for extra, requirements in project["optional-dependencies"].items():
        assert not any(r.startswith("torch") for r in requirements), extra


def test_importing_the_engine_loads_no_widget_plotting_or_peer_library():
    code = (
        "import sys, minigrad, minigrad.nn, minigrad.nn.scalar, minigrad.optim, minigrad.gradcheck;"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split())
    assert not loaded & {"widgets", "ipywidgets", "matplotlib", "sklearn", "torch", "micrograd", "IPython"}
