"""The LLM backend against a local chat-completions service: what is sent, what comes back, and
how each failure reads.

The service is ``FakeChatService``: a real HTTP server on 127.0.0.1 that
checks each request and answers in the shapes OpenAI documents. Nothing
else is faked: the ``openai`` SDK makes real HTTP requests to it.
"""

from __future__ import annotations

import json
import socket
import time
from decimal import Decimal

import pytest

from billops.adapters.llm import LlmExtractor, LlmSettings, LlmUnavailable
from billops.domain.contract import contract_json_schema
from billops.domain.document import Document
from billops.errors import InvalidInput
from tests.llm.fake_chat_service import FakeChatService, Reply

ORDER_FORM = (
    "ORDER FORM OF-2026-031\n\n"
    "Customer: Initech LLC\n"
    "Subscription: Analytics Suite, 25 users at USD 960.00 per user per year.\n"
    "Fees are invoiced annually in advance. Payment terms: Net 45.\n"
)
KEY = "sk-test-4f9a2c71e0b3d58a"


def settings_for(service: FakeChatService, **changes: str) -> LlmSettings:
    env = {
        "BILLOPS_LLM_BASE_URL": service.base_url,
        "BILLOPS_LLM_MODEL": service.model,
        "BILLOPS_LLM_API_KEY": KEY,
        **changes,
    }
    settings = LlmSettings.from_env(env)
    assert settings is not None
    return settings


def one_line_error(settings: LlmSettings, document: Document) -> str:
    with pytest.raises(LlmUnavailable) as caught:
        LlmExtractor(settings).extract(document)
    text = str(caught.value)
    assert "\n" not in text
    assert KEY not in text
    return text


# --------------------------------------------------------------------------
# Settings


def test_the_backend_is_off_unless_a_url_and_a_model_are_set() -> None:
    assert LlmSettings.from_env({}) is None
    assert LlmSettings.from_env({"BILLOPS_LLM_API_KEY": KEY}) is None
    assert LlmSettings.from_env({"BILLOPS_LLM_BASE_URL": " ", "BILLOPS_LLM_MODEL": ""}) is None


def test_settings_from_the_environment_with_defaults_and_without_a_key() -> None:
    settings = LlmSettings.from_env(
        {"BILLOPS_LLM_BASE_URL": "http://127.0.0.1:8080/v1", "BILLOPS_LLM_MODEL": "llama3.1"}
    )
    assert settings == LlmSettings("http://127.0.0.1:8080/v1", "llama3.1", None, 60.0, 60_000)


def test_settings_read_timeout_and_max_chars_and_never_show_the_key() -> None:
    settings = LlmSettings.from_env(
        {
            "BILLOPS_LLM_BASE_URL": "https://api.openai.com/v1",
            "BILLOPS_LLM_MODEL": "gpt-4o-mini",
            "BILLOPS_LLM_API_KEY": KEY,
            "BILLOPS_LLM_TIMEOUT": "2.5",
            "BILLOPS_LLM_MAX_CHARS": "12000",
        }
    )
    assert settings is not None
    assert (settings.timeout_seconds, settings.max_chars, settings.api_key) == (2.5, 12_000, KEY)
    assert KEY not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"BILLOPS_LLM_BASE_URL": "http://127.0.0.1:8080/v1"},
            "BILLOPS_LLM_MODEL: BILLOPS_LLM_BASE_URL is set but BILLOPS_LLM_MODEL is not; "
            "set both to use the LLM backend, or neither to leave it off",
        ),
        (
            {"BILLOPS_LLM_MODEL": "gpt-4o-mini"},
            "BILLOPS_LLM_BASE_URL: BILLOPS_LLM_MODEL is set but BILLOPS_LLM_BASE_URL is not; "
            "set both to use the LLM backend, or neither to leave it off",
        ),
        (
            {"BILLOPS_LLM_BASE_URL": "localhost:8080", "BILLOPS_LLM_MODEL": "m"},
            "BILLOPS_LLM_BASE_URL: must be an http:// or https:// URL (got 'localhost:8080'); "
            "e.g. http://127.0.0.1:8080/v1",
        ),
        (
            {
                "BILLOPS_LLM_BASE_URL": "http://h/v1",
                "BILLOPS_LLM_MODEL": "m",
                "BILLOPS_LLM_TIMEOUT": "soon",
            },
            "BILLOPS_LLM_TIMEOUT: must be a positive number (got 'soon'); e.g. 60 or 2.5",
        ),
        (
            {
                "BILLOPS_LLM_BASE_URL": "http://h/v1",
                "BILLOPS_LLM_MODEL": "m",
                "BILLOPS_LLM_MAX_CHARS": "-5",
            },
            "BILLOPS_LLM_MAX_CHARS: must be a positive whole number (got '-5'); e.g. 60000",
        ),
    ],
)
def test_half_or_wrong_settings_are_one_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        LlmSettings.from_env(env)
    assert str(caught.value) == message


