"""`python -m powerdeck` runs the same entry point as the `powerdeck` script."""

import sys

from powerdeck.cli.main import main

sys.exit(main())
