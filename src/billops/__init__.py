"""billops: an open-source contract-to-cash engine.

Signed Order Forms and Statements of Work go in; orders, billing schedules,
invoices, revenue and a month-end close come out, each decision explained and
written to a tamper-evident audit trail. See docs/ and ../shared/DESIGN.md.
"""

__version__ = "0.1.0"
