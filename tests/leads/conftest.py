"""Factories for leads and follow-up tasks, and a query counter that guards against N+1 queries."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import Company, FollowUpTask
from crm.leads.services import create_company as create_company_record
from crm.leads.services import create_task as create_task_record
from crm.partners.models import Capability


@pytest.fixture
def create_company(app: Flask) -> Callable[..., Company]:
    counter = iter(range(1, 100_000))

    def make(**overrides: Any) -> Company:
        number = next(counter)
        needs = overrides.pop("needs", [])
        stage = overrides.pop("stage", None)
        details = {"name": f"Company {number}", "country": "DE", "city": "Dresden"} | overrides
        kwargs = {"stage": stage} if stage else {}
        company = create_company_record(details, needs=needs, **kwargs)
        db.session.commit()
        return company

    return make


@pytest.fixture
def company(create_company: Callable[..., Company]) -> Company:
    return create_company(name="ROTOP Pharmaka GmbH", domain="rotop-pharmaka.de")


@pytest.fixture
def create_task(create_company: Callable[..., Company]) -> Callable[..., FollowUpTask]:
    """``create_task(owner, due_on, title=..., company=...)``: an open follow-up task."""

    def make(
        owner: User | None, due_on: date, title: str = "Call back", company: Company | None = None
    ) -> FollowUpTask:
        task = create_task_record(company or create_company(), title, due_on, owner=owner)
        db.session.commit()
        return task

    return make


@pytest.fixture
def capability(app: Flask) -> Capability:
    found = db.session.scalar(select(Capability).where(Capability.slug == "hot-cells"))
    if found is None:
        found = Capability(slug="hot-cells", label="Hot cells")
        db.session.add(found)
        db.session.commit()
    return found
