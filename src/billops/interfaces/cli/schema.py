"""``billops schema``: the published JSON Schemas of our data contracts."""

from __future__ import annotations

import json

import typer

from billops.domain.contract import contract_json_schema

app = typer.Typer(help="Print the published JSON Schemas.", no_args_is_help=True)


@app.command("contract")
def contract_schema() -> None:
    """The JSON Schema of contract terms (committed as schemas/contract.schema.json)."""
    typer.echo(json.dumps(contract_json_schema(), indent=2, ensure_ascii=False, sort_keys=False))
