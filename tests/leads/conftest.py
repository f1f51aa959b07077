"""Instances the lead tests share; the factories are in tests/factories.py."""

from collections.abc import Callable

import pytest

from crm.vocabulary.models import Capability


@pytest.fixture
def hot_cells(capability: Callable[[str], Capability]) -> Capability:
    return capability("hot-cells")
