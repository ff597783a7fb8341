"""Extraction: from a normalised ``Document`` to contract terms, every value tied to its source.

The entry point is ``extract_terms(document) -> Extraction`` (see model.py
for the result, extract.py for the steps). Pure domain: no I/O; readers
(adapters/documents) make the ``Document``, workflows store the result.
"""

from billops.domain.extraction.extract import extract_terms
from billops.domain.extraction.model import (
    Classification,
    DocumentKind,
    ExtractedValue,
    Extraction,
)

__all__ = ["Classification", "DocumentKind", "ExtractedValue", "Extraction", "extract_terms"]
