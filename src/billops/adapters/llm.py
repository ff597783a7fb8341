"""The optional LLM backend: ask an OpenAI-compatible chat-completions service for the terms.

Off by default. Set ``BILLOPS_LLM_BASE_URL`` and ``BILLOPS_LLM_MODEL`` to
turn it on; any server that speaks the OpenAI chat-completions protocol and
structured output will do (OpenAI itself, Azure OpenAI, vLLM, llama.cpp's
server, Ollama, LM Studio, ...)::

    BILLOPS_LLM_BASE_URL   e.g. http://127.0.0.1:8080/v1 or https://api.openai.com/v1
    BILLOPS_LLM_MODEL      the model name the server knows, e.g. gpt-4o-mini
    BILLOPS_LLM_API_KEY    the key, when the server wants one (local servers often do not)
    BILLOPS_LLM_TIMEOUT    seconds to wait for an answer (default 60)
    BILLOPS_LLM_MAX_CHARS  most characters of document text sent (default 60000)

One document is one ``POST {base_url}/chat/completions``: a system prompt
saying what to read and how to write it, the document's text, and
``response_format`` = the published contract-terms JSON Schema
(``contract_json_schema()``) as structured output. The answer is parsed as
JSON (numbers as ``Decimal``, never float) and returned as is:
**nothing it says is trusted yet**. ``billops.domain.extraction.grounding``
keeps only the values the document states, and
``billops.domain.extraction.merge`` combines them with the rules-based
extractor, field by field, explaining each choice.

    >>> LlmSettings.from_env({}) is None
    True
    >>> settings = LlmSettings.from_env({"BILLOPS_LLM_BASE_URL": "http://127.0.0.1:8080/v1",
    ...                                  "BILLOPS_LLM_MODEL": "qwen2.5-7b-instruct"})
    >>> settings.timeout_seconds, settings.max_chars, LlmExtractor(settings).name
    (60.0, 60000, 'llm/qwen2.5-7b-instruct')

Every failure (connection refused, timeout, an HTTP error, a refusal, an
answer that is not a JSON object) is one ``LlmUnavailable`` with one line
naming the service and what went wrong; the API key never appears in it.
The SDK retries once (``max_retries=1``) before giving up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from billops.domain.contract import contract_json_schema
from billops.domain.document import Document
from billops.errors import BillopsError, InvalidInput

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_TIMEOUT_SECONDS",
    "SCHEMA_NAME",
    "LlmExtractor",
    "LlmSettings",
    "LlmUnavailable",
    "document_excerpt",
]

DEFAULT_TIMEOUT_SECONDS: Final = 60.0
DEFAULT_MAX_CHARS: Final = 60_000
SCHEMA_NAME: Final = "contract_terms"
_NO_KEY: Final = "not-needed"  # the SDK insists on a key; local servers ignore it


class LlmUnavailable(BillopsError):
    """The LLM service could not give an answer billops can use; extraction goes on without it."""


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """Where the LLM service is and how long to wait for it (``None`` from ``from_env``: off)."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_chars: int = DEFAULT_MAX_CHARS

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LlmSettings | None:
        """The settings the environment asks for, or ``None`` when the backend is off.

        Half a configuration (a URL without a model, or the reverse) and
        values that are not numbers are ``InvalidInput`` naming the variable.
        """
        base_url = env.get("BILLOPS_LLM_BASE_URL", "").strip()
        model = env.get("BILLOPS_LLM_MODEL", "").strip()
        if not base_url and not model:
            return None
        if not base_url or not model:
            given, needed = (
                ("BILLOPS_LLM_BASE_URL", "BILLOPS_LLM_MODEL")
                if base_url
                else ("BILLOPS_LLM_MODEL", "BILLOPS_LLM_BASE_URL")
            )
            raise InvalidInput(
                f"{given} is set but {needed} is not",
                field=needed,
                hint="set both to use the LLM backend, or neither to leave it off",
            )
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise InvalidInput(
                "must be an http:// or https:// URL",
                field="BILLOPS_LLM_BASE_URL",
                value=_shown_url(base_url),
                hint="e.g. http://127.0.0.1:8080/v1",
            )
        timeout = _positive(env, "BILLOPS_LLM_TIMEOUT", DEFAULT_TIMEOUT_SECONDS, whole=False)
        max_chars = _positive(env, "BILLOPS_LLM_MAX_CHARS", DEFAULT_MAX_CHARS, whole=True)
        return cls(
            base_url=base_url,
            model=model,
            api_key=env.get("BILLOPS_LLM_API_KEY", "").strip() or None,
            timeout_seconds=float(timeout),
            max_chars=int(max_chars),
        )


