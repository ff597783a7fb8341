"""Adapters: storage, files, documents, renderers, connectors."""
