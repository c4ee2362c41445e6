"""`python -m gijiroku` is the `gijiroku` command."""

import sys

from gijiroku.cli import main

sys.exit(main())
