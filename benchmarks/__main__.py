"""`python -m benchmarks [NAME] [ARGS]`: run one benchmark; without a name, the roster import."""

import sys
from importlib import import_module

# name -> module under benchmarks/ with a main(argv) -> int
SUITES = {
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

name = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] in SUITES else "roster"
args = sys.argv[2:] if len(sys.argv) > 1 and sys.argv[1] in SUITES else sys.argv[1:]
module = import_module(f"benchmarks.{SUITES[name]}")
raise SystemExit(module.main(args))
