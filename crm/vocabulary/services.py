"""The capability vocabulary: reading, naming, adding, renaming and merging tags."""

import re
import unicodedata
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.db import repoint_references
from crm.extensions import db
from crm.refusals import Refused
from crm.vocabulary.models import Capability

LABEL_LENGTH = Capability.label.type.length
SLUG_LENGTH = Capability.slug.type.length


def slug_from(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def all_capabilities() -> list[Capability]:
    return list(db.session.scalars(select(Capability).order_by(Capability.label)))


def capabilities_by_slug(slugs: Iterable[str]) -> list[Capability]:
    """The tags with these slugs, in the order given; unknown slugs are left out."""
    wanted = list(dict.fromkeys(slugs))
    found = {
        c.slug: c for c in db.session.scalars(select(Capability).where(Capability.slug.in_(wanted)))
    }
    return [found[slug] for slug in wanted if slug in found]


def capabilities_named(names: Iterable[str], *, field: str = "needs") -> list[Capability]:
    """The tags given by slug or label (any case); unknown ones are refused, not created."""
    wanted = [name.strip() for name in names if name.strip()]
    known = list(db.session.scalars(select(Capability)))
    by_name = {c.slug.lower(): c for c in known} | {c.label.lower(): c for c in known}
    unknown = [name for name in wanted if name.lower() not in by_name]
    if unknown:
        raise Refused(
            "unknown_capability",
            field,
            _l("Unknown capability tag: {names}."),
            names=", ".join(unknown),
        )
    return list({by_name[name.lower()].id: by_name[name.lower()] for name in wanted}.values())


def checked_tag(label: str, slug: str, *, except_for: Capability | None = None) -> tuple[str, str]:
    label = label.strip()
    if not label:
        raise Refused("required", "label", _l("A tag needs a label."))
    if len(label) > LABEL_LENGTH:
        raise Refused("too_long", "label", _l("At most {limit} characters."), limit=LABEL_LENGTH)
    slug = slug_from(slug or label)[:SLUG_LENGTH].strip("-")
    if not slug:
        raise Refused("slug_empty", "slug", _l("The slug needs at least one letter or digit."))
    taken = db.session.scalar(select(Capability).where(Capability.slug == slug))
    if taken is not None and taken is not except_for:
        raise Refused("slug_taken", "slug", _l("The tag “{slug}” exists already."), slug=slug)
    return label, slug


def add_capability(label: str, slug: str = "") -> Capability:
    label, slug = checked_tag(label, slug)
    capability = Capability(label=label, slug=slug)
    db.session.add(capability)
    db.session.flush()
    return capability


def rename_capability(capability: Capability, *, label: str, slug: str) -> Capability:
    """Companies, partners and registrations refer to the tag by id, so they follow the name."""
    capability.label, capability.slug = checked_tag(label, slug, except_for=capability)
    db.session.flush()
    return capability


def merge_capabilities(merged: Capability, into: Capability) -> Capability:
    """Everything tagged ``merged`` is tagged ``into`` instead; then ``merged`` is deleted."""
    if merged.id == into.id:
        raise Refused("merge_into_itself", "into", _l("Choose two different tags to merge."))
    db.session.flush()
    repoint_references(db.session, Capability.__table__, merged.id, into.id)
    db.session.expire_all()
    db.session.delete(db.session.get(Capability, merged.id))
    db.session.flush()
    return into