def _positive(env: Mapping[str, str], name: str, default: float, *, whole: bool) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(int(text) if whole else text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise InvalidInput(
            f"must be a positive {'whole ' if whole else ''}number",
            field=name,
            value=text,
            hint="e.g. 60000" if whole else "e.g. 60 or 2.5",
        )
    return value


def _shown_url(url: str) -> str:
    """The URL without user name, password or query: safe for a message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


SYSTEM_PROMPT: Final = """\
You read one signed commercial contract document (an order form, a statement \
of work, an amendment or a master agreement) for a billing team and write its \
commercial terms as one JSON object following the schema you are given.

How to write each value:
- Write only what the document itself states. Leave a field out (or null) \
when the document does not state it. Do not guess, do not fill in typical \
values, and do not compute anything the document does not write down (no \
totals, no end dates from a term, no prices from an amount): every value is \
checked against the document text and values that are not in it are thrown away.
- Copy names, descriptions, identifiers (PO numbers, SKUs, tax ids) and \
addresses as they are written.
- Amounts, prices, quantities and percentages: plain decimal strings without \
currency symbols or thousands separators, e.g. "12500.00" for "$12,500.00" or \
"12.500,00 EUR"; a percentage as its number, "12.5" for "12.5 %".
- Dates: YYYY-MM-DD. When a numeric date could be read day-first or \
month-first, use the document's country and currency to decide.
- currency: the ISO 4217 code of the contract's currency ("USD" for "$" in a \
US contract, "EUR" for "€").
- Enumerations: use the schema's values; pick the billing model of each line, \
the billing frequency and the timing (advance or arrears) from the document's words.
- contract_id: the document's own number or reference when it has one.
- lines: one entry per priced item, in the order the document lists them, \
with line_id "L1", "L2", ... unless the document numbers them itself.
- Leave "provenance" out: billops finds the source of each value itself.
"""


def document_excerpt(document: Document, max_chars: int) -> tuple[str, str | None]:
    """The text sent for ``document`` (pages marked) and a note when it had to be cut.

    >>> text, note = document_excerpt(Document.from_text("a.txt", "abcdef\\fghij"), 8)
    >>> print(text)
    --- page 1 ---
    abcdef
    <BLANKLINE>
    --- page 2 ---
    g
    >>> note
    'a.txt: only the first 8 of 11 characters were sent to the LLM'
    """
    text = document.text[:max_chars]
    note = None
    if len(document.text) > max_chars:
        note = (
            f"{document.name}: only the first {max_chars:,} of {len(document.text):,} "
            "characters were sent to the LLM"
        )
    pages = text.split("\f")
    marked = "\n\n".join(f"--- page {n} ---\n{page}" for n, page in enumerate(pages, start=1))
    return marked, note


class LlmExtractor:
    """Sends one document to the LLM service and returns its contract-terms JSON, unchecked."""

    def __init__(self, settings: LlmSettings, *, client: openai.OpenAI | None = None) -> None:
        self.settings = settings
        self._client = client or openai.OpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or _NO_KEY,
            timeout=settings.timeout_seconds,
            max_retries=1,
        )

    @property
    def name(self) -> str:
        """What the provenance of its values says produced them: ``llm/<model>``."""
        return f"llm/{self.settings.model}"

    def truncation_note(self, document: Document) -> str | None:
        """A note for the extraction when the document is longer than what is sent."""
        return document_excerpt(document, self.settings.max_chars)[1]

    def messages(self, document: Document) -> list[ChatCompletionMessageParam]:
        """The chat messages sent for ``document``: our instructions, then the text."""
        text, note = document_excerpt(document, self.settings.max_chars)
        cut = f"\n\n[{note}; the rest of the document is not shown.]" if note else ""
        user = (
            f"Document: {document.name} ({len(document.pages)} page"
            f"{'' if len(document.pages) == 1 else 's'})\n\n{text}{cut}"
        )
        return [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user},
        ]

    def extract(self, document: Document) -> dict[str, Any]:
        """The service's contract-terms JSON for ``document`` (decimals as ``Decimal``).

        Raises ``LlmUnavailable`` (one line, never the key) on any failure.
        """
        response_format: ResponseFormatJSONSchema = {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "schema": contract_json_schema()},
        }
        try:
            completion = self._client.chat.completions.create(
                model=self.settings.model,
                messages=self.messages(document),
                response_format=response_format,
            )
        except openai.APITimeoutError:
            raise self._unavailable(
                f"did not answer within {self.settings.timeout_seconds:g} s",
                "raise BILLOPS_LLM_TIMEOUT or use a faster model",
            ) from None
        except openai.APIConnectionError as error:
            reason = "refused the connection" if _refused(error) else "could not be reached"
            raise self._unavailable(
                reason, "check BILLOPS_LLM_BASE_URL and that the server runs"
            ) from None
        except openai.APIStatusError as error:
            raise self._unavailable(
                f"answered HTTP {error.status_code}{_detail(error, self.settings.api_key)}",
                _status_hint(error.status_code),
            ) from None
        except openai.OpenAIError as error:
            raise self._unavailable(f"failed: {_one_line(str(error))}", None) from None
        except ValueError:  # a body that is not JSON at all: a proxy's error page, say
            raise self._unavailable(
                "answered with something that is not a chat completion",
                "check that BILLOPS_LLM_BASE_URL points at the API (it usually ends in /v1)",
            ) from None
        if not completion.choices:
            raise self._unavailable("answered with no choices", None)
        choice = completion.choices[0]
        message = choice.message
        if message.refusal:
            raise self._unavailable(f"refused to extract: {_one_line(message.refusal)}", None)
        if choice.finish_reason == "length":
            raise self._unavailable(
                "stopped before the JSON was complete (output token limit)",
                "lower BILLOPS_LLM_MAX_CHARS or use a model with a larger output limit",
            )
        return self._parse(message.content)

    def _parse(self, content: str | None) -> dict[str, Any]:
        if not content or not content.strip():
            raise self._unavailable("answered with empty content", None)
        text = _FENCE.sub("", content.strip())
        try:
            data = json.loads(text, parse_float=Decimal)
        except ValueError:
            raise self._unavailable(
                f"answered with content that is not JSON: {_one_line(content)}",
                "use a model and server that support structured output (json_schema)",
            ) from None
        if not isinstance(data, dict):
            raise self._unavailable(
                f"answered with JSON that is not an object (a {type(data).__name__})", None
            )
        return data

    def _unavailable(self, problem: str, hint: str | None) -> LlmUnavailable:
        where = f"LLM service at {_shown_url(self.settings.base_url)} ({self.settings.model})"
        return LlmUnavailable(f"{where} {_scrub(problem, self.settings.api_key)}", hint=hint)


_FENCE: Final = re.compile(r"^```(?:json)?\s*|\s*```$")
_SECRET_LOOKING: Final = re.compile(r"\b(?:sk|key|token)-[A-Za-z0-9_*\-]{6,}")


def _scrub(text: str, api_key: str | None) -> str:
    """Text safe to show: the key (and anything shaped like one) replaced by ``***``."""
    if api_key:
        text = text.replace(api_key, "***")
    return _SECRET_LOOKING.sub("***", text)


def _one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")


def _refused(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _detail(error: openai.APIStatusError, api_key: str | None) -> str:
    """The server's own error message, when it gave one."""
    body = error.body
    message: object = None
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, Mapping) else inner
    if not isinstance(message, str) or not message.strip():
        return ""
    return f": {_one_line(_scrub(message, api_key))}"


def _status_hint(status: int) -> str | None:
    if status in (401, 403):
        return "check BILLOPS_LLM_API_KEY"
    if status == 404:
        return "check BILLOPS_LLM_BASE_URL (it usually ends in /v1) and BILLOPS_LLM_MODEL"
    if status == 429:
        return "the service is rate-limiting; try again later"
    if status >= 500:
        return "the service failed; try again later"
    return None
