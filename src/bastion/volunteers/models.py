"""Volunteer tasks: publishing, claims, waiting lists, attendance, hours and points, resident service orders."""
