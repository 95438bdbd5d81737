#!/usr/bin/env python3
"""libhxl's `hxlvalidate` console script, run through this Python (pip may put the script where PATH does
not look)."""
import sys

from hxl.scripts import hxlvalidate

if __name__ == "__main__":
    sys.argv[0] = "hxlvalidate"
    sys.exit(hxlvalidate())
