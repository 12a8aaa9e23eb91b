"""API shapes shared by several aggregates of the campaigns app. No `from __future__ import
annotations`: ninja builds models from runtime annotations."""

from ninja import Schema
from pydantic import Field


class ReasonIn(Schema):
    reason: str = Field(max_length=300)
