"""`python -m benchmarks [NAME] [ARGS]`: run one benchmark.

Without arguments: the whole set on the county at scale, as one results table (`table`).
With options but no name (`--rows 200000`): the roster import, as before issue 14.
"""

import sys
from importlib import import_module

# name -> module under benchmarks/ with a main(argv) -> int
SUITES = {
    "table": "table",
    "scale": "scale",
    "roster": "roster",
    "monitoring": "monitoring",
    "party": "party",
    "campaigns": "campaigns",
    "volunteers": "volunteers",
    "supplies": "supplies",
    "command": "command",
    "dashboard": "dashboard",
    "field": "field",
}

if len(sys.argv) > 1 and sys.argv[1] in SUITES:
    name, args = sys.argv[1], sys.argv[2:]
else:
    name, args = ("roster" if len(sys.argv) > 1 else "table"), sys.argv[1:]
module = import_module(f"benchmarks.{SUITES[name]}")
raise SystemExit(module.main(args))
