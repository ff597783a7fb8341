"""Progress of long work, reported by workflows and shown by the interface.

A workflow says what it is doing and how far it is (``start``, ``advance``);
the CLI draws a bar on a terminal and stays silent otherwise; tests and
libraries pass ``SILENT``.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, label: str, total: int) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class _Silent:
    def start(self, label: str, total: int) -> None:
        return None

    def advance(self, steps: int = 1) -> None:
        return None


SILENT: Progress = _Silent()