def test_nothing_is_sent_when_the_backend_is_off(chat_service: FakeChatService) -> None:
    # The service runs and the key is set, but without a URL and a model there is no backend,
    # so there is nothing that could send a request.
    assert LlmSettings.from_env({"BILLOPS_LLM_API_KEY": KEY}) is None
    assert chat_service.requests == []


# --------------------------------------------------------------------------
# The request and the answer


def test_one_request_with_our_prompt_the_text_and_the_schema(chat_service: FakeChatService) -> None:
    chat_service.answer_content(
        '{"contract_id": "OF-2026-031", "currency": "USD", '
        '"lines": [{"description": "Analytics Suite", "quantity": 25, "unit_price": 960.00}]}'
    )
    document = Document.from_text("initech-of.txt", ORDER_FORM)

    terms = LlmExtractor(settings_for(chat_service)).extract(document)

    assert terms == {
        "contract_id": "OF-2026-031",
        "currency": "USD",
        "lines": [
            {"description": "Analytics Suite", "quantity": 25, "unit_price": Decimal("960.00")}
        ],
    }
    assert isinstance(terms["lines"][0]["unit_price"], Decimal)  # never a float
    assert chat_service.problems == []
    assert len(chat_service.requests) == 1
    sent = chat_service.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.body["model"] == "test-model"
    system, user = sent.body["messages"]
    assert "Write only what the document itself states" in system["content"]
    assert user["content"] == ("Document: initech-of.txt (1 page)\n\n--- page 1 ---\n" + ORDER_FORM)
    assert sent.body["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "contract_terms",
            "schema": json.loads(json.dumps(contract_json_schema())),
        },
    }


def test_a_long_document_is_cut_with_a_note(chat_service: FakeChatService) -> None:
    chat_service.answer_content("{}")
    document = Document.from_text("long.txt", "Fee: USD 100.00\fAppendix " + "x" * 80)
    extractor = LlmExtractor(settings_for(chat_service, BILLOPS_LLM_MAX_CHARS="20"))

    assert extractor.extract(document) == {}

    user = chat_service.requests[0].body["messages"][1]["content"]
    assert user == (
        "Document: long.txt (2 pages)\n\n"
        "--- page 1 ---\nFee: USD 100.00\n\n--- page 2 ---\nAppe\n\n"
        "[long.txt: only the first 20 of 105 characters were sent to the LLM; "
        "the rest of the document is not shown.]"
    )
    assert extractor.truncation_note(document) == (
        "long.txt: only the first 20 of 105 characters were sent to the LLM"
    )


def test_json_in_a_markdown_fence_is_still_read(chat_service: FakeChatService) -> None:
    chat_service.answer_content('```json\n{"currency": "EUR"}\n```')
    document = Document.from_text("of.txt", ORDER_FORM)
    assert LlmExtractor(settings_for(chat_service)).extract(document) == {"currency": "EUR"}


def test_a_local_server_without_a_key_gets_a_placeholder(chat_service: FakeChatService) -> None:
    chat_service.answer_content("{}")
    settings = settings_for(chat_service, BILLOPS_LLM_API_KEY="")
    LlmExtractor(settings).extract(Document.from_text("of.txt", ORDER_FORM))
    assert chat_service.requests[0].headers["authorization"] == "Bearer not-needed"


# --------------------------------------------------------------------------
# Failures: each one line, naming the service, never the key


