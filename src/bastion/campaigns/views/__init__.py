"""Pages of the campaigns app (namespace "campaigns"); thin: parse, call, render."""
