"""Screening campaigns: household visits, venues, inspections, commitment letters, check-in codes, publicity materials."""
