"""Workflows: one module per step of the flow; each loads, calls the domain, saves, audits."""
