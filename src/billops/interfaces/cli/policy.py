"""``billops policy show``: the effective validation policy and the rules it applies.

The policy is read at the edge: the shipped defaults, then
``$BILLOPS_POLICY_DIR/company.yaml``, then
``$BILLOPS_POLICY_DIR/entities/<ENTITY>.yaml`` (``--entity``). The command
prints the merged policy (which files it came from, every threshold) and
every rule with the severity and work queue this policy gives it:

    $ billops policy show --entity NWDE
    policy: billops default policy (version 1)
    files: .../billops/policies/default.yaml
    ...
    rules (43)
    ┃ rule                 ┃ title ...            ┃ severity ┃ default ┃ route ┃
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import typer
import yaml

from billops.domain.policy import Policy
from billops.interfaces.cli.output import emit_json, say, table
from billops.workflows.validation import effective_rules

POLICY_DIR_VARIABLE = "BILLOPS_POLICY_DIR"

app = typer.Typer(help="Validation policy: show the effective policy.", no_args_is_help=True)


def policy_dir() -> Path | None:
    """The company's policy folder (``BILLOPS_POLICY_DIR``), or None for the shipped defaults."""
    text = os.environ.get(POLICY_DIR_VARIABLE, "").strip()
    return Path(text) if text else None


def policy_source() -> Callable[[str | None], Policy]:
    """The effective policy per legal entity code, each read once."""
    from billops.adapters.policy_files import load_policy

    directory = policy_dir()
    cache: dict[str | None, Policy] = {}

    def policy_of(entity_code: str | None) -> Policy:
        if entity_code not in cache:
            cache[entity_code] = load_policy(directory, entity_code)
        return cache[entity_code]

    return policy_of


@app.command("show")
def show_command(
    entity: str | None = typer.Option(
        None, "--entity", help="Legal entity code: include its policy file."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print the effective policy and every rule with its effective severity and route."""
    policy = policy_source()(entity)
    rules = effective_rules(policy)
    settings = policy.model_dump(mode="json", exclude={"sources"})
    if as_json:
        emit_json(
            {
                "entity": entity,
                "sources": list(policy.sources),
                "policy": settings,
                "rules": [
                    {
                        "rule_id": r.rule_id,
                        "title": r.title,
                        "severity": r.severity,
                        "default_severity": r.default_severity,
                        "route": r.route,
                    }
                    for r in rules
                ],
            }
        )
        return
    say(
        f"policy: {policy.name} (version {policy.version})"
        + (f", entity {entity}" if entity else "")
    )
    say("files (later wins): " + ", ".join(policy.sources))
    say("")
    say(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True, width=100).rstrip())
    say("")
    table(
        f"rules ({len(rules)})",
        ["rule", "title", "severity", "default", "route"],
        [
            (
                r.rule_id,
                r.title,
                r.severity,
                "" if r.severity == r.default_severity else r.default_severity,
                r.route,
            )
            for r in rules
        ],
    )
