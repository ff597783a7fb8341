"""CRM connectors: where opportunities come from.

Two sources give the same ``billops.domain.crm.Opportunity`` records:

- ``csv_export.read_opportunities``: a Salesforce report export (CSV), the
  way most billing teams get CRM data today;
- ``salesforce.SalesforceSource``: the Salesforce REST API through
  simple-salesforce, configured by ``SF_*`` environment variables.

Matching a contract to its opportunity and the cross-check rules are pure
domain code (``billops.domain.crm_matching``, ``billops.domain.rules.crm``).
"""
