"""The prepared process uses up its free small blocks before it forks (serve/heap_fill.py)."""

from __future__ import annotations

import subprocess
import sys

FILL_AND_REPORT = """
import gc
import sys
from powerdeck.serve.heap_fill import fill_free_blocks, free_blocks
junk = [bytes(100) for _ in range(20000)]
del junk[::2]  # free blocks scattered among live ones, as after the rehearsal
gc.collect()
size = -(-sys.getsizeof(bytes(100)) // 16) * 16
before = free_blocks()[size]
taken = fill_free_blocks()
after = free_blocks()[size]
print(before, taken, after)
"""


def test_the_allocator_reports_its_free_blocks() -> None:
    from powerdeck.serve.heap_fill import free_blocks

    blocks = free_blocks()
    assert blocks, "sys._debugmallocstats printed no size classes"
    assert all(size % 16 == 0 and size <= 512 for size in blocks)


def test_filling_leaves_no_free_block_a_session_would_copy_a_page_for() -> None:
    # In a process of its own: the fillers are kept for the life of the process.
    done = subprocess.run([sys.executable, "-c", FILL_AND_REPORT], capture_output=True, text=True,
                          timeout=60, check=True)
    before, taken, left = map(int, done.stdout.split())
    assert before >= 10000  # the scattered holes were there
    assert taken >= before
    # What is left in that class: blocks the filling's own temporaries freed, a few at most.
    assert left < 100, f"{left} free blocks left of {before}"


def test_the_fillers_do_not_print_the_report_on_the_terminal(capfd) -> None:
    from powerdeck.serve.heap_fill import free_blocks

    free_blocks()
    out, err = capfd.readouterr()
    assert "size classes" not in err and "size classes" not in out
