"""The pipeline tests move the clock by days: tokens must outlive that."""

from collections.abc import Iterator

import pytest

from runtime.settings import get_settings


@pytest.fixture(autouse=True)
def long_lived_tokens() -> Iterator[None]:
    settings = get_settings()
    previous = settings.access_token_minutes
    settings.access_token_minutes = 60 * 24 * 365
    yield
    settings.access_token_minutes = previous
