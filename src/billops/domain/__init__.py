"""The domain: pure billing logic, no I/O. mypy --strict."""
