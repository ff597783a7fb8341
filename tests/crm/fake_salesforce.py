"""A local stand-in for Salesforce's REST API, replaying its documented shapes.

simple-salesforce always speaks HTTPS, so the server listens with TLS on
127.0.0.1 (a throwaway self-signed certificate for that address); the test
hands billops a ``requests.Session`` that trusts it.

Shapes replayed (REST API Developer Guide, "Query", "Status Codes and
Error Responses"): ``GET /services/data/vXX.X/query?q=SOQL`` answers
``{"totalSize", "done", "nextRecordsUrl", "records": [...]}``, each record
with ``attributes`` and related objects nested (``"Account": {...}``,
``"OpportunityLineItems": {"totalSize", "done", "records"}``); the next
page is fetched from ``nextRecordsUrl``; errors are a JSON list of
``{"message", "errorCode"}``.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def write_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Reply:
    status: int
    body: Any


@dataclass
class FakeSalesforce:
    """Answers queued replies in order and records every request it got."""

    token: str = "00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog"
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                fake.requests.append(
                    {
                        "path": parts.path,
                        "query": parse_qs(parts.query),
                        "authorization": self.headers.get("Authorization"),
                    }
                )
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    reply = Reply(
                        401,
                        [
                            {
                                "message": "Session expired or invalid",
                                "errorCode": "INVALID_SESSION_ID",
                            }
                        ],
                    )
                elif fake.replies:
                    reply = fake.replies.pop(0)
                else:
                    reply = Reply(404, [{"message": "no reply queued", "errorCode": "NOT_FOUND"}])
                body = json.dumps(reply.body).encode("utf-8")
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def serve(fake: FakeSalesforce, cert: Path, key: Path) -> Iterator[FakeSalesforce]:
    """Run ``fake`` on 127.0.0.1 (a free port, TLS) in a thread until the generator closes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
