"""How fast the explorers answer in the browser: JupyterLab in headless Chromium, as tests/test_browser.py
drives it.

For each explorer, the time from a key press on one of its sliders (the playground: a click on its step
button) to the first change of its drawing, measured in the page (median of 7); then the playground
(2-16-16-1, tensor mode) playing for 5 s: training steps and redraws per second as the page shows them.
Targets: under 100 ms per interaction, at least 100 steps/s and 10 redraws/s. Needs Chromium and
Playwright, as the browser test does. The figures follow the machine's load (the kernel, the Jupyter
server and Chromium share its cores), so the load average is printed before and after the run.

Run: .venv/bin/python bench/browser_speed.py
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent



def load_average():
    return ", ".join(f"{load:.1f}" for load in os.getloadavg()) + f" (1, 5, 15 min) on {os.cpu_count()} cores"


if __name__ == "__main__":
    command = [sys.executable, "-m", "pytest", "tests/test_browser.py", "-k", "speed", "-s", "-q", "-p", "no:cacheprovider"]
    print("load average before:", load_average(), flush=True)
    status = subprocess.call(command, cwd=ROOT, env={**os.environ, "MINIGRAD_BROWSER_BENCH": "1"})
    print("load average after:", load_average())
    sys.exit(status)
