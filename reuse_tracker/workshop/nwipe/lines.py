"""The lines nwipe writes, as patterns: numbers are ASCII digits only, lengths are bounded.

Quoted messages come from nwipe's sources (``nwipe_log`` calls in nwipe.c, device.c, method.c,
logging.c). Old releases (0.17-0.28) quote the device and end with a full stop
(``Blanked device '/dev/sda'.``); newer ones do not (``[SUCCESS] Blanked device /dev/sda``).
"""

from __future__ import annotations

import re
from datetime import datetime

FLAGS = re.ASCII
_STAMP = r"\[([0-9]{4})/([0-9]{2})/([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})\]"
#: ``[2021/03/12 09:13:41] nwipe: notice: ...`` (0.17-0.28) or ``[...]  notice: ...`` (0.30+).
LOG_LINE = re.compile(_STAMP + r" +(nwipe: +)?([a-z]{4,7}): ?(.*)$", FLAGS)
#: The closing line of the "Drive Status" table (0.30+).
TOTAL_LINE = re.compile(_STAMP + r" +Total Throughput (.*)$", FLAGS)
TOTAL_TAIL = re.compile(r", (.+), ([0-9]{1,7})R\+N?B\+(NV|VL|VA) *$", FLAGS)

#: A device path, quoted or not; a full stop ending the message may stick to it (``path()``).
_PATH = r"'?(/dev/[^' ,]{1,64})'?"
_END = r"'?\.? *$"
OPTION = re.compile(r"^ *(banner|method|rounds|verify) += +(.*?) *$", FLAGS)
VERSION = re.compile(r"\bnwipe ([0-9]{1,3}(?:\.[0-9]{1,4}){1,3})\b", FLAGS)
BANNER = re.compile(r"^nwipe [0-9]", FLAGS)
#: 0.30+: ``Found /dev/sda, ATA, Samsung SSD 860 EVO 250GB,  250 GB, S/N=S3Z9NB0K``.
FOUND = re.compile(
    r"^Found (/dev/[^ ,]{1,64}), (.*?), (.*), +([0-9]{1,9}(?:\.[0-9]{1,3})?) ?([KMGTP]?B), "
    r"S/N=(.*?) *$",
    FLAGS,
)
#: 0.26-0.28: ``Found drive model="...", device path="/dev/sda", size="250.1GB", serial number=""``.
FOUND_DRIVE = re.compile(
    r'^Found drive model="(.*)", device path="(/dev/[^"]{1,64})", size="[^"]*", '
    r'serial number="(.*)"$',
    FLAGS,
)
SERIAL = re.compile(r"^(?:Device )?" + _PATH + r" has serial number (.+?) *$", FLAGS)
SIZE = re.compile(r"^Device " + _PATH + r" is size ([0-9]{1,20})" + _END, FLAGS)
INVOKING = re.compile(r"^Invoking method '(.{1,80})' on (?:device )?" + _PATH + _END, FLAGS)
ROUND = re.compile(
    r"^(Starting|Finished|Finished final) round ([0-9]{1,7}) of ([0-9]{1,7}) on (?:device )?"
    + _PATH
    + _END,
    FLAGS,
)
BLANKING = re.compile(r"^Blanking device " + _PATH + _END, FLAGS)
BLANKED = re.compile(r"^(?:\[SUCCESS\] )?Blanked device " + _PATH + _END, FLAGS)
VERIFYING_PASS = re.compile(
    r"^Verifying pass ([0-9]{1,4})(?: of |/)([0-9]{1,4}),.* on (?:device )?" + _PATH + _END, FLAGS
)
VERIFYING_LAST = re.compile(
    r"^Verifying (?:that|the final random pattern on|final random pattern FRP on) "
    + _PATH
    + "( |$)",
    FLAGS,
)
#: The last line of a run of 0.17-0.28 (``Nwipe exited.``, ``Nwipe successfully exited.``).
EXIT = re.compile(r"^Nwipe (?:successfully )?exited\b", FLAGS)
INTERRUPTED = re.compile(r"^Program interrupted", FLAGS)
#: ``nwipe_perror``: ``nwipe_random_pass: fdatasync: Input/output error``; the thread's next line
#: names the device (``Buffer flush failure on '/dev/sdb'.``).
SYSTEM_ERROR = re.compile(r"^[a-z_][a-z0-9_]{0,40}(?:\(\))?: [a-z_0-9]{1,20}: ", FLAGS)
ERROR_COUNT = re.compile(r"^([0-9]{1,12}) (?:verification|wipe) errors on ", FLAGS)
NEW_RUN = re.compile(r"^(?:Opened entropy source|Program options are set|nwipe [0-9])", FLAGS)
DEVICE = re.compile(r"/dev/[A-Za-z0-9_./-]{1,64}", FLAGS)
DURATION = re.compile(r"^([0-9]{2,6}):([0-9]{2}):([0-9]{2})$", FLAGS)
DIGITS = re.compile(r"^[0-9]{1,20}$", FLAGS)
UNIT_GB = {"B": 1e-9, "KB": 1e-6, "MB": 1e-3, "GB": 1, "TB": 1e3, "PB": 1e6}
#: storage_size_gb accepts at most this (devices.fields).
MAX_GB = 1_000_000


def path(raw: str) -> str:
    """Return a device path without the full stop of the message it ended."""
    return raw.rstrip(".")


def stamp(groups: tuple[str | None, ...]) -> datetime | None:
    """Return the moment of ``[YYYY/MM/DD HH:MM:SS]``, or None if it is no real date."""
    try:
        return datetime(*(int(part or "") for part in groups[:6]))
    except ValueError:
        return None


def gigabytes(amount: float) -> int | None:
    """Return a size in whole GB, or None for less than half a GB or more than any disk."""
    size = round(amount)
    return size if 0 < size <= MAX_GB else None
