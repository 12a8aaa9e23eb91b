"""Forms of the campaigns pages (one module per area)."""
