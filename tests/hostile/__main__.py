"""`python -m tests.hostile DIR` writes the hostile corpus into DIR."""

import sys

from tests.hostile import main

main(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
