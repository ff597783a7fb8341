"""The demo company: Northwind Cloud, a deterministic fictional software and services vendor.

``generate_company(customers=50)`` builds it (entities, catalogue, customers,
contracts of every billing model, Salesforce opportunities, delivery events
and a list of deliberate data-quality defects); ``write_company`` writes it
as the files a user would supply. See ``billops.demo.generator``.
"""

from billops.demo.company import DataQualityNote, DemoAccount, DemoCompany
from billops.demo.generator import generate_company, iter_accounts, write_accounts, write_company

__all__ = [
    "DataQualityNote",
    "DemoAccount",
    "DemoCompany",
    "generate_company",
    "iter_accounts",
    "write_accounts",
    "write_company",
]
