"""Fixtures of the LLM tests: a fake chat-completions service on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.llm.fake_chat_service import FakeChatService


@pytest.fixture
def chat_service() -> Iterator[FakeChatService]:
    service = FakeChatService(model="test-model").start()
    try:
        yield service
    finally:
        service.stop()
