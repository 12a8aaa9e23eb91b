"""Pages of the volunteers app (thin: parse, call a service or selector, render)."""
