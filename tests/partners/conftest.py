from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Company
from crm.leads.names import normalise_company_name
from crm.partners.models import Capability, LinkSource, Partner, PartnerLink
from crm.partners.services import link_company_to_partner
from crm.seed.services import seed


@pytest.fixture
def seeded(app: Flask) -> None:
    seed()
    db.session.commit()


@pytest.fixture
def capability(seeded: None) -> Callable[[str], Capability]:
    def by_slug(slug: str) -> Capability:
        return db.session.scalars(select(Capability).where(Capability.slug == slug)).one()

    return by_slug


@pytest.fixture
def partner(seeded: None) -> Callable[[str], Partner]:
    def by_slug(slug: str) -> Partner:
        return db.session.scalars(select(Partner).where(Partner.slug == slug)).one()

    return by_slug


@pytest.fixture
def create_company(capability: Callable[[str], Capability]) -> Callable[..., Company]:
    counter = iter(range(1, 10_000))

    def make(needs: tuple[str, ...] = (), **overrides: Any) -> Company:
        name = overrides.pop("name", f"Isotope Maker {next(counter)} GmbH")
        company = Company(
            name=name,
            normalised_name=normalise_company_name(name),
            needs=[capability(slug) for slug in needs],
            **overrides,
        )
        db.session.add(company)
        db.session.commit()
        return company

    return make


@pytest.fixture
def create_link(
    create_company: Callable[..., Company], partner: Callable[[str], Partner]
) -> Callable[..., PartnerLink]:
    def make(
        company: Company | None = None, partner_slug: str = "cup-laboratorien", **overrides: Any
    ) -> PartnerLink:
        fields: dict[str, Any] = {
            "reason": "Needs sterility testing",
            "source": LinkSource.staff,
            "by": None,
        } | overrides
        link = link_company_to_partner(company or create_company(), partner(partner_slug), **fields)
        db.session.commit()
        return link

    return make


@pytest.fixture
def admin_user(create_user: Callable[..., User]) -> User:
    return create_user(Role.admin)
