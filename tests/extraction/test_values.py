"""The value parsers: numbers, money, percentages, dates and durations as contracts write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billops.domain.extraction.fields import read_net_days
from billops.domain.extraction.lines import infer_billing_model, map_header, read_amount
from billops.domain.extraction.parties import read_address
from billops.domain.extraction.services import read_tier
from billops.domain.extraction.values import (
    find_dates,
    find_durations,
    find_money,
    find_percents,
    numeric_date_order_evidence,
    parse_number,
    word_number,
)

# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"),
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("1’234.56", "1234.56"),
        ("12,000", "12000"),
        ("1,234", "1234"),  # a thousands separator in any document: nobody sells 1.234 seats
        ("1.234", "1234"),
        ("1.234.567", "1234567"),
        ("1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("80,00", "80.00"),
        ("80.00", "80.00"),
        ("0.125", "0.125"),
        ("0,002", "0.002"),
        ("1,5", "1.5"),
        ("12.5", "12.5"),
        ("(1,234.00)", "-1234.00"),
        ("(500)", "-500"),
        ("-42", "-42"),
        ("−42", "-42"),
        ("1234567", "1234567"),
    ],
)
def test_numbers_in_us_and_european_forms(text: str, expected: str) -> None:
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", "abc", "1,2,3", "12,34.56", "1.23.4", "1,234.5.6", ".5", "5."]
)
def test_what_is_not_a_number(text: str) -> None:
    assert parse_number(text) is None


def test_number_keeps_its_exact_digits() -> None:
    assert str(parse_number("96,00")) == "96.00"
    assert str(parse_number("1.250")) == "1250"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thirty", 30),
        ("forty-five", 45),
        ("sixty", 60),
        ("twelve", 12),
        ("ninety", 90),
        ("one hundred twenty", 120),
        ("fourteen", 14),
        ("seven", 7),
        ("blue", None),
    ],
)
def test_numbers_written_in_words(text: str, expected: int | None) -> None:
    assert word_number(text) == expected


# -------------------------------------------------------------------- money


def test_money_with_codes_and_symbols_before_or_after() -> None:
    found = find_money("USD 80.00; 1.234,56 €; £2,000; CHF 1'234.50; 500 kr; ¥10,000; 3 000,00 EUR")
    assert [(str(m.amount), m.currency) for m in found] == [
        ("80.00", "USD"),
        ("1234.56", "EUR"),
        ("2000", "GBP"),
        ("1234.50", "CHF"),
        ("500", "kr"),
        ("10000", "JPY"),
        ("3000.00", "EUR"),
    ]


def test_dollar_prefixes_name_their_dollar_and_a_bare_dollar_stays_open() -> None:
    found = find_money("C$1,000 and A$2,000 and US$3,000 and $4,000")
    assert [m.currency for m in found] == ["CAD", "AUD", "USD", "$"]


def test_money_spans_point_at_the_text() -> None:
    text = "Total: USD 12,000.00 due"
    [money] = find_money(text)
    assert text[money.start : money.end] == "USD 12,000.00"
    assert text[money.number_start : money.number_end] == "12,000.00"


def test_an_amount_next_to_letters_is_not_money() -> None:
    assert find_money("$5k budget") == []
    assert find_money("ISBN12345") == []


def test_read_amount_from_a_cell() -> None:
    assert read_amount("USD 1,200.00") == (Decimal("1200.00"), (4, 12))
    assert read_amount(" 960 ") == (Decimal("960"), (1, 4))
    assert read_amount("n/a") is None


# ---------------------------------------------------------------- percents


def test_percentages() -> None:
    found = find_percents("discount 12.5 %, uplift 7,5%, five percent (5%), 10 percent, 3 Prozent")
    assert [str(p.value) for p in found] == ["12.5", "7.5", "5", "10", "3"]


# -------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "March 1, 2026",
        "March 1 2026",
        "Mar 1, 2026",
        "Mar. 1, 2026",
        "1 March 2026",
        "1st March 2026",
        "1st of March, 2026",
        "01.03.2026",
        "1.3.2026",
        "1-Mar-2026",
        "01-Mar-26",
        "1. März 2026",
        "1 mars 2026",
        "2026/03/01",
        "1 Mär 2026",
    ],
)
def test_unambiguous_date_forms(text: str) -> None:
    [found] = find_dates(f"signed {text} here")
    assert found.value == date(2026, 3, 1)
    assert not found.ambiguous


def test_ambiguous_numeric_date_follows_the_document_order() -> None:
    assert find_dates("03/04/2026", "mdy")[0].value == date(2026, 3, 4)
    assert find_dates("03/04/2026", "dmy")[0].value == date(2026, 4, 3)
    assert find_dates("03-04-2026", "dmy")[0].value == date(2026, 4, 3)


def test_ambiguous_numeric_date_without_an_order_is_flagged() -> None:
    [found] = find_dates("03/04/2026")
    assert found.ambiguous and found.numeric
    assert found.value == date(2026, 3, 4)


def test_a_numeric_date_that_cannot_swap_is_not_ambiguous() -> None:
    assert find_dates("25/03/2026", "mdy")[0].value == date(2026, 3, 25)
    assert find_dates("03/25/2026", "dmy")[0].value == date(2026, 3, 25)
    [same] = find_dates("04/04/2026")
    assert same.value == date(2026, 4, 4) and not same.ambiguous


def test_two_digit_years_and_impossible_dates() -> None:
    assert find_dates("1/2/26", "dmy")[0].value == date(2026, 2, 1)
    assert find_dates("31/02/2026", "dmy") == []
    assert find_dates("February 30, 2026") == []


def test_date_spans_quote_the_date() -> None:
    text = "effective 1st March 2026, ends 2027-02-28"
    spans = [text[d.start : d.end] for d in find_dates(text)]
    assert spans == ["1st March 2026", "2027-02-28"]


def test_the_document_proves_its_own_order() -> None:
    assert numeric_date_order_evidence("from 03/04/2026 to 25/03/2027") == "dmy"
    assert numeric_date_order_evidence("from 03/04/2026 to 12/31/2026") == "mdy"
    assert numeric_date_order_evidence("03/04/2026 and 05/06/2026") is None
    assert numeric_date_order_evidence("25/03/2026 and 12/31/2026") is None  # contradicts itself


# ---------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("twelve (12) months", 12),
        ("36 months", 36),
        ("36-month", 36),
        ("3 years", 36),
        ("one (1) year", 12),
        ("a one-year term", 12),
        ("24 Monate", 24),
        ("2 Jahre", 24),
        ("18 mos.", 18),
    ],
)
def test_durations_in_months(text: str, months: int) -> None:
    assert find_durations(text)[0].months == months


# ------------------------------------------------------------ payment terms


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Net 30", 30),
        ("net 45 days", 45),
        ("Net-60", 60),
        ("30 days from invoice date", 30),
        ("within thirty (30) days of receipt of invoice", 30),
        ("payable within 14 days of the date of the invoice", 14),
        ("Due on receipt", 0),
        ("due upon receipt", 0),
        ("30 Tage netto", 30),
        ("zahlbar innerhalb von 14 Tagen", 14),
        ("sofort fällig", 0),
    ],
)
def test_payment_terms(text: str, days: int) -> None:
    read = read_net_days(text)
    assert read is not None and read[0] == days


def test_no_payment_terms_in_other_text() -> None:
    assert read_net_days("The term is 30 months") is None


# ---------------------------------------------------------------- addresses


def test_us_address() -> None:
    address = read_address("100 Main Street, Springfield, OR 97403")
    assert address is not None
    assert (
        address.country[0],
        address.city and address.city[0],
        address.postal_code and address.postal_code[0],
    ) == ("US", "Springfield", "97403")


@pytest.mark.parametrize(
    ("text", "country", "postal"),
    [
        ("10 Fleet Street, London EC4Y 1AA, United Kingdom", "GB", "EC4Y 1AA"),
        ("200 King St W, Toronto, ON M5V 3T4", "CA", "M5V 3T4"),
        ("1 George Street, Sydney NSW 2000", "AU", "2000"),
        ("Herengracht 100, 1015 BS Amsterdam, Netherlands", "NL", None),
        ("Rue de Rivoli 1, 75001 Paris, France", "FR", "75001"),
        ("Industrieweg 12, D-70173 Stuttgart", "DE", "70173"),
    ],
)
def test_addresses_from_other_countries(text: str, country: str, postal: str | None) -> None:
    address = read_address(text)
    assert address is not None
    assert address.country[0] == country
    if postal is not None:
        assert address.postal_code is not None and address.postal_code[0] == postal


def test_an_address_without_a_country_is_not_guessed() -> None:
    assert read_address("Hauptstraße 5, 10115 Berlin") is None


# ------------------------------------------------------------- line helpers


def test_header_synonyms() -> None:
    assert map_header(["Item", "Seats", "UoM", "List Price", "Disc.", "Net Price", "Extended"]) == {
        0: "description",
        1: "quantity",
        2: "unit",
        3: "list_price",
        4: "discount",
        5: "unit_price",
        6: "amount",
    }
    mapped = map_header(["Part No", "Service", "Users", "Rate", "Net Amount", "Year 1", "Year 2"])
    assert mapped == {
        0: "sku",
        1: "description",
        2: "quantity",
        3: "unit_price",
        4: "amount",
        5: "year1",
        6: "year2",
    }
    assert map_header(["Artikelnr", "Beschreibung", "Menge", "Einzelpreis", "Gesamtpreis"]) == {
        0: "sku",
        1: "description",
        2: "quantity",
        3: "unit_price",
        4: "amount",
    }


@pytest.mark.parametrize(
    ("words", "unit", "model"),
    [
        ("Enterprise Edition subscription", None, "subscription"),
        ("Platform", "user/month", "subscription"),
        ("One-time setup fee", None, "one_time"),
        ("Customer onboarding", None, "one_time"),
        ("Edge appliance X200 (shipped)", None, "hardware"),
        ("Annual maintenance", None, "maintenance"),
        ("Premium support at 20% of licence fees", None, "maintenance"),
        ("API calls, per 1,000", None, "usage"),
        ("Overage", None, "usage"),
        ("Implementation - fixed fee", None, "fixed_fee"),
        ("Milestone payments", None, "milestone"),
        ("Senior consultant, hourly", None, "time_and_materials"),
        ("Travel and expenses", None, "expenses"),
    ],
)
def test_billing_model_inference(words: str, unit: str | None, model: str) -> None:
    assert infer_billing_model(words, unit)[0] == model


def test_billing_model_says_why() -> None:
    model, reason = infer_billing_model("Mystery item", None, "subscription")
    assert model == "subscription" and "default" in reason


def test_usage_tier_lines() -> None:
    assert read_tier("0 – 1,000,000 API calls: USD 0.002 per call") == (
        Decimal("1000000"),
        Decimal("0.002"),
        (29, 34),
    )
    open_tier = read_tier("Above 5,000,000 calls: USD 0.001")
    assert open_tier is not None and open_tier[0] is None and open_tier[1] == Decimal("0.001")
