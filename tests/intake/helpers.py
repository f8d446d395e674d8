"""Small helpers for the intake tests: CSV files as people export them, counts, query counting."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation, Donor

HEADER_FR = (
    "Type;Marque;Modèle;N° de série;N° d'inventaire;Processeur;RAM (Go);Stockage (Go);Année;"
    "Poids (kg)"
)


def csv_file(*lines: str, encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    """Return the lines as a file's bytes, in ``encoding`` (``utf-8-sig`` adds a BOM)."""
    return (newline.join(lines) + newline).encode(encoding)


def laptop_lines(count: int, *, start: int = 1, prefix: str = "PF") -> list[str]:
    """Return ``count`` realistic French rows of laptops (HEADER_FR's columns)."""
    return [
        f"PC portable;Lenovo;ThinkPad T480;{prefix}{n:06d};INV-{n:05d};Intel Core i5-8350U;"
        f"8 Go;256;2018;1,58"
        for n in range(start, start + count)
    ]


def upload(file_bytes: bytes, name: str = "dons.csv", **fields) -> dict:
    """Return the form data of an import upload."""
    data = {"donor_name": "Société Générale d'Équipements", "received_on": "2026-11-20"}
    data.update(fields)
    data["file"] = (io.BytesIO(file_bytes), name)
    return data


def confirm_token(page: str) -> str | None:
    """Return the token the preview's confirm form carries, if it has one."""
    match = re.search(r'name="token" value="([^"]+)"', page)
    return match.group(1) if match else None


def recorded() -> tuple[int, int, int]:
    """Return how many donors, donations and devices the database holds now."""
    db.session.rollback()
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Donor, Donation, Device)
    )
