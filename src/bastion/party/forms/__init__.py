"""Forms of the party pages. Labels and messages are Chinese msgids (docs/decisions/0001).

Pickers of members, organizations and regions are text fields (a code, an exact name,
or an ID number) resolved by the view through scoped selectors (`pickers.py`), so no
page lists tens of thousands of choices.
"""
