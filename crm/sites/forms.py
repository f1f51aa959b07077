from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from crm.forms import SHOWN_REQUIRED
from crm.sites.models import CleanroomClass, PriceBasis, SiteKind, SiteLocation, SiteStatus


def choices(members: Any, blank: Any = None) -> list[SelectChoice]:
    found = [SelectChoice(member.value, member.lazy_label) for member in members]
    return ([SelectChoice("", blank)] if blank is not None else []) + found


def parsed(kind: type[Enum], value: str | None) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


class SiteForm(FlaskForm):
    """Reads a site; sites.services judges it."""

    name = StringField(_l("Name"), [SHOWN_REQUIRED])
    location = SelectField(_l("Location"), choices=choices(SiteLocation))
    address = StringField(_l("Address"))
    latitude = FloatField(
        _l("Latitude"), [Optional()], description=_l("Map position, e.g. 51.0625")
    )
    longitude = FloatField(_l("Longitude"), [Optional()], description=_l("e.g. 13.9510"))
    area_m2 = IntegerField(_l("Area (m²)"), [Optional(), SHOWN_REQUIRED])
    kind = SelectField(_l("Kind"), choices=choices(SiteKind))
    cleanroom_class = SelectField(
        _l("Cleanroom grade"),
        choices=choices(CleanroomClass, _l("— (not a cleanroom)")),
        default="",
    )
    is_gmp_ready = BooleanField(_l("GMP-ready"))
    is_hot_cell_capable = BooleanField(_l("Hot cells possible"))
    is_radiation_licence_possible = BooleanField(_l("Radiation licence possible"))
    power_kva = IntegerField(_l("Power (kVA)"), [Optional()])
    floor_load_kn_m2 = IntegerField(_l("Floor load (kN/m²)"), [Optional()])
    available_from = DateField(_l("Available from"), [Optional()])
    price_basis = SelectField(
        _l("Price"), choices=choices(PriceBasis), default=PriceBasis.rent_per_m2_month.value
    )
    price_min_eur = IntegerField(_l("From (EUR)"), [Optional()])
    price_max_eur = IntegerField(_l("To (EUR)"), [Optional()])
    description = TextAreaField(_l("Description"))

    def fill_from(self, site: Any) -> None:
        for name in ("location", "kind", "cleanroom_class", "price_basis"):
            value = getattr(site, name)
            self[name].data = value.value if value is not None else ""

    def details(self) -> dict[str, Any]:
        return {
            "name": self.name.data or "",
            "location": parsed(SiteLocation, self.location.data),
            "address": (self.address.data or "").strip(),
            "latitude": self.latitude.data,
            "longitude": self.longitude.data,
            "area_m2": self.area_m2.data,
            "kind": parsed(SiteKind, self.kind.data),
            "cleanroom_class": parsed(CleanroomClass, self.cleanroom_class.data),
            "is_gmp_ready": bool(self.is_gmp_ready.data),
            "is_hot_cell_capable": bool(self.is_hot_cell_capable.data),
            "is_radiation_licence_possible": bool(self.is_radiation_licence_possible.data),
            "power_kva": self.power_kva.data,
            "floor_load_kn_m2": self.floor_load_kn_m2.data,
            "available_from": self.available_from.data,
            "price_basis": parsed(PriceBasis, self.price_basis.data),
            "price_min_eur": self.price_min_eur.data,
            "price_max_eur": self.price_max_eur.data,
            "description": self.description.data or "",
        }


class ReservationForm(FlaskForm):
    # Ids of their own: the lead page holds other forms with dates and notes.
    company_id = IntegerField(_l("Lead (id)"), [Optional(), SHOWN_REQUIRED], id="reserve-company")
    starts_on = DateField(_l("From"), [Optional(), SHOWN_REQUIRED], id="reserve-starts")
    ends_on = DateField(_l("Until (last day)"), [Optional(), SHOWN_REQUIRED], id="reserve-ends")
    note = StringField(_l("Note"), id="reserve-note")


def whole_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def yes_or_any(value: str | None) -> bool | None:
    return True if value == "yes" else None


def filter_values(args: Mapping[str, str]) -> dict[str, Any]:
    """The list's filters from the query string; values that mean nothing are ignored."""
    return {
        "location": parsed(SiteLocation, args.get("location")),
        "kind": parsed(SiteKind, args.get("kind")),
        "status": parsed(SiteStatus, args.get("status")),
        "min_area_m2": whole_number(args.get("min_area_m2")),
        "max_area_m2": whole_number(args.get("max_area_m2")),
        "is_gmp_ready": yes_or_any(args.get("gmp")),
        "is_hot_cell_capable": yes_or_any(args.get("hot_cells")),
        "is_radiation_licence_possible": yes_or_any(args.get("licence")),
        "is_archived": args.get("archived") == "yes",
    }


def default_dates(form: ReservationForm, window: tuple[date, date]) -> ReservationForm:
    if not form.is_submitted():
        form.starts_on.data, form.ends_on.data = window
    return form
