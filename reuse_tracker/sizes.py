"""Bounds that input must respect to be stored: the database's integer range."""

from __future__ import annotations

#: The largest value an INTEGER column holds on every database we run on (PostgreSQL's int4).
MAX_ID = 2**31 - 1
#: A record number in a URL: never beyond what an INTEGER column holds.
ID_CONVERTER = f"int(max={MAX_ID})"
