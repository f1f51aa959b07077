"""Merging duplicate companies keeps their partner links, one per partner."""

from collections.abc import Callable

from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import Company
from crm.leads.services import merge_companies
from crm.partners.models import LinkStatus, PartnerLink, PartnerLinkChange
from crm.partners.services import introduce


def test_merging_moves_links_and_keeps_the_survivors_link_per_partner(
    create_company: Callable[..., Company],
    create_link: Callable[..., PartnerLink],
    staff_user: User,
) -> None:
    survivor = create_company(name="Nordlicht Isotopes AB")
    duplicate = create_company(name="Nordlicht Isotopes")
    kept = create_link(survivor, "cup-laboratorien")
    create_link(duplicate, "cup-laboratorien")
    moved = create_link(duplicate, "abx")
    moved.partner.contact_email = "partnering@abx.example"
    introduce(moved, staff_user)
    db.session.commit()

    merge_companies(survivor, duplicate, by=staff_user)
    db.session.commit()

    links = db.session.scalars(select(PartnerLink).order_by(PartnerLink.id)).all()
    assert [(link.id, link.company_id) for link in links] == [
        (kept.id, survivor.id),
        (moved.id, survivor.id),
    ]
    history = db.session.scalars(
        select(PartnerLinkChange).where(PartnerLinkChange.link_id == moved.id)
    ).all()
    assert [change.to_status for change in history][-1] is LinkStatus.introduced
