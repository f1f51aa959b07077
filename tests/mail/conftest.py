from collections.abc import Callable

import pytest

from crm.events.models import Event
from tests.factories import RADIOPHARMACY_DAY


@pytest.fixture
def event(create_event: Callable[..., Event]) -> Event:
    """The Radiopharmacy Day the texts of these tests are pinned to."""
    return create_event(RADIOPHARMACY_DAY)
