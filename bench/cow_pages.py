"""Where a forked session's memory is: pages still shared with its parent, copied on write, its own.

    from cow_pages import split; print(split(child_pid, parent_pid))

Reads /proc/PID/pagemap (page frame numbers need root): a resident page of the child's with the
parent's frame at the same address is still shared; with another frame it was copied on write
(the child, or the parent, wrote to it after the fork); where the parent has nothing resident it
is the child's own.
"""

from __future__ import annotations

import struct
from pathlib import Path

PAGE = 4096
_PFN = (1 << 55) - 1


def writable_maps(pid: int) -> list[tuple[int, int, str]]:
    maps = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split()
        low, high = (int(x, 16) for x in parts[0].split("-"))
        if "w" in parts[1]:
            maps.append((low, high, parts[5] if len(parts) > 5 else ""))
    return maps


def frames(pid: int, low: int, high: int) -> list[int | None]:
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        pagemap.seek(low // PAGE * 8)
        data = pagemap.read((high - low) // PAGE * 8)
    values = struct.unpack(f"{len(data) // 8}Q", data)
    return [value & _PFN if value >> 63 & 1 else None for value in values]


def split(child: int, parent: int) -> str:
    """One line of MiB: shared, copied, own; then the maps with most copied or own pages."""
    shared = copied = own = 0
    by_map: dict[str, list[int]] = {}
    for low, high, name in writable_maps(child):
        mine = frames(child, low, high)
        try:
            theirs = frames(parent, low, high)
        except OSError:
            theirs = [None] * len(mine)
        counts = by_map.setdefault(name or "[anonymous]", [0, 0])
        for frame, parent_frame in zip(mine, theirs, strict=False):  # a map the parent lacks reads short
            if frame is None:
                continue
            if parent_frame is None:
                own += 1
                counts[1] += 1
            elif frame == parent_frame:
                shared += 1
            else:
                copied += 1
                counts[0] += 1
    mib = PAGE / 2**20
    lines = [f"shared {shared * mib:.1f} MiB, copied on write {copied * mib:.1f} MiB, own {own * mib:.1f} MiB"]
    for name, (copies, owned) in sorted(by_map.items(), key=lambda item: -sum(item[1]))[:6]:
        lines.append(f"   {name[-60:]:60} copied {copies * mib:.1f}  own {owned * mib:.1f}")
    return "\n".join(lines)
