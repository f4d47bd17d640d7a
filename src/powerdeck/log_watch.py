"""Tells a screen when the review log's contents changed since it last looked.

Screens poll every two seconds (a stat of the file; nothing is drawn unless something changed),
so a second SSH session's entries appear without a restart.
"""

from __future__ import annotations

from powerdeck.log_worker import LogWorker


class LogWatch:
    def __init__(self, store: LogWorker) -> None:
        self._store = store
        self._seen = store.read(lambda log: log.version())

    def changed(self) -> bool:
        # Disk first: reading the version takes in another session's write and would hide it.
        on_disk, version = self._store.read(lambda log: (log.changed_on_disk(), log.version()))
        changed = on_disk or version != self._seen
        self._seen = version
        return changed
