"""Declarative base with stable constraint names, UTC datetime helpers, the foreign keys every
row that points at another is found through, and telling an unreachable database by its error."""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    MetaData,
    Table,
    UniqueConstraint,
    delete,
    event,
    exists,
    update,
)
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapper, Session, registry, scoped_session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import FromClause
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


PARTIAL_DIALECTS = ("postgresql", "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


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
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def is_unreachable(error: BaseException) -> bool:
    """Whether a database error says the database cannot be reached now (down, restarting, cut
    off, or busy past the wait), rather than that the statement was wrong."""
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


@event.listens_for(Mapper, "mapper_configured")
def store_moments_in_utc(mapper: Mapper[Any], model: type) -> None:
    """A moment set on a model reads back in UTC at once, as it will from the database."""
    for attribute in mapper.column_attrs:
        if any(isinstance(column.type, UTCDateTime) for column in attribute.columns):
            event.listen(getattr(model, attribute.key), "set", in_utc, retval=True)


def in_utc(target: Any, value: Any, old_value: Any, initiator: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            return value.astimezone(UTC)
        except OverflowError:  # refused by the rules before it is stored
            return value
    return value


def number_range(column: str, low: int, high: int) -> CheckConstraint:
    """The database's own guard that a number column stays within ``low``..``high`` (or NULL)."""
    return CheckConstraint(
        f"{column} IS NULL OR ({column} >= {low} AND {column} <= {high})", name=f"{column}_range"
    )


def trigram_index(name: str, column: Any) -> Index:
    """A PostgreSQL index that serves ``LIKE`` and ``ILIKE '%term%'`` on ``column`` (extension
    pg_trgm); other databases get none and scan, with the same results."""
    return Index(
        name, column, postgresql_using="gin", postgresql_ops={column.key: "gin_trgm_ops"}
    ).ddl_if(dialect="postgresql")


# What ``trigram_index`` needs, made before the tables (the migrations make it too).
event.listen(
    Base.metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


def made_on(dialect_name: str) -> Callable[..., bool]:
    """An Alembic ``include_object`` comparing only what ``create_all`` makes on this dialect: an
    index kept to another one (``Index.ddl_if``, as ``trigram_index``) is left out."""

    def include(obj: Any, name: Any, type_: str, reflected: bool, compare_to: Any) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        return reflected or condition is None or condition.dialect in (None, dialect_name)

    return include


@event.listens_for(Engine, "connect")
def enforce_foreign_keys_on_sqlite(connection: Any, record: ConnectionPoolEntry) -> None:
    """SQLite checks foreign keys (and applies ON DELETE) only when asked, per connection."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA foreign_keys = ON")


def columns_referencing(table: FromClause) -> list[Column[Any]]:
    """Every foreign-key column of the schema that points at ``table``."""
    return [
        key.parent
        for other in Base.metadata.sorted_tables
        for key in other.foreign_keys
        if key.column.table is table
    ]


def unique_column_sets(table: Table) -> list[set[Column[Any]]]:
    """The primary key and the unconditional unique constraints and indexes of ``table``."""
    sets = [set(table.primary_key.columns)]
    sets += [
        set(constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    sets += [
        set(index.columns) for index in table.indexes if index.unique and not is_partial(index)
    ]
    return [columns for columns in sets if columns]


def is_partial(index: Index) -> bool:
    return any(index.dialect_options[name].get("where") is not None for name in PARTIAL_DIALECTS)


def repoint_references(
    session: Session | scoped_session[Any], table: FromClause, old_id: int, new_id: int
) -> None:
    """Make every row that points at row ``old_id`` of ``table`` point at ``new_id`` instead.

    Found from the schema, so a table added later follows without a list to keep. Where a row
    would then collide with a row of ``new_id`` on a unique key (one link per company and partner,
    one need per company and tag), the row of ``new_id`` wins and the other is dropped.
    """
    for column in columns_referencing(table):
        owner = column.table
        for unique in unique_column_sets(owner):
            if column not in unique or len(unique) < 2:
                continue
            kept = owner.alias("kept")
            same_others = [kept.c[other.name] == other for other in unique - {column}]
            session.execute(
                delete(owner)
                .where(
                    column == old_id, exists().where(kept.c[column.name] == new_id, *same_others)
                )
                .execution_options(synchronize_session=False)
            )
        session.execute(
            update(owner)
            .where(column == old_id)
            .values({column.name: new_id})
            .execution_options(synchronize_session=False)
        )
