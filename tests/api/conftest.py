from __future__ import annotations

import pytest
from rest_framework.test import APIClient


class Api:
    """An API client that can act as any persona."""

    def as_user(self, user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client


@pytest.fixture
def api():
    return Api()
