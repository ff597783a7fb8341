"""The renderers' tests share the e-invoice tests' validator (compiled once per session)."""

from tests.einvoice.conftest import einvoice_validator

__all__ = ["einvoice_validator"]
