"""Pages of the party app, one module per aggregate (thin: parse, call, render)."""
