"""``python -m umbrella``: the ``umbrella`` command."""

import sys

from umbrella.cli import main

if __name__ == "__main__":
    sys.argv[0] = "umbrella"  # provenance and help name the command, not this file
    main()
