from collections.abc import Callable

import pytest
from flask import Flask

from crm.api.models import ApiScope
from crm.api.tokens import issue_token
from crm.auth.models import Role, User
from crm.extensions import db
from crm.seed.services import seed


@pytest.fixture
def token_headers(app: Flask, create_user: Callable[..., User]) -> Callable[..., dict[str, str]]:
    """Authorization headers for a new token acting as a new user of ``role``."""

    def make(role: Role = Role.staff, scope: ApiScope = ApiScope.write) -> dict[str, str]:
        user = create_user(role)
        _, plain = issue_token("test integration", scope, user, by=user)
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make


@pytest.fixture
def seeded(app: Flask) -> None:
    seed(with_demo=True)
    db.session.commit()
