"""Second sessions as real processes (store_child.py), released at the same moment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("store_child.py")


def run_together(barrier: Path, *commands: list[str]) -> list[str]:
    """Start a child per command (each names `barrier` as its BARRIER), wait until each is ready,
    then release them at once by creating the barrier file; their outputs, in order."""
    children = [subprocess.Popen([sys.executable, str(CHILD), *command], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for command in commands]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.communicate()[1]
    barrier.touch()
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        outputs.append(out)
    return outputs
