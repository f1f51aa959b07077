from typing import Any

import pytest
from flask.testing import FlaskClient

from crm.events.models import Event
from tests.events.test_registration_form import form_data
from tests.helpers import submit_form


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"REGISTRATION_RATE_LIMIT": "3 per minute"}


def test_public_registration_is_rate_limited(client: FlaskClient, event: Event) -> None:
    statuses = [
        submit_form(
            client, f"/events/{event.slug}/register", form_data(email=f"p{n}@x.example")
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
