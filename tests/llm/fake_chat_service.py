"""A local stand-in for an OpenAI-compatible chat-completions service.

It listens on 127.0.0.1 (a free port), checks that each request is the one
billops documents (``POST /v1/chat/completions`` with the model, a system
and a user message, and the contract-terms JSON Schema as structured
output), records it, and answers in the shapes OpenAI documents for chat
completions: a ``chat.completion`` object whose first choice carries the
content (or a refusal), or an ``{"error": {...}}`` body with an HTTP status.
A request that is not what billops should send gets HTTP 400 and a list of
what was wrong, so a broken request fails the test that made it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from billops.domain.contract import SCHEMA_ID

COMPLETION_ID = "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT"
CREATED = 1741569952


def completion(content: str | None, *, model: str, refusal: str | None = None) -> dict[str, Any]:
    """A chat.completion object as OpenAI documents it (one choice, finish_reason stop)."""
    return {
        "id": COMPLETION_ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": refusal,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 1432,
            "completion_tokens": 318,
            "total_tokens": 1750,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_f9f4fb6dbf",
    }


def error_body(message: str, kind: str = "server_error") -> dict[str, Any]:
    """The error object OpenAI returns with a 4xx / 5xx status."""
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


@dataclass
class Reply:
    """What the service answers to every request until told otherwise."""

    status: int = 200
    body: dict[str, Any] | None = None
    raw: bytes | None = None  # sent as is instead of body (for broken answers)
    delay_seconds: float = 0.0


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]


@dataclass
class FakeChatService:
    model: str = "test-model"
    reply: Reply = field(default_factory=Reply)
    requests: list[Recorded] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def answer_json(self, terms: dict[str, Any]) -> None:
        self.answer_content(json.dumps(terms))

    def answer_content(self, content: str) -> None:
        self.reply = Reply(body=completion(content, model=self.model))

    def answer_refusal(self, refusal: str) -> None:
        self.reply = Reply(body=completion(None, model=self.model, refusal=refusal))

    def answer_error(self, status: int, message: str, kind: str = "server_error") -> None:
        self.reply = Reply(status=status, body=error_body(message, kind))

    def answer_slowly(self, seconds: float) -> None:
        self.reply = Reply(body=completion("{}", model=self.model), delay_seconds=seconds)

    def start(self) -> FakeChatService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    body = json.loads(self.rfile.read(length))
                except ValueError:
                    body = {}
                service.requests.append(
                    Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                wrong = service.check(self.path, body)
                if wrong:
                    service.problems.extend(wrong)
                    self.send(
                        400,
                        json.dumps(error_body("; ".join(wrong), "invalid_request_error")).encode(),
                    )
                    return
                reply = service.reply
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send(reply.status, payload)

            def send(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def check(self, path: str, body: dict[str, Any]) -> list[str]:
        """What is wrong with a request, against what billops documents it sends."""
        wrong: list[str] = []
        if path != "/v1/chat/completions":
            wrong.append(f"path {path!r} is not /v1/chat/completions")
        if body.get("model") != self.model:
            wrong.append(f"model {body.get('model')!r} is not {self.model!r}")
        messages = body.get("messages")
        roles = [m.get("role") for m in messages] if isinstance(messages, list) else None
        if roles != ["system", "user"]:
            wrong.append(f"messages have roles {roles!r}, not system then user")
        elif not all(isinstance(m.get("content"), str) and m["content"] for m in messages):
            wrong.append("a message has no text content")
        response_format = body.get("response_format") or {}
        schema_spec = response_format.get("json_schema") or {}
        if response_format.get("type") != "json_schema":
            wrong.append("response_format.type is not json_schema")
        if schema_spec.get("name") != "contract_terms":
            wrong.append("response_format.json_schema.name is not contract_terms")
        if (schema_spec.get("schema") or {}).get("$id") != SCHEMA_ID:
            wrong.append("response_format.json_schema.schema is not the contract-terms schema")
        return wrong
