"""Command headquarters: meetings, directives with receipts, notices, incidents, daily forms."""
