"""The stamp of an issued document: its number, version, date and verification address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Stamp:
    """What makes a PDF an issued document: its number, version, date and verification code."""

    number: str
    version: int
    code: str
    url: str
    issued_on: date

    @property
    def label(self) -> str:
        return f"{self.number} v{self.version}"
