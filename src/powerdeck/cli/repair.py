"""`powerdeck repair`: accept a log (and its state file) changed by hand, after checking it whole.

Every write seals the file with a checksum (store/storage.py), so an edit made outside powerdeck,
or damage that stays valid JSON, is refused on open with a line that names the backup and this
command. Here the person says the change was theirs: the files are read without the checksum,
checked exactly as every open checks them (each entry, worksheet, draft; the schema; the size),
and written again with a new checksum. The file as it was is kept as the newest backup
(`log.json.bak1`). A file that fails the check is left untouched: one line, exit status 2.
"""

from __future__ import annotations

import argparse

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import plural, visible_line


def run_repair(args: argparse.Namespace) -> int:
    from powerdeck.store import Log, LogDamagedError, data_dir, log_path

    log_file = log_path(data_dir(getattr(args, "data", None)))
    if not log_file.exists():
        raise PowerdeckError(f"no review log at {log_file}: nothing to repair "
                             "(use --data DIR if your log is somewhere else)")
    try:
        with Log(log_file) as log:
            count = log.count()
    except LogDamagedError as error:
        if "powerdeck repair" not in str(error):
            raise  # damage a checksum cannot settle: the message says what to do
    else:
        print(f"{visible_line(str(log_file))} opens as it is ({plural(count)}): nothing to repair")
        return 0
    with Log(log_file, accept_edits=True) as log:  # checked whole, as any open checks it
        count = log.count()
        log.seal()
    backup = log_file.with_name(f"{log_file.name}.bak1")
    print(f"Accepted {visible_line(str(log_file))} as it is now ({plural(count)}, every one checked); "
          f"the file before is kept as {visible_line(str(backup))}")
    return 0
