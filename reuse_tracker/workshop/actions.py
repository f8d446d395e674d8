"""The workshop's actions: erasure, diagnostics, grade, parts, harvest and recycling."""

from __future__ import annotations

from flask import Flask

from reuse_tracker.devices.actions import ActionSpec, add_action
from reuse_tracker.devices.fields import (
    NOTES,
    PASS_FAIL,
    Field,
    choices,
    clean_serial,
    clean_sha256,
)
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.workshop import ecoorganisations, parts
from reuse_tracker.workshop import services as handlers

ERASURE_FIELDS = (
    Field(
        "method",
        _l("NIST SP 800-88 method"),
        "choice",
        True,
        choices(("clear", _l("Clear")), ("purge", _l("Purge")), ("destroy", _l("Destroy"))),
    ),
    Field(
        "technique",
        _l("Technique"),
        "choice",
        True,
        choices(
            ("overwrite", _l("Overwrite")),
            ("block_erase", _l("Block erase")),
            ("crypto_erase", _l("Cryptographic erase")),
            ("sanitize", _l("Sanitize command")),
            ("physical_destruction", _l("Physical destruction")),
        ),
    ),
    Field("tool", _l("Tool"), required=True, max_length=80),
    Field("tool_version", _l("Tool version"), max_length=40),
    Field(
        "verification",
        _l("Verification"),
        "choice",
        True,
        choices(("full", _l("Full")), ("sampling", _l("Sampling")), ("none", _l("None"))),
    ),
    Field("result", _l("Result"), "choice", True, PASS_FAIL),
    Field("storage_serial", _l("Storage serial number"), max_length=80, cleaner=clean_serial),
    Field("storage_model", _l("Storage model"), max_length=120),
    Field("storage_size_gb", _l("Storage size (GB)"), "int", minimum=0, maximum=1_000_000),
    Field("tool_method", _l("Method in the tool (e.g. PRNG Stream)"), max_length=80),
    Field("started_at", _l("Started at"), "datetime"),
    Field("ended_at", _l("Ended at"), "datetime"),
    Field("log_sha256", _l("SHA-256 of the tool's log"), max_length=64, cleaner=clean_sha256),
    NOTES,
)

DIAGNOSTICS_FIELDS = (
    Field("result", _l("Result"), "choice", True, PASS_FAIL),
    Field("checks", _l("Checks"), "checks"),
    Field("battery_health_pct", _l("Battery health (%)"), "int", minimum=0, maximum=100),
    Field(
        "storage_health",
        _l("Storage health"),
        "choice",
        choices=choices(
            ("good", _l("good")), ("warning", _l("warning")), ("failing", _l("failing"))
        ),
    ),
    NOTES,
)

GRADE_FIELDS = (
    Field(
        "grade",
        _l("Cosmetic grade"),
        "choice",
        True,
        choices(
            ("A", _l("A — like new")),
            ("B", _l("B — light wear")),
            ("C", _l("C — visible wear")),
        ),
    ),
    Field("os", _l("Operating system installed"), max_length=120),
    Field("image_version", _l("Software image version"), max_length=60),
    NOTES,
)

RECYCLE_FIELDS = (
    Field("weight_kg", _l("Weight (kg)"), "decimal", True, minimum=0.01, maximum=50),
    Field(
        "channel",
        _l("WEEE channel (eco-organisation)"),
        required=True,
        max_length=80,
        cleaner=lambda name: ecoorganisations.canonical(name),
        suggestions=lambda: ecoorganisations.listed(),
    ),
    Field("reference", _l("Pick-up reference"), max_length=80),
    Field("collected_on", _l("Collected on"), "date"),
    Field(
        "treatment",
        _l("Treatment (R code)"),
        "choice",
        choices=choices(
            ("R4", _l("R4 — recycling of metals")),
            ("R5", _l("R5 — recycling of other inorganic materials")),
            ("R12", _l("R12 — dismantling and sorting before recovery")),
            ("R13", _l("R13 — storage pending recovery")),
        ),
    ),
    NOTES,
)

KIND_CHOICES = tuple((kind, parts.KIND_TITLES[kind]) for kind in parts.PART_KINDS)
PART_FIELDS = (
    Field("kind", _l("Part kind"), "choice", True, KIND_CHOICES),
    Field("spec", _l("Specification (e.g. DDR4 8 GB 2666 SO-DIMM)"), required=True, max_length=120),
    Field("quantity", _l("Quantity"), "int", minimum=1, maximum=parts.MAX_QUANTITY),
    NOTES,
)
HARVEST_FIELDS = (
    Field(
        "parts",
        _l("Parts taken to stock, one a line: kind; specification; quantity"),
        "longtext",
        max_length=2000,
        cleaner=parts.parse_parts,
        display=parts.describe_parts,
    ),
    NOTES,
)

SPECS = (
    ActionSpec(
        "record_erasure",
        _l("Record data erasure"),
        _l("Data erasure recorded"),
        ERASURE_FIELDS,
        handler=handlers.check_erasure,
    ),
    ActionSpec(
        "record_diagnostics",
        _l("Record diagnostics"),
        _l("Diagnostics recorded"),
        DIAGNOSTICS_FIELDS,
        handler=handlers.check_diagnostics,
    ),
    ActionSpec("grade", _l("Grade"), _l("Graded"), GRADE_FIELDS),
    ActionSpec(
        "install_part",
        _l("Install a part"),
        _l("Part installed"),
        PART_FIELDS,
        handler=handlers.install_part,
    ),
    ActionSpec(
        "harvest_part",
        _l("Harvest a part"),
        _l("Part harvested"),
        PART_FIELDS,
        handler=handlers.harvest_part,
    ),
    ActionSpec(
        "harvest",
        _l("Harvest for parts"),
        _l("Harvested for parts"),
        HARVEST_FIELDS,
        handler=handlers.stock_harvested_parts,
    ),
    ActionSpec(
        "recycle",
        _l("Send to recycling (WEEE)"),
        _l("Sent to recycling (WEEE)"),
        RECYCLE_FIELDS,
        handler=handlers.check_recycling,
    ),
)


def register_actions(app: Flask) -> None:
    """Declare the workshop's actions on ``app``."""
    for spec in SPECS:
        add_action(app, spec)
