"""Forms of the supplies pages (one module per aggregate)."""
