"""Run a lesson in a Jupyter kernel cell by cell, with any cell's source replaced, and read its verdicts.

The exercise-check tests use it to put a learner's answers in place of an exercise cell and run the
real check cell after each, in the kernel the lesson runs in, as a learner would.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
VERDICT = re.compile(r"^[✓✗]", re.MULTILINE)


def source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


@dataclass(frozen=True)
class Exercise:
    """The four cells of an exercise: its text, the learner's cell, the check and the solution."""

    number: int
    text: int
    learner: int
    check: int
    solution: int


def exercises(notebook):
    starts = [i for i, c in enumerate(notebook.cells)
              if c.cell_type == "markdown" and source(c).startswith("### Exercise")]
    return [Exercise(k, i, i + 1, i + 2, i + 3) for k, i in enumerate(starts, start=1)]


@dataclass
class Run:
    """What one cell printed: its stdout, and any stderr or error, as text."""

    source: str
    stdout: str
    stderr: str
    error: str

    @property
    def verdicts(self):
        return [line for line in self.stdout.splitlines() if VERDICT.match(line)]

    @property
    def verdict(self):
        """'✓' or '✗' when the cell printed exactly one verdict and raised nothing; else what it did."""
        if self.error:
            return f"raised {self.error}"
        if len(self.verdicts) != 1:
            return f"printed {len(self.verdicts)} verdicts: {self.stdout!r}"
        return self.verdicts[0][0]


class LessonKernel:
    """A kernel started in lessons/ (as JupyterLab starts one) that runs sources as the cells of a lesson."""

    def __init__(self, path, timeout=300):
        self.notebook = nbformat.read(path, as_version=4)
        self.client = NotebookClient(self.notebook, timeout=timeout, allow_errors=True, kernel_name="python3",
                                     resources={"metadata": {"path": str(Path(path).parent)}})

    def __enter__(self):
        self._context = self.client.setup_kernel()
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)

    def run(self, text, index=0):
        cell = nbformat.v4.new_code_cell(text)
        self.client.execute_cell(cell, index)
        stdout = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
        stderr = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stderr")
        error = next((f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"), "")
        return Run(text, stdout, stderr, error)

    def run_cell(self, index):
        return self.run(source(self.notebook.cells[index]), index)


# The kernelspec ipykernel installs, as JupyterLab writes it into a notebook it opens: a lesson storing
# anything else opens already marked modified.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def store_outputs(path):
    """Run a lesson from the top in a fresh kernel and store its outputs, without timings or widget state."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False, store_widget_state=False,
                   resources={"metadata": {"path": str(Path(path).resolve().parent)}}).execute()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = _joined_streams(cell.outputs)
    notebook.metadata.pop("widgets", None)
    notebook.metadata.kernelspec = dict(KERNELSPEC)
    nbformat.write(notebook, path)


def _joined_streams(outputs):
    """One output per run of stdout (or stderr) text: a kernel sends a print's text and its newline in
    separate messages when it flushes between them, and the stored lesson should not depend on that."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if output.output_type == "stream" and previous is not None and previous.output_type == "stream" \
                and previous.name == output.name:
            previous.text += output.text
        else:
            joined.append(output)
    return joined


if __name__ == "__main__":
    import sys

    for lesson in sys.argv[1:]:
        store_outputs(lesson)
        print(f"stored the outputs of {lesson}")
