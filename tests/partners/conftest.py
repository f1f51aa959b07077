from collections.abc import Callable

import pytest
from flask import Flask

from crm.auth.models import Role, User
from crm.extensions import db
from crm.seed.services import seed


@pytest.fixture(autouse=True)
def seeded(app: Flask) -> None:
    """The partner tests work on the cluster as seeded: its nine partners and their tags."""
    seed()
    db.session.commit()


@pytest.fixture
def admin_user(create_user: Callable[..., User]) -> User:
    return create_user(Role.admin)
