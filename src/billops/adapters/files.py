"""Reading JSON and YAML files into plain data, exactly, with errors that point.

Contract terms, customer lists and settings arrive as files written by people
and by extractors. This module turns a file into plain Python data (dicts,
lists, strings, ints, ``Decimal``, ``datetime.date``) and nothing else:

- every number with a fraction becomes a ``Decimal`` built from the text in
  the file, so ``12.10`` is ``Decimal('12.10')``, never the float
  ``12.0999...``;
- YAML is read with YAML 1.2 core rules for scalars: only ``true`` and
  ``false`` are booleans (so the country code ``NO`` stays the text ``"NO"``
  and ``yes`` stays ``"yes"``), ``010`` is ten (not octal eight) and
  ``1:30`` is text (not ninety); ``2025-01-31`` is a ``datetime.date``;
- a key given twice in one mapping is an error (which one would win is not
  something a contract should depend on), and so are keys that are not text;
- a malformed file is an ``InvalidInput`` naming the file, line and column.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "terms.yaml").write_text("unit_price: 12.10\\nstart: 2025-01-31\\n")
    >>> load_document(folder / "terms.yaml")
    {'unit_price': Decimal('12.10'), 'start': datetime.date(2025, 1, 31)}
    >>> _ = (folder / "broken.json").write_text('{"currency": "USD",,}')
    >>> load_document(folder / "broken.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    billops.errors.InvalidInput: .../broken.json: malformed JSON at line 1, column 20: ...

``load_contract`` reads a file and validates it as contract terms.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import yaml

from billops.domain.contract import ContractTerms, parse_contract
from billops.errors import InvalidInput

__all__ = ["MAX_FILE_BYTES", "SUFFIXES", "load_contract", "load_document", "load_mapping"]

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
"""Largest file read: a contract or customer list is kilobytes, not megabytes."""

MAX_NODES: Final = 1_000_000
"""Most values a YAML file may expand to through aliases (a 'billion laughs' guard)."""

SUFFIXES: Final = (".json", ".yaml", ".yml")


def load_document(path: str | os.PathLike[str]) -> Any:
    """The data in a .json, .yaml or .yml file: a ``dict`` or a ``list`` at the top.

    (Typed ``Any`` so that callers can index what they know the file holds;
    ``load_mapping`` is the typed variant for files that must be a mapping.)

    Raises ``InvalidInput`` naming the file when it is missing, unreadable,
    too large, empty, not UTF-8, malformed (with line and column), or holds a
    bare value (a number, a text) instead of a mapping or list.
    """
    file = Path(path)
    source = str(path)
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(
            "unknown kind of file",
            source=source,
            value=file.suffix or None,
            hint="use a .json, .yaml or .yml file",
        )
    text = _read_text(file, source)
    if not text.strip():
        raise InvalidInput("the file is empty", source=source)
    data = _parse_json(text, source) if suffix == ".json" else _parse_yaml(text, source)
    if data is None:
        raise InvalidInput("the file holds no data (only comments?)", source=source)
    if not isinstance(data, dict | list):
        raise InvalidInput(
            "the top level must be a mapping or a list",
            source=source,
            value=_describe_type(data),
        )
    return data


def load_mapping(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Like ``load_document``, for files whose top level must be a mapping of fields."""
    data = load_document(path)
    if not isinstance(data, dict):
        raise InvalidInput(
            "the top level must be a mapping of fields (key: value)",
            source=str(path),
            value=_describe_type(data),
        )
    return data


def load_contract(path: str | os.PathLike[str]) -> ContractTerms:
    """Read a contract terms file and validate it; errors name the file, field and value."""
    return parse_contract(load_mapping(path), source=str(path))


def _describe_type(data: object) -> str:
    if isinstance(data, list):
        return "a list"
    if isinstance(data, bool):
        return "true" if data else "false"
    return str(data) if isinstance(data, int | Decimal | str) else type(data).__name__


