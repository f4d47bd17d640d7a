"""The prepared process's free small blocks, used up before the first fork.

A fork shares the prepared process's memory page for page until either side writes to a page.
CPython's small-object allocator (pymalloc) hands out the free blocks of pools already in use
first, and after the rehearsal (rehearsal.py) those free blocks are scattered over pages full of
shared objects: each session's first few thousand small objects would each land on such a page
and copy it whole, 4 KiB for a 64-byte object. Filling those blocks here, once, with objects that
are never freed, sends every session's own objects to fresh pages it packs densely instead.
Measured (bench/serve_fork.py idle, DETAIL=1): about 1 MiB less private memory per session.

How many blocks each size class has free is read from `sys._debugmallocstats()` (CPython only; it
prints to the C-level standard error, hence the descriptor swap). Where that is missing or prints
something else, nothing is filled: the sessions work as before, they only share a little less.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile

_CLASS_LINE = re.compile(rb"^\s*\d+\s+(\d+)\s+\d+\s+\d+\s+(\d+)\s*$", re.MULTILINE)
"""A row of the size-class table: class, size, pools, blocks in use, available blocks."""
BYTES_HEADER = sys.getsizeof(b"")
"""What a bytes object takes beyond its contents (33 on 64-bit CPython): a bytes of
`size - BYTES_HEADER` fills one block of `size`."""
SMALLEST_INT_BLOCK = sys.getsizeof(1 << 30)
"""A two-digit int: the filler for the size class too small for a bytes object."""

_kept: list[object] = []
"""The fillers: referenced for the life of the process, so their blocks are never free again."""


def free_blocks() -> dict[int, int]:
    """Available blocks per size class (bytes), or {} when the allocator does not say."""
    debug = getattr(sys, "_debugmallocstats", None)
    if debug is None:
        return {}
    with tempfile.TemporaryFile() as report:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(report.fileno(), 2)
            debug()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        report.seek(0)
        text = report.read()
    return {int(size): int(available) for size, available in _CLASS_LINE.findall(text)}


def fill_free_blocks() -> int:
    """Take every free small block the allocator has now; how many were taken."""
    taken = 0
    for size, available in free_blocks().items():
        if size >= BYTES_HEADER + 1:
            contents = size - BYTES_HEADER
            _kept.extend(bytes(contents) for _ in range(available))
        elif size >= SMALLEST_INT_BLOCK:
            _kept.extend((1 << 30) + n for n in range(available))
        else:
            continue  # 16-byte blocks: no Python object is that small
        taken += available
    return taken
