"""`python -m powerdeck` runs the same entry point as the `powerdeck` script."""

import sys

from powerdeck.cli import main

sys.exit(main())
