"""`python -m bench.load [--seconds 60 ...]` (make load), or one of its
child steps: --prepare WORKDIR REVIEWERS, --verify WORKDIR, --queries WORKDIR."""

import sys
from pathlib import Path

from bench.load.run import main
from bench.load.steps import prepare, queries, verify

if __name__ == "__main__":
    if "--prepare" in sys.argv:
        prepare(Path(sys.argv[2]), int(sys.argv[3]))
    elif "--verify" in sys.argv:
        verify(Path(sys.argv[2]))
    elif "--queries" in sys.argv:
        queries(Path(sys.argv[2]))
    else:
        main()
