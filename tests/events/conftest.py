"""Instances the event tests share; the factories are in tests/factories.py."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from crm.partners.models import Partner
from crm.vocabulary.models import Capability
from tests.factories import DIETARY_QUESTION

__all__ = ["DIETARY_QUESTION", "at"]


@pytest.fixture
def gmp_production(capability: Callable[[str], Capability]) -> Capability:
    return capability("gmp-production")


@pytest.fixture
def rotop(partner: Callable[[str], Partner]) -> Partner:
    return partner("rotop")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
