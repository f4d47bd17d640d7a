"""An export job as a process of its own, for a door that has no prepared process to fork it from
(the simple view served on its own, as the tests and benchmarks run it).

    python -m powerdeck.serve.job_child < REQUEST.json > FILE

One JSON request on standard input (session.run_job's: "folder", "state", "options" or "format"
and "deck" for another deck file); the export on standard output, or one line on standard error
and status 2. The same limits as a forked job (session.limit_job), set before the log is read.
"""

from __future__ import annotations

import json
import os
import sys

MAX_REQUEST = 64 * 1024


def main() -> int:
    try:
        request = json.loads(sys.stdin.buffer.read(MAX_REQUEST))
        from powerdeck.deck.model import deck_path_from, load_deck
        from powerdeck.serve.session import run_job

        deck = load_deck(deck_path_from(request.get("deck")))
        return run_job(request, deck)
    except BaseException as error:  # one line, never a traceback
        os.write(2, f"powerdeck: the export failed on the server ({type(error).__name__}): please try again\n"
                 .encode())
        return 70


if __name__ == "__main__":
    sys.exit(main())
