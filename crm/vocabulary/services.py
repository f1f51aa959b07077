"""The capability vocabulary: reading, naming, adding, renaming and merging tags."""

import re
import unicodedata
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.db import repoint_references
from crm.extensions import db
from crm.refusals import Refused, refuse_any
from crm.rules import bounded_text, refusals_of
from crm.vocabulary.models import Capability, CapabilityGroup
from crm.vocabulary.places import LANGUAGES
from crm.vocabulary.translated import required_in_a_language, texts_of

LABEL_LENGTH = Capability.label_en.type.length
SLUG_LENGTH = Capability.slug.type.length


def slug_from(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def all_capabilities() -> list[Capability]:
    return list(db.session.scalars(select(Capability).order_by(Capability.label_en)))


def capabilities_by_slug(slugs: Iterable[str]) -> list[Capability]:
    """The tags with these slugs, in the order given; unknown slugs are left out."""
    wanted = list(dict.fromkeys(slugs))
    found = {
        c.slug: c for c in db.session.scalars(select(Capability).where(Capability.slug.in_(wanted)))
    }
    return [found[slug] for slug in wanted if slug in found]


def capabilities_named(names: Iterable[str], *, field: str = "needs") -> list[Capability]:
    """The tags given by slug or label in either language (any case); unknown ones are refused,
    not created."""
    wanted = [name.strip() for name in names if name.strip()]
    by_name: dict[str, Capability] = {}
    for capability in db.session.scalars(select(Capability)):
        for name in (capability.slug, *texts_of(capability, "label").values()):
            if name:
                by_name.setdefault(name.lower(), capability)
    unknown = [name for name in wanted if name.lower() not in by_name]
    if unknown:
        raise Refused(
            "unknown_capability",
            field,
            _l("Unknown capability tag: {names}."),
            names=", ".join(unknown),
        )
    return list({by_name[name.lower()].id: by_name[name.lower()] for name in wanted}.values())


def checked_tag(
    labels: dict[str, str], slug: str, *, except_for: Capability | None = None
) -> tuple[dict[str, str], str]:
    """The labels (``{"en": …, "de": …}``, at least one) and the slug, made from the English
    or German label when empty."""
    labels = {language: (labels.get(language) or "").strip() for language in LANGUAGES}
    refuse_any(
        required_in_a_language("label", labels)
        + refusals_of(
            *(
                bounded_text(f"label_{language}", label, LABEL_LENGTH)
                for language, label in labels.items()
            )
        )
    )
    slug = slug_from(slug or labels["en"] or labels["de"])[:SLUG_LENGTH].strip("-")
    if not slug:
        raise Refused("slug_empty", "slug", _l("The slug needs at least one letter or digit."))
    taken = db.session.scalar(select(Capability).where(Capability.slug == slug))
    if taken is not None and taken is not except_for:
        raise Refused("slug_taken", "slug", _l("The tag “{slug}” exists already."), slug=slug)
    return labels, slug


def add_capability(
    labels: dict[str, str], slug: str = "", group: CapabilityGroup = CapabilityGroup.other
) -> Capability:
    labels, slug = checked_tag(labels, slug)
    capability = Capability(label_en=labels["en"], label_de=labels["de"], slug=slug, group=group)
    db.session.add(capability)
    db.session.flush()
    return capability


def rename_capability(
    capability: Capability, *, labels: dict[str, str], slug: str, group: CapabilityGroup
) -> Capability:
    """Companies, partners and registrations refer to the tag by id, so they follow the name."""
    labels, capability.slug = checked_tag(labels, slug, except_for=capability)
    capability.label_en, capability.label_de = labels["en"], labels["de"]
    capability.group = group
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
