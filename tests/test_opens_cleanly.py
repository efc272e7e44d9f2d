"""A learner's first and next start: the lessons open unmodified, and the README's commands serve the
repository root."""

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.lesson_runner import KERNELSPEC

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "lessons").glob("*.ipynb"))


def readme_command(marker):
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.+?)\n```", (ROOT / "README.md").read_text())
    assert match, f"README.md has no command block after <!-- {marker} -->"
    return match.group(1)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_lesson_stores_the_kernelspec_ipykernel_installs(path):
    # JupyterLab rewrites a kernelspec that differs from the kernel's own, and marks the lesson modified.
    assert json.loads(path.read_text())["metadata"]["kernelspec"] == KERNELSPEC


def test_the_installed_kernel_is_the_one_the_lessons_name():
    kernelspec = pytest.importorskip("jupyter_client.kernelspec")
    spec = kernelspec.get_kernel_spec(KERNELSPEC["name"])
    assert (spec.display_name, spec.language) == (KERNELSPEC["display_name"], KERNELSPEC["language"])


def test_the_lab_command_serves_the_repository_and_opens_lesson_00():
    lab = shlex.split(readme_command("lab-command").split("&&")[-1])
    assert lab[:2] == [".venv/bin/jupyter", "lab"]
    assert "--notebook-dir=." in lab and lab[-1] == "lessons/00_welcome.ipynb"
    assert (ROOT / lab[-1]).exists()


def test_the_readme_says_what_to_run_next_time():
    assert readme_command("next-time-command") == ".venv/bin/jupyter lab"
