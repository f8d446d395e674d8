"""nwipe's method labels (``method.c``, 0.17 to 0.42) in NIST SP 800-88 terms.

Every nwipe method overwrites the disk through the operating system: a *clear* by
*overwrite*. Labels changed over the releases: the zero fill was "Quick Erase" (0.17-0.26),
"Zero Fill" (0.27-0.31), then "Fill With Zeros"; the verification-only method was
"Verify Blank" (0.27-0.31), then "Verify Zeros (0x00)" and "Verify Ones  (0xFF)" (two spaces).
"""

from __future__ import annotations

CLEAR_BY_OVERWRITE = ("clear", "overwrite")

#: Each label any release writes, with the NIST SP 800-88 method and technique it is.
METHODS: dict[str, tuple[str, str]] = dict.fromkeys(
    (
        "DoD 5220.22-M",  # 0.17+: 7 passes
        "DoD Short",  # 0.17+: 3 passes
        "Gutmann Wipe",  # 0.17+: 35 passes
        "RCMP TSSIT OPS-II",  # 0.17+
        "PRNG Stream",  # 0.17+
        "Quick Erase",  # 0.17-0.26: zeros
        "Zero Fill",  # 0.27-0.31: zeros
        "Fill With Zeros",  # 0.32+
        "Fill With Ones",  # 0.32+
        "HMG IS5 Enhanced",  # 0.27+
        "Bruce Schneier 7-Pass",  # 0.39+
        "BMB21-2019",  # 0.40+
    ),
    CLEAR_BY_OVERWRITE,
)

#: Methods that only read a disk back: they erase nothing.
VERIFY_ONLY = frozenset({"Verify Blank", "Verify Zeros (0x00)", "Verify Ones (0xFF)"})


def method_label(raw: str) -> str:
    """Return a label as the tables above spell it (nwipe pads some with two spaces)."""
    return " ".join(raw.split())
