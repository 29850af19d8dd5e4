"""`python -m demo`: the command line (demo/cli/)."""

import sys

from demo.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
