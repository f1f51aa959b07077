"""Declarative base with stable constraint names, and UTC datetime helpers."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


EARLIEST_YEAR = 1900
LATEST_YEAR = 2999
OUT_OF_RANGE = f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}."


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_storable(value: date | datetime) -> bool:
    """Whether a day or moment lies in the years the application keeps (1900 to 2999).

    An aware moment counts in UTC, where it is stored: near year 1 or 9999 the conversion to UTC
    would overflow, and so would the day after an event's last day.
    """
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            return False
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware UTC datetimes.

    SQLite keeps no offset, so values are normalised to naive UTC on the way in and tagged UTC on
    the way out; PostgreSQL stores ``timestamp with time zone``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is expected")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )
