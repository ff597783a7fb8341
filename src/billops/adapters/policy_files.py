"""Reading the validation policy from its files: shipped defaults, company, legal entity.

The effective policy of a legal entity is three YAML documents merged, each
holding only what it changes:

1. ``billops/policies/default.yaml``, shipped with billops (every key, commented);
2. ``<policy dir>/company.yaml``: the company's thresholds and severities;
3. ``<policy dir>/entities/<ENTITY CODE>.yaml``: one legal entity's (its
   currencies, say).

Later files win. Mappings merge key by key; a list or a plain value replaces
the one below it (so ``allowed_frequencies: [monthly]`` in company.yaml
means monthly only, not monthly added to the defaults):

    >>> deep_merge({"discount": {"approval_threshold_percent": 30}, "sla": {"billing": 24}},
    ...            {"discount": {"approval_threshold_percent": 20}})
    {'discount': {'approval_threshold_percent': 20}, 'sla': {'billing': 24}}

A file that is not YAML, a key no policy has, a value of the wrong type or a
rule id no rule has is refused with the file, the line and the key, e.g.

    policy/company.yaml: line 7: discount.aproval_threshold_percent: unknown key
    (did you mean approval_threshold_percent?)

A missing company or entity file is no error (nothing to override); a
missing policy directory is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from billops.adapters.files import ExactLoader, load_mapping
from billops.domain.policy import Policy, PolicyInvalid, PolicyProblem
from billops.errors import InvalidInput

__all__ = [
    "COMPANY_FILE",
    "ENTITIES_DIR",
    "deep_merge",
    "key_lines",
    "load_policy",
    "policy_files",
    "shipped_policy_path",
]

COMPANY_FILE: Final = "company.yaml"
ENTITIES_DIR: Final = "entities"

KeyPath = tuple[str | int, ...]


def shipped_policy_path() -> Path:
    """The default policy shipped inside the billops package."""
    return Path(__file__).resolve().parent.parent / "policies" / "default.yaml"


def policy_files(policy_dir: Path | None, entity_code: str | None) -> list[Path]:
    """The files that make the effective policy, in merge order (later wins)."""
    files = [shipped_policy_path()]
    if policy_dir is None:
        return files
    if not policy_dir.is_dir():
        raise InvalidInput(
            "no such policy directory",
            source=str(policy_dir),
            hint=f"create it with a {COMPANY_FILE}, or leave the policy directory unset",
        )
    company = policy_dir / COMPANY_FILE
    if company.exists():
        files.append(company)
    if entity_code:
        entity = policy_dir / ENTITIES_DIR / f"{entity_code}.yaml"
        if entity.exists():
            files.append(entity)
    return files


def load_policy(policy_dir: Path | None = None, entity_code: str | None = None) -> Policy:
    """The effective policy for ``entity_code``: defaults, company, entity file merged.

    Raises ``PolicyInvalid`` (an ``InvalidInput``) naming the file, line and
    key of the first problem, or ``InvalidInput`` for a file that is not YAML.
    """
    from billops.domain.rules import describe_rules  # registers every rule

    files = policy_files(policy_dir, entity_code)
    merged: dict[str, Any] = {}
    lines_by_file: list[tuple[str, dict[KeyPath, int]]] = []
    policy = Policy()
    for file in files:
        source = str(file)
        data = load_mapping(file)
        lines = key_lines(file)
        lines_by_file.append((source, lines))
        merged = deep_merge(merged, data)
        try:
            policy = Policy.from_mapping(merged, source)
        except PolicyInvalid as error:
            raise _with_lines(error, source, lines) from None
    unknown = policy.unknown_rule_ids(rule.rule_id for rule in describe_rules())
    if unknown:
        problem = unknown[0]
        path = _key_path(problem.key)
        for source, lines in reversed(lines_by_file):
            if path in lines:
                located = [_locate(p, lines) for p in unknown]
                raise PolicyInvalid(located, source)
        raise PolicyInvalid(unknown, lines_by_file[-1][0])
    return policy.model_copy(update={"sources": tuple(str(file) for file in files)})


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged into ``base``: mappings key by key, anything else replaced."""
    merged = dict(base)
    for key, value in override.items():
        below = merged.get(key)
        if isinstance(below, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(below, value)
        else:
            merged[key] = value
    return merged


def key_lines(path: str | os.PathLike[str]) -> dict[KeyPath, int]:
    """Line number (from 1) of every key and list item of a YAML file, by key path.

    ``("discount", "approval_threshold_percent")`` -> 27; list items by index.
    The file must already have been read successfully (``load_mapping``).
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    root = yaml.compose(text, Loader=ExactLoader)
    lines: dict[KeyPath, int] = {}
    if root is not None:
        _walk(root, (), lines)
    return lines


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*path, str(key_node.value))
            lines[key] = key_node.start_mark.line + 1
            _walk(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = (*path, index)
            lines[key] = item.start_mark.line + 1
            _walk(item, key, lines)


def _key_path(key: str) -> KeyPath:
    """``"tax.customer_tax_id_countries[3]"`` -> ``("tax", "customer_tax_id_countries", 3)``."""
    parts: list[str | int] = []
    for step in key.split("."):
        name, _, rest = step.partition("[")
        if name:
            parts.append(name)
        for index in rest.replace("]", "").split("[") if rest else ():
            parts.append(int(index))
    return tuple(parts)


def _locate(problem: PolicyProblem, lines: Mapping[KeyPath, int]) -> PolicyProblem:
    path = _key_path(problem.key)
    while path and path not in lines:
        path = path[:-1]  # a missing key: point at its section
    line = lines.get(path) if path else None
    return PolicyProblem(problem.key, problem.message, problem.value, line)


def _with_lines(error: PolicyInvalid, source: str, lines: Mapping[KeyPath, int]) -> PolicyInvalid:
    return PolicyInvalid([_locate(problem, lines) for problem in error.problems], source)
