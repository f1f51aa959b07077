"""The plots and units WFS offers, their status history and the reservations made for leads."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import CheckConstraint, Enum, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.db import number_range, utcnow
from crm.extensions import Model
from crm.i18n import Labelled, name_members
from crm.leads.models import Company

# Largest numbers a site holds: square metres (1,000 hectares), kVA, kN/m², euros.
MAX_SITE_AREA_M2 = 10_000_000
MAX_POWER_KVA = 1_000_000
MAX_FLOOR_LOAD_KN_M2 = 1_000
MAX_PRICE_EUR = 10**12


def enum_column(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, create_constraint=True)


class SiteLocation(Labelled, enum.Enum):
    rossendorf = "rossendorf"
    radeberg = "radeberg"
    other = "other"


class SiteKind(Labelled, enum.Enum):
    plot = "plot"
    office = "office"
    lab = "lab"
    production = "production"
    cleanroom = "cleanroom"
    controlled_area = "controlled_area"


class CleanroomClass(Labelled, enum.Enum):
    """EU GMP Annex 1 grades."""

    a = "a"
    b = "b"
    c = "c"
    d = "d"


class PriceBasis(Labelled, enum.Enum):
    rent_per_m2_month = "rent_per_m2_month"
    sale = "sale"


class SiteStatus(Labelled, enum.Enum):
    available = "available"
    reserved = "reserved"
    taken = "taken"


class ReservationStatus(Labelled, enum.Enum):
    active = "active"
    released = "released"  # given up by staff before its end
    expired = "expired"  # its last day passed
    taken = "taken"  # the lead landed on the site


name_members(
    {
        SiteLocation.rossendorf: "Dresden-Rossendorf",
        SiteLocation.radeberg: "Radeberg",
        SiteLocation.other: _l("Other"),
        SiteKind.plot: _l("plot"),
        SiteKind.office: _l("office"),
        SiteKind.lab: _l("lab"),
        SiteKind.production: _l("production"),
        SiteKind.cleanroom: _l("cleanroom"),
        SiteKind.controlled_area: _l("controlled radiation area"),
        CleanroomClass.a: _l("GMP grade %(grade)s", grade="A"),
        CleanroomClass.b: _l("GMP grade %(grade)s", grade="B"),
        CleanroomClass.c: _l("GMP grade %(grade)s", grade="C"),
        CleanroomClass.d: _l("GMP grade %(grade)s", grade="D"),
        PriceBasis.rent_per_m2_month: _l("EUR per m² and month"),
        PriceBasis.sale: _l("EUR to buy"),
        SiteStatus.available: _l("available"),
        SiteStatus.reserved: _l("reserved"),
        SiteStatus.taken: _p("site", "taken"),
        ReservationStatus.active: _l("active"),
        ReservationStatus.released: _l("released"),
        ReservationStatus.expired: _l("expired"),
        ReservationStatus.taken: _p("reservation", "taken"),
    }
)


# The reasons the application itself gives for a status change (stored in English, shown in the
# reader's language); a reason staff typed is shown as typed.
SYSTEM_REASONS = {
    "Offered": _l("Offered"),
    "Reservation": _l("Reservation"),
    "Reservation released": _l("Reservation released"),
    "Reservation expired": _l("Reservation expired"),
    "Lead landed": _l("Lead landed"),
}


class Site(Model):
    """A plot, a building or a unit in one, with what it offers and whether it is free."""

    __tablename__ = "sites"
    __table_args__ = (
        number_range("area_m2", 1, MAX_SITE_AREA_M2),
        number_range("power_kva", 0, MAX_POWER_KVA),
        number_range("floor_load_kn_m2", 0, MAX_FLOOR_LOAD_KN_M2),
        number_range("price_min_eur", 0, MAX_PRICE_EUR),
        number_range("price_max_eur", 0, MAX_PRICE_EUR),
        CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"
        ),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
            name="longitude_range",
        ),
        CheckConstraint(
            "price_min_eur IS NULL OR price_max_eur IS NULL OR price_min_eur <= price_max_eur",
            name="price_order",
        ),
        CheckConstraint(
            "(kind = 'cleanroom') = (cleanroom_class IS NOT NULL)", name="cleanroom_has_class"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[SiteLocation] = mapped_column(enum_column(SiteLocation, "site_location"))
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    area_m2: Mapped[int]
    kind: Mapped[SiteKind] = mapped_column(enum_column(SiteKind, "site_kind"))
    cleanroom_class: Mapped[CleanroomClass | None] = mapped_column(
        enum_column(CleanroomClass, "cleanroom_class")
    )
    is_gmp_ready: Mapped[bool] = mapped_column(default=False)
    is_hot_cell_capable: Mapped[bool] = mapped_column(default=False)
    is_radiation_licence_possible: Mapped[bool] = mapped_column(default=False)
    power_kva: Mapped[int | None]
    floor_load_kn_m2: Mapped[int | None]
    available_from: Mapped[date | None]
    price_basis: Mapped[PriceBasis] = mapped_column(
        enum_column(PriceBasis, "price_basis"), default=PriceBasis.rent_per_m2_month
    )
    price_min_eur: Mapped[int | None]
    price_max_eur: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SiteStatus] = mapped_column(
        enum_column(SiteStatus, "site_status"), default=SiteStatus.available
    )
    # The lead that landed on the site; None once that lead is deleted (the site stays taken).
    taken_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    taken_by: Mapped[Company | None] = relationship()
    status_changes: Mapped[list["SiteStatusChange"]] = relationship(
        back_populates="site",
        order_by="(SiteStatusChange.changed_at.desc(), SiteStatusChange.id.desc())",
        cascade="all, delete-orphan",
    )
    reservations: Mapped[list["Reservation"]] = relationship(
        back_populates="site",
        order_by="(Reservation.starts_on.desc(), Reservation.id.desc())",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Site {self.name}>"


class SiteStatusChange(Model):
    """One change of a site's status: to what, for which company and until when, who and when."""

    __tablename__ = "site_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[SiteStatus | None] = mapped_column(
        enum_column(SiteStatus, "from_site_status")
    )
    to_status: Mapped[SiteStatus] = mapped_column(enum_column(SiteStatus, "to_site_status"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))
    until: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(back_populates="status_changes")
    # Loaded together for a whole history, which the site page shows with both.
    company: Mapped[Company | None] = relationship(lazy="selectin")
    changed_by: Mapped[User | None] = relationship(lazy="selectin")

    @property
    def reason_label(self) -> str:
        return str(SYSTEM_REASONS.get(self.reason, self.reason))


class Reservation(Model):
    """A site held for a lead from a first to a last day (both included)."""

    __tablename__ = "site_reservations"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_site_reservations_site_id_status", "site_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[ReservationStatus] = mapped_column(
        enum_column(ReservationStatus, "reservation_status"), default=ReservationStatus.active
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship(back_populates="reservations")
    company: Mapped[Company] = relationship()
    created_by: Mapped[User | None] = relationship()

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= ends_on and starts_on <= self.ends_on
