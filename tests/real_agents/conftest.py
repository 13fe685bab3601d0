"""The real agents' tests: each workspace's hook server stopped when its test ends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.real_agents.workspace import MADE


@pytest.fixture(autouse=True)
def _hook_servers_stopped() -> Iterator[None]:
    """The hooks of a workspace start a hook server (hook_server.py), which would wait
    half an hour for more calls after its test."""
    yield
    while MADE:
        MADE.pop().stop_hook_server()
