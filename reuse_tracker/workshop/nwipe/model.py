"""What a read nwipe log gives: the wiped disks, or the reason it was refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class NwipeLogError(ValueError):
    """The file is not a complete nwipe log; ``code`` names why, ``params`` give details."""

    def __init__(self, code: str, **params: object):
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class WipedDisk:
    """One disk nwipe wiped, with what the log says about it."""

    device: str
    serial: str
    model: str
    size_gb: int | None
    #: erased | failed | aborted | insanity (nwipe's own bug status)
    status: str
    method: str
    #: off | last | all: which passes were read back
    verification: str
    rounds: int | None
    errors: int
    started_at: datetime | None
    ended_at: datetime | None
    #: The "Erasure Summary" of nwipe 0.41+: bytes erased and bytes the disk holds.
    bytes_erased: int | None = None
    bytes_total: int | None = None

    @property
    def partial(self) -> bool:
        """Tell whether nwipe says it erased less than the whole disk."""
        return self.bytes_total is not None and (self.bytes_erased or 0) < self.bytes_total

    @property
    def erased_pct(self) -> str | None:
        """Return the share of the disk erased (``"25.00"``), when nwipe counted it."""
        if not self.bytes_total:
            return None
        return f"{100 * (self.bytes_erased or 0) / self.bytes_total:.2f}"

    @property
    def passed(self) -> bool:
        return self.status == "erased" and self.errors == 0 and not self.partial


@dataclass(frozen=True)
class NwipeReport:
    version: str | None
    disks: tuple[WipedDisk, ...]
