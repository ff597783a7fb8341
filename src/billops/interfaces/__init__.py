"""Interfaces: the CLI today; the API and web pages later."""
