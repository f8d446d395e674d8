"""Schools, associations, distribution waves, families, loans and the charter's text."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reuse_tracker.db_types import JSONType, UTCDateTime, utcnow
from reuse_tracker.extensions import db
from reuse_tracker.vocabulary import ACTIVE_LOAN_STATUSES, Condition, LoanStatus

if TYPE_CHECKING:
    from reuse_tracker.auth.models import User
    from reuse_tracker.devices.models import Device

NETWORKS = ("REP+", "REP", "none")
REFERRAL_SOURCES = ("school", "social_services", "association")
CLASSES = ("CP", "CE1", "CE2", "CM1", "CM2", "6e", "5e", "4e", "3e")
NEEDS = ("computer", "connection", "support")
#: How a family signed its charter: on the screen (a signature on record for the loan), on
#: paper (ticked, dated and with its association present), or attested by an API caller.
CHARTER_WAYS = ("screen", "paper", "attested")
RETURN_CONDITIONS = tuple(Condition)
LOAN_STATUSES = tuple(s for s in LoanStatus if s not in (LoanStatus.WAITING, LoanStatus.CLOSED))
#: The rows the partial unique indexes cover: at most one active loan per device and family.
ACTIVE_LOAN = sa.text("status IN ('reserved', 'on_loan')")

wave_schools = sa.Table(
    "wave_schools",
    db.metadata,
    sa.Column("wave_id", sa.ForeignKey("waves.id"), primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), primary_key=True),
)


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The national education's establishment number: 7 digits and a check letter.
    uai: Mapped[str] = mapped_column(sa.String(8), unique=True)
    #: Priority-education network: REP+, REP or none.
    network: Mapped[str] = mapped_column(sa.String(8), default="none")
    neighbourhood: Mapped[str] = mapped_column(sa.String(120), default="")
    #: In a priority neighbourhood of the city policy (QPV).
    is_priority_neighbourhood: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<School {self.uai}>"


class Association(db.Model):
    """A digital-mediation partner that accompanies families."""

    __tablename__ = "associations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Association {self.name}>"


class Wave(db.Model):
    """A distribution wave: schools covered, dates, and a target number per device type."""

    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    #: Closed waves take no new family and no new reservation.
    is_open: Mapped[bool] = mapped_column(default=True)
    #: {device type: number of devices planned}.
    targets: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Bumped by every change of the wave; an edit made on an older version is refused.
    version: Mapped[int] = mapped_column(default=1)

    schools: Mapped[list[School]] = relationship(secondary=wave_schools, order_by=School.name)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Wave {self.name}>"


class Family(db.Model):
    """A referred household; its contact fields are personal data, blanked by the purge."""

    __tablename__ = "families"
    __table_args__ = (
        sa.Index("ix_families_wave_id_referred_on", "wave_id", "referred_on"),
        #: The families list, newest referrals first.
        sa.Index("ix_families_referred_on_id", "referred_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Pseudonymous reference, ``FAM-<year>-<number>``; kept after the purge.
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: Who referred the family: school, social_services or association.
    referral_source: Mapped[str] = mapped_column(sa.String(16))
    referred_on: Mapped[date]
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    #: The child's class: CP … CM2, 6e … 3e.
    child_class: Mapped[str | None] = mapped_column(sa.String(4))
    neighbourhood: Mapped[str | None] = mapped_column(sa.String(120))
    needs_computer: Mapped[bool] = mapped_column(default=True)
    needs_connection: Mapped[bool] = mapped_column(default=False)
    needs_support: Mapped[bool] = mapped_column(default=False)
    #: The kind of device the family needs (a device type).
    device_type: Mapped[str] = mapped_column(sa.String(16), default="laptop")
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"), index=True)
    #: The wave whose waiting list the family is on.
    wave_id: Mapped[int | None] = mapped_column(sa.ForeignKey("waves.id"))
    parent_name: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    #: When the family agreed to its details being kept, and who recorded it.
    consent_on: Mapped[date | None]
    consent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Reference, name, e-mail and phone digits, without accents and in lower case (search).
    search_text: Mapped[str] = mapped_column(sa.String(700), default="")
    #: When the purge blanked the contact fields (None: not yet).
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School | None] = relationship()
    association: Mapped[Association | None] = relationship()
    wave: Mapped[Wave | None] = relationship()
    consent_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Family {self.reference}>"

    @property
    def needs(self) -> list[str]:
        flags = (self.needs_computer, self.needs_connection, self.needs_support)
        return [need for need, wanted in zip(NEEDS, flags, strict=True) if wanted]


class Loan(db.Model):
    """One device lent to one family: from its reservation to its return (or end)."""

    __tablename__ = "loans"
    __table_args__ = (
        sa.Index(
            "uq_loans_device_id",
            "device_id",
            unique=True,
            sqlite_where=ACTIVE_LOAN,
            postgresql_where=ACTIVE_LOAN,
        ),
        sa.Index(
            "uq_loans_family_id",
            "family_id",
            unique=True,
            sqlite_where=ACTIVE_LOAN,
            postgresql_where=ACTIVE_LOAN,
        ),
        #: The overdue loans in order, with their families, from the index alone.
        sa.Index("ix_loans_status_due_on_id_family_id", "status", "due_on", "id", "family_id"),
        #: A family's loans, and its loan of a wave (the waiting list's second NOT EXISTS).
        sa.Index("ix_loans_family_id_wave_id", "family_id", "wave_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    device_id: Mapped[int] = mapped_column(sa.ForeignKey("devices.id"), index=True)
    wave_id: Mapped[int | None] = mapped_column(sa.ForeignKey("waves.id"), index=True)
    #: reserved, on_loan, returned, lost, transferred or cancelled.
    status: Mapped[str] = mapped_column(sa.String(16), default="reserved")
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reserved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    charter_signed_on: Mapped[date | None]
    #: How the charter was signed: screen, paper or attested (see CHARTER_WAYS).
    charter_way: Mapped[str | None] = mapped_column(sa.String(16))
    #: The association present at the hand-over.
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"))
    due_on: Mapped[date | None]
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: good, worn, damaged or broken.
    return_condition: Mapped[str | None] = mapped_column(sa.String(16))
    #: When the loan ended (returned, lost, transferred or cancelled).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The reason of a cancellation, the circumstances of a loss, the note of a transfer.
    closing_note: Mapped[str | None] = mapped_column(sa.String(2000))
    #: The charter signed with a finger on a tablet: a PNG, deleted by the purge.
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    family: Mapped[Family] = relationship()
    device: Mapped[Device] = relationship()
    wave: Mapped[Wave | None] = relationship()
    association: Mapped[Association | None] = relationship()

    def __repr__(self) -> str:
        return f"<Loan {self.id} {self.status}>"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_LOAN_STATUSES


class CharterSection(db.Model):
    """The city's own text of one section of the charter, in one language."""

    __tablename__ = "charter_sections"
    __table_args__ = (sa.UniqueConstraint("section", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section: Mapped[str] = mapped_column(sa.String(32))
    locale: Mapped[str] = mapped_column(sa.String(8))
    #: A sandboxed Jinja template: ``{{ family }}``, ``{{ due_on }}``, …
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


#: How a late family was reminded, and what came of it.
REMINDER_KINDS = ("call", "sms", "letter", "visit")
REMINDER_OUTCOMES = ("reached", "no_answer", "return_promised", "returned", "refused")


class LoanReminder(db.Model):
    """One follow-up of an overdue loan: a call, an SMS, a letter or a visit, and its outcome."""

    __tablename__ = "loan_reminders"
    __table_args__ = (sa.Index("ix_loan_reminders_loan_id_id", "loan_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("loans.id"))
    #: call, sms, letter or visit (REMINDER_KINDS).
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: What came of it (REMINDER_OUTCOMES).
    outcome: Mapped[str] = mapped_column(sa.String(16))
    done_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    loan: Mapped[Loan] = relationship()


#: The association's sessions that answer a family's support need.
SUPPORT_KINDS = ("workshop", "home_visit", "phone_help")


class SupportSession(db.Model):
    """One session of digital support given to a family: a workshop, a home visit, phone help."""

    __tablename__ = "support_sessions"
    __table_args__ = (sa.Index("ix_support_sessions_held_on", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    held_on: Mapped[date]
    #: workshop, home_visit or phone_help (SUPPORT_KINDS).
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: Who led it (a mediator's name), as the association writes it.
    led_by: Mapped[str] = mapped_column(sa.String(120))
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    association: Mapped[Association | None] = relationship()


class ConnectionOffer(db.Model):
    """A low-cost internet offer a family was referred to (its connection need), and its result."""

    __tablename__ = "connection_offers"
    __table_args__ = (sa.Index("ix_connection_offers_referred_on", "referred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    #: The offer, e.g. the social landlord's low-cost box.
    offer: Mapped[str] = mapped_column(sa.String(200))
    referred_on: Mapped[date]
    is_connected: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