def test_an_http_500_is_one_line_after_one_retry(chat_service: FakeChatService) -> None:
    chat_service.answer_error(500, "The server had an error while processing your request.")
    message = one_line_error(settings_for(chat_service), Document.from_text("of.txt", ORDER_FORM))
    assert message == (
        f"LLM service at {chat_service.base_url} (test-model) answered HTTP 500: "
        "'The server had an error while processing your request.'; "
        "the service failed; try again later"
    )
    assert len(chat_service.requests) == 2  # max_retries=1


def test_a_401_that_echoes_the_key_does_not_show_it(chat_service: FakeChatService) -> None:
    chat_service.answer_error(401, f"Incorrect API key provided: {KEY}.", "invalid_request_error")
    message = one_line_error(settings_for(chat_service), Document.from_text("of.txt", ORDER_FORM))
    assert message == (
        f"LLM service at {chat_service.base_url} (test-model) answered HTTP 401: "
        "'Incorrect API key provided: ***.'; check BILLOPS_LLM_API_KEY"
    )


def test_a_service_that_does_not_answer_in_time(chat_service: FakeChatService) -> None:
    chat_service.answer_slowly(3.0)
    settings = settings_for(chat_service, BILLOPS_LLM_TIMEOUT="0.3")
    started = time.monotonic()
    message = one_line_error(settings, Document.from_text("of.txt", ORDER_FORM))
    assert time.monotonic() - started < 2.9  # gave up before the service answered
    assert message == (
        f"LLM service at {chat_service.base_url} (test-model) did not answer within 0.3 s; "
        "raise BILLOPS_LLM_TIMEOUT or use a faster model"
    )


def test_content_that_is_not_json(chat_service: FakeChatService) -> None:
    chat_service.answer_content("Sure! The customer is Initech LLC and the fee is $960.")
    message = one_line_error(settings_for(chat_service), Document.from_text("of.txt", ORDER_FORM))
    assert message == (
        f"LLM service at {chat_service.base_url} (test-model) answered with content that is "
        "not JSON: 'Sure! The customer is Initech LLC and the fee is $960.'; "
        "use a model and server that support structured output (json_schema)"
    )


def test_json_that_is_not_an_object(chat_service: FakeChatService) -> None:
    chat_service.answer_content('["USD", "EUR"]')
    message = one_line_error(settings_for(chat_service), Document.from_text("of.txt", ORDER_FORM))
    assert message == (
        f"LLM service at {chat_service.base_url} (test-model) answered with JSON that is not "
        "an object (a list)"
    )


def test_a_refusal(chat_service: FakeChatService) -> None:
    chat_service.answer_refusal("I'm sorry, I cannot assist with that request.")
    message = one_line_error(settings_for(chat_service), Document.from_text("of.txt", ORDER_FORM))
    assert message == (
        f"LLM service at {chat_service.base_url} (test-model) refused to extract: "
        '"I\'m sorry, I cannot assist with that request."'
    )


def test_an_answer_that_is_not_a_chat_completion(chat_service: FakeChatService) -> None:
    chat_service.reply = Reply(raw=b"<html>502 Bad Gateway</html>")
    message = one_line_error(settings_for(chat_service), Document.from_text("of.txt", ORDER_FORM))
    assert message == (
        f"LLM service at {chat_service.base_url} (test-model) answered with something that is "
        "not a chat completion; check that BILLOPS_LLM_BASE_URL points at the API "
        "(it usually ends in /v1)"
    )


def test_json_that_is_not_a_chat_completion(chat_service: FakeChatService) -> None:
    chat_service.reply = Reply(body={"status": "ok"})
    message = one_line_error(settings_for(chat_service), Document.from_text("of.txt", ORDER_FORM))
    assert message == (
        f"LLM service at {chat_service.base_url} (test-model) answered with no choices"
    )


def test_connection_refused() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = LlmSettings(f"http://user:{KEY}@127.0.0.1:{port}/v1", "test-model", KEY, 5.0)
    message = one_line_error(settings, Document.from_text("of.txt", ORDER_FORM))
    assert message == (
        f"LLM service at http://127.0.0.1:{port}/v1 (test-model) refused the connection; "
        "check BILLOPS_LLM_BASE_URL and that the server runs"
    )
