"""API authentication: the web session (with CSRF) or a personal bearer token."""

from __future__ import annotations

from ninja.security import django_auth

api_auth = [django_auth]
