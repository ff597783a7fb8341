"""One validator per test session: compiling the official Schematron takes a second or two."""

from __future__ import annotations

import pytest

from tests.einvoice.validator import EInvoiceValidator


@pytest.fixture(scope="session")
def einvoice_validator() -> EInvoiceValidator:
    return EInvoiceValidator()
