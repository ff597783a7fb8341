"""The one error hierarchy of billops.

Every error a user can cause carries what they need to fix it: which file,
which field, which value, and what would be accepted instead. The CLI turns
any ``BillopsError`` into one line on stderr and an exit code; nothing else
in billops prints a traceback unless ``--debug`` asks for it.

    >>> raise InvalidInput("quantity must not be negative", field="lines[0].quantity", value="-5")
    Traceback (most recent call last):
    ...
    billops.errors.InvalidInput: lines[0].quantity: quantity must not be negative (got '-5')

Exit codes (see ``billops.interfaces.cli``): 0 success, 1 problems found
(a check that ran and reported problems), 2 bad usage or bad input.
"""

from __future__ import annotations

from typing import Any


class BillopsError(Exception):
    """Base of every error billops raises on purpose."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        field: str | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.field = field
        self.value = value
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line naming the file, field and value, then the problem and a hint."""
        where = ": ".join(part for part in (self.source, self.field) if part)
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class InvalidInput(BillopsError):
    """Input that cannot be accepted: malformed file, bad field, impossible value."""


class CurrencyError(InvalidInput):
    """An unknown currency code, or money of two currencies mixed."""


class CurrencyMismatch(CurrencyError):
    """Arithmetic or comparison across two currencies."""


class InvalidPeriod(InvalidInput):
    """A period or date range that cannot exist (end before start, unknown frequency)."""


class NotFound(BillopsError):
    """A named record (entity, customer, contract, version) does not exist."""


class Conflict(BillopsError):
    """The change would clash with what is stored (duplicate id, stale version)."""


class StorageError(BillopsError):
    """The database cannot be reached or is not at the schema this billops needs."""


class IntegrityProblem(BillopsError):
    """A check ran and found the data broken (e.g. the audit chain)."""

    exit_code = 1
