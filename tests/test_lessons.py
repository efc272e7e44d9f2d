"""The course's integrity: what every lesson must have, checked without running it (nbval runs it)."""

import json
import re
from pathlib import Path

import pytest

import widgets

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def test_lessons_are_numbered_in_order_without_gaps():
    numbers = [int(re.match(r"(\d\d)_\w+\.ipynb$", path.name).group(1)) for path in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS)))
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_lesson_opens_with_its_goals_and_closes_with_a_summary(path):
    notebook = cells(path)
    first, last = notebook[0], notebook[-1]
    assert first["cell_type"] == "markdown"
    assert source(first).startswith(f"# {path.stem[:2]} ")
    assert "## Goals" in source(first)
    assert last["cell_type"] == "markdown" and source(last).startswith("## Summary")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_exercise_has_a_check_and_a_collapsed_solution(path):
    notebook = cells(path)
    starts = [i for i, c in enumerate(notebook) if c["cell_type"] == "markdown" and source(c).startswith("### Exercise")]
    assert 2 <= len(starts) <= 4, f"{path.name} has {len(starts)} exercises"
    for start in starts:
        learner, check, solution = notebook[start + 1 : start + 4]
        assert learner["cell_type"] == "code"
        assert check["cell_type"] == "code" and source(check).startswith("# Check")
        assert "from checking import" in source(check) or any(
            "from checking import" in source(c) for c in notebook[:start]
        )
        assert solution["cell_type"] == "code" and source(solution).startswith("# Solution")
        assert solution["metadata"].get("jupyter", {}).get("source_hidden") is True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_lesson_runs_on_the_plain_python3_kernel_with_clean_stored_outputs(path):
    notebook = json.loads(path.read_text())
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = source(cell)
        assert "NBVAL_SKIP" not in text, "no cell may be skipped"
        if "NBVAL_IGNORE_OUTPUT" in text:
            lines = text.splitlines()
            assert lines[0].strip() == "# NBVAL_IGNORE_OUTPUT" and lines[1].startswith("#"), (
                "an ignored output says why in the comment after the marker"
            )
        assert cell["execution_count"] is not None, "outputs are stored"
        for output in cell["outputs"]:
            assert output["output_type"] != "error"
            assert not (output["output_type"] == "stream" and output["name"] == "stderr"), text[:80]


def test_every_widget_is_used_in_at_least_one_lesson():
    text = "".join(source(c) for path in NOTEBOOKS for c in cells(path))
    for name in widgets.__all__:
        assert f"{name}(" in text, f"no lesson uses {name}"
