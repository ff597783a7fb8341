"""Reading JSON and YAML files: exact numbers, real dates, and errors that point."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from billops.adapters import files
from billops.adapters.files import load_contract, load_document, load_mapping
from billops.domain.contract import ContractInvalid
from billops.errors import InvalidInput

FIXTURES = Path(__file__).parent.parent / "fixtures" / "contracts"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        load_contract(path)
    return caught.value


# --- the fixtures ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["order_form_globex.yaml", "sow_initech.json"])
def test_the_fixtures_load_as_contract_terms(name: str) -> None:
    terms = load_contract(FIXTURES / name)

    assert terms.contract_id in {"OF-2025-0142", "SOW-2025-007"}
    assert all(isinstance(line.amount, Decimal | None) for line in terms.lines)


# --- numbers, dates and booleans as written --------------------------------------


def test_yaml_fractions_are_decimals_from_the_text(tmp_path: Path) -> None:
    path = write(tmp_path, "n.yaml", "price: 12.10\nrate: 0.0015\nbig: 1e3\nneg: -0.25\n")

    data = load_document(path)

    assert data == {
        "price": Decimal("12.10"),
        "rate": Decimal("0.0015"),
        "big": Decimal("1000"),
        "neg": Decimal("-0.25"),
    }
    assert str(data["price"]) == "12.10"


def test_json_fractions_are_decimals_from_the_text(tmp_path: Path) -> None:
    path = write(tmp_path, "n.json", '{"price": 12.10, "count": 3, "text": "7.5"}')

    data = load_mapping(path)

    assert data == {"price": Decimal("12.10"), "count": 3, "text": "7.5"}
    assert isinstance(data["count"], int)


def test_yaml_dates_are_dates(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", "start_date: 2025-01-31\n")

    assert load_mapping(path) == {"start_date": date(2025, 1, 31)}


def test_yaml_reads_scalars_by_yaml_1_2_rules(tmp_path: Path) -> None:
    text = "country: NO\nflag: yes\nauto_renew: true\ncount: 010\nduration: 1:30\n"
    path = write(tmp_path, "s.yaml", text)

    assert load_mapping(path) == {
        "country": "NO",  # Norway, not False
        "flag": "yes",
        "auto_renew": True,
        "count": 10,  # not octal 8
        "duration": "1:30",  # not sexagesimal 90
    }


def test_yaml_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    text = "base: &b {city: Berlin, country: DE}\nbilling:\n  <<: *b\n  city: Hamburg\n"

    data = load_mapping(write(tmp_path, "m.yaml", text))

    assert data["billing"] == {"city": "Hamburg", "country": "DE"}


def test_a_list_at_the_top_is_a_document_but_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "customers.yaml", "- code: globex\n- code: initech\n")

    assert load_document(path) == [{"code": "globex"}, {"code": "initech"}]
    with pytest.raises(InvalidInput, match="the top level must be a mapping") as caught:
        load_mapping(path)
    assert caught.value.source == str(path)


# --- malformed files name the file, line and column -------------------------------


def test_malformed_json_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "contract.json", '{\n  "contract_id": "OF-1",\n  "currency": USD\n}\n')

    error = refusal(path)

    assert str(error) == (f"{path}: malformed JSON at line 3, column 15: Expecting value")


def test_malformed_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "contract.yaml", "contract_id: OF-1\ncurrency: [USD\nlines: []\n")

    error = refusal(path)

    assert str(error).startswith(f"{path}: malformed YAML at line 3, column 6: ")
    assert error.source == str(path)


def test_a_key_given_twice_in_yaml_is_refused_where_it_repeats(tmp_path: Path) -> None:
    path = write(tmp_path, "contract.yaml", "currency: USD\ncontract_id: OF-1\ncurrency: EUR\n")

    error = refusal(path)

    assert str(error) == (
        f"{path}: malformed YAML at line 3, column 1: "
        "while reading a mapping, found the key 'currency' twice"
    )


def test_a_key_given_twice_in_json_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "contract.json", '{"currency": "USD", "currency": "EUR"}')

    error = refusal(path)

    assert (
        str(error)
        == f"{path}: malformed JSON: a key appears twice in the same object (got 'currency')"
    )


def test_nan_in_json_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "contract.json", '{"amount": NaN}')

    assert "NaN is not a number JSON allows" in str(refusal(path))


def test_a_non_text_key_in_yaml_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "lines:\n  1: x\n")

    error = refusal(path)

    assert "line 2, column 3" in str(error)
    assert "not text" in str(error)


def test_yaml_alias_bombs_are_refused(tmp_path: Path) -> None:
    levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for previous, name in zip("abcdef", "bcdefg", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    path = write(tmp_path, "bomb.yaml", "\n".join(levels) + "\n")

    with pytest.raises(InvalidInput, match="expands to more than"):
        load_document(path)


# --- files that are not documents --------------------------------------------------


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"

    assert str(refusal(path)) == f"{path}: no such file"


def test_an_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "contract.txt", "currency: USD\n")

    assert str(refusal(path)) == (
        f"{path}: unknown kind of file (got '.txt'); use a .json, .yaml or .yml file"
    )


@pytest.mark.parametrize("text", ["", "  \n\n", "# only a comment\n"])
def test_an_empty_file_is_refused(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "contract.yaml", text)

    error = refusal(path)

    assert error.source == str(path)
    assert "empty" in str(error) or "no data" in str(error)


@pytest.mark.parametrize(("name", "text"), [("c.yaml", "42\n"), ("c.json", '"text"')])
def test_a_bare_value_at_the_top_is_refused(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)

    with pytest.raises(InvalidInput, match="the top level must be a mapping or a list"):
        load_document(path)


def test_a_contract_file_holding_a_list_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", "[1, 2]")

    assert str(refusal(path)) == (
        f"{path}: the top level must be a mapping of fields (key: value) (got 'a list')"
    )


def test_a_file_too_large_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    path = write(tmp_path, "c.yaml", "currency: USD\n")

    error = refusal(path)

    assert str(error).startswith(f"{path}: the file is too large (14 bytes; at most 10)")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes("currency: USD\nname: Zürich\n".encode("latin-1"))

    error = refusal(path)

    assert "is not UTF-8 text (invalid byte at line 2" in str(error)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(b'\xef\xbb\xbf{"name": "Z\xc3\xbcrich"}')

    assert load_mapping(path) == {"name": "Zürich"}


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "contracts.yaml"
    folder.mkdir()

    assert str(refusal(folder)) == f"{folder}: is not a file"


# --- contract errors carry the file name ---------------------------------------------


def test_a_contract_error_names_the_file_the_field_and_the_value(tmp_path: Path) -> None:
    text = (FIXTURES / "order_form_globex.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, "contract.yaml", text.replace("quantity: 100\n", "quantity: -5\n", 1))

    with pytest.raises(ContractInvalid) as caught:
        load_contract(path)

    assert str(caught.value) == (
        f"{path}: lines[0].quantity: must be greater than or equal to 0 (got '-5')"
    )
    assert caught.value.errors == [
        "lines[0].quantity: must be greater than or equal to 0 (got '-5')"
    ]


def test_a_yaml_float_in_a_contract_file_is_an_exact_decimal_not_a_refusal(tmp_path: Path) -> None:
    text = (FIXTURES / "order_form_globex.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, "c.yaml", text.replace("unit_price: 15000.00", "unit_price: 15000.10"))

    terms = load_contract(path)

    assert terms.lines[2].unit_price == Decimal("15000.10")