def _read_text(file: Path, source: str) -> str:
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise InvalidInput("is not a file", source=source)
        if size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"the file is too large ({size:,} bytes; at most {MAX_FILE_BYTES:,})",
                source=source,
            )
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InvalidInput("no such file", source=source) from None
    except PermissionError:
        raise InvalidInput("permission denied: cannot read the file", source=source) from None
    except OSError as error:
        raise InvalidInput(f"cannot read the file: {error.strerror}", source=source) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InvalidInput(
            f"is not UTF-8 text (invalid byte at line {line}, byte offset {error.start})",
            source=source,
            hint="save the file as UTF-8",
        ) from None


# --------------------------------------------------------------------------
# JSON


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKeyError(key)
        mapping[key] = value
    return mapping


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            source=source,
        ) from None
    except _DuplicateKeyError as error:
        raise InvalidInput(
            "malformed JSON: a key appears twice in the same object",
            source=source,
            value=error.key,
        ) from None
    except ValueError as error:
        raise InvalidInput(f"malformed JSON: {error}", source=source) from None
    except RecursionError:
        raise InvalidInput("malformed JSON: nested too deeply", source=source) from None


# --------------------------------------------------------------------------
# YAML

_BOOL_TAG: Final = "tag:yaml.org,2002:bool"
_INT_TAG: Final = "tag:yaml.org,2002:int"
_FLOAT_TAG: Final = "tag:yaml.org,2002:float"
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"


# libyaml's parser (CSafeLoader) reads ten times faster than the pure-Python
# one; the scalar resolution and construction below are Python either way,
# so both give the same values. PyYAML's wheels ship libyaml.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ExactLoader(_BaseLoader):  # type: ignore[misc]
    """A SafeLoader with YAML 1.2 core scalars, Decimal fractions and strict mappings."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found a key that is not text ({key!r}); put it in quotes",
                    key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key {key!r} twice",
                    key_node.start_mark,
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).lower()
    if text.lstrip("+-") == ".inf":
        return Decimal("-Infinity") if text.startswith("-") else Decimal("Infinity")
    if text == ".nan":
        return Decimal("NaN")
    return Decimal(text)


# The resolvers of SafeLoader minus its YAML 1.1 booleans, ints and floats,
# replaced by the YAML 1.2 core schema's, in the same (first-match) order.
ExactLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag not in {_BOOL_TAG, _INT_TAG, _FLOAT_TAG}
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ExactLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
ExactLoader.add_implicit_resolver(
    _INT_TAG, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
ExactLoader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
ExactLoader.add_constructor(_INT_TAG, _construct_int)
ExactLoader.add_constructor(_FLOAT_TAG, _construct_decimal)


def _parse_yaml(text: str, source: str) -> Any:
    try:
        data = yaml.load(text, Loader=ExactLoader)
        size = _expanded_size(data, {})
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = ", ".join(part for part in (error.context, error.problem) if part)
        raise InvalidInput(
            f"malformed YAML{where}: {problem or 'cannot be read'}", source=source
        ) from None
    except yaml.YAMLError as error:
        raise InvalidInput(f"malformed YAML: {error}", source=source) from None
    except RecursionError:
        raise InvalidInput("malformed YAML: nested too deeply", source=source) from None
    if size > MAX_NODES:
        raise InvalidInput(
            f"the YAML expands to more than {MAX_NODES:,} values through aliases",
            source=source,
        )
    return data


def _expanded_size(data: Any, memo: dict[int, int]) -> int:
    """How many values ``data`` holds once every alias is expanded (shared parts counted)."""
    if not isinstance(data, dict | list):
        return 1
    known = memo.get(id(data))
    if known is not None:
        return known
    memo[id(data)] = 1  # a self-referencing alias counts once instead of looping
    children = data.values() if isinstance(data, dict) else data
    size = 1 + sum(_expanded_size(child, memo) for child in children)
    memo[id(data)] = size
    return size
