"""Tax and party identifiers that pass their check digits.

A billing engine that applies EU reverse charge, prints a VAT id on an
invoice or addresses a Peppol e-invoice must be fed identifiers that are
well formed, or its validation has nothing true to compare against. The
demo company therefore makes its identifiers the way the issuing offices
do: a random body, then the check digit the national rule computes.

Each family below is one function that makes a number and one that checks
it, so a test can verify every generated id and a reader can check a
single number by hand:

    >>> de_vat_check_digit("13669597")          # ISO 7064 MOD 11,10
    '6'
    >>> is_valid_vat("DE136695976"), is_valid_vat("DE136695978")
    (True, False)
    >>> gs1_check_digit("400638133393")         # a GLN / EAN-13 body
    '1'

The rules implemented (all published by the issuing authority or standard):

=======  ===================  ==================================================
country  format               check
=======  ===================  ==================================================
DE       DE + 9 digits        ISO 7064 MOD 11,10 over the first 8 digits
AT       ATU + 8 digits       (6 - Luhn sum of digits 1..7) mod 10 (BMF rule)
BE       BE + 10 digits       last two = 97 - (first eight mod 97)
FR       FR + 2 + 9 digits    SIREN is Luhn; key = (12 + 3 x (SIREN mod 97)) mod 97
IT       IT + 11 digits       Luhn over all 11; digits 8..10 a province 001-100
NL       NL + 9 digits B nn   "elfproef": sum(d_i x (9..2)) mod 11 = d_9 (RSIN)
=======  ===================  ==================================================

Outside the EU: a US EIN ("12-3456789") has no check digit but only some
two-digit prefixes are ever issued by the IRS; a Canadian business number
(BN9) is Luhn-valid. Peppol participant ids are ``scheme:value`` with the
ICD scheme codes 0088 (GS1 GLN), 0009 (FR SIRET), 0208 (BE enterprise
number) and the VAT-based 99xx codes (9930 DE, 9914 AT, 9944 NL, 0211 IT).
"""

from __future__ import annotations

import random

# Prefixes the IRS assigns to Employer Identification Numbers (the "campus"
# codes); a number with another prefix (e.g. 07, 89, 96) is not a real EIN.
EIN_PREFIXES: tuple[str, ...] = (
    "10", "12", "20", "26", "27", "30", "33", "35", "36", "38", "41", "46",
    "47", "52", "54", "56", "61", "65", "71", "75", "81", "84", "86", "87", "91", "94", "95", "98",
)  # fmt: skip

# Italian province codes occupy digits 8..10 of a partita IVA.
IT_PROVINCE_CODES: tuple[str, ...] = ("015", "017", "037", "048", "058", "063", "001", "100")

EU_VAT_COUNTRIES: tuple[str, ...] = ("AT", "BE", "DE", "FR", "IT", "NL")


def _digits(text: str) -> list[int]:
    return [int(char) for char in text]


def luhn_sum(number: str) -> int:
    """The Luhn (ISO/IEC 7812) sum mod 10 of a number that includes its check digit.

    From the right, every second digit is doubled (and 9 subtracted when the
    double exceeds 9); a valid number sums to 0 mod 10.
    """
    total = 0
    for position, digit in enumerate(reversed(_digits(number))):
        doubled = digit * 2 if position % 2 == 1 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10


def luhn_check_digit(body: str) -> str:
    """The digit that, appended to ``body``, makes a Luhn-valid number."""
    return str((10 - luhn_sum(body + "0")) % 10)


def de_vat_check_digit(body: str) -> str:
    """ISO 7064 MOD 11,10 (hybrid system) check digit of the 8-digit body of a USt-IdNr.

    Start with product 10; for each digit, sum = (digit + product) mod 10
    (10 when 0), product = 2 x sum mod 11; the check digit makes
    (11 - product) mod 10.
    """
    product = 10
    for digit in _digits(body):
        total = (digit + product) % 10 or 10
        product = (2 * total) % 11
    return str((11 - product) % 10)


def at_vat_check_digit(body: str) -> str:
    """Check digit of an Austrian UID ``U`` + 7 digits (Austrian Ministry of Finance rule).

    Digits in odd positions count as they are, digits in even positions are
    doubled and their digit sums taken (Luhn weighting); the check digit is
    (96 - sum) mod 10, which is (6 - Luhn sum of the 7 digits) mod 10.
    """
    return str((6 - luhn_sum(body)) % 10)


def be_vat_check_digits(body: str) -> str:
    """The two check digits of a Belgian enterprise number: 97 - (first eight mod 97)."""
    return f"{97 - int(body) % 97:02d}"


def fr_vat_key(siren: str) -> str:
    """The two-digit key of a French TVA number: (12 + 3 x (SIREN mod 97)) mod 97."""
    return f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"


def nl_rsin_check_digit(body: str) -> str | None:
    """The 9th digit of a Dutch RSIN by the elfproef (weights 9..2, mod 11); None if it is 10."""
    remainder = (
        sum(weight * digit for weight, digit in zip(range(9, 1, -1), _digits(body), strict=True))
        % 11
    )
    return None if remainder == 10 else str(remainder)


def gs1_check_digit(body: str) -> str:
    """GS1 mod-10 check digit (GLN, GTIN): weights 3, 1, 3, ... from the right."""
    total = sum(
        digit * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(_digits(body)))
    )
    return str((10 - total % 10) % 10)


def _random_digits(rng: random.Random, count: int, *, first_nonzero: bool = False) -> str:
    first = str(rng.randint(1, 9)) if first_nonzero else str(rng.randint(0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def make_de_vat(rng: random.Random) -> str:
    body = _random_digits(rng, 8, first_nonzero=True)
    return f"DE{body}{de_vat_check_digit(body)}"


def make_at_vat(rng: random.Random) -> str:
    body = _random_digits(rng, 7)
    return f"ATU{body}{at_vat_check_digit(body)}"


def make_be_vat(rng: random.Random) -> str:
    body = "0" + _random_digits(rng, 7, first_nonzero=True)
    return f"BE{body}{be_vat_check_digits(body)}"


def make_siren(rng: random.Random) -> str:
    body = _random_digits(rng, 8, first_nonzero=True)
    return body + luhn_check_digit(body)


def make_fr_vat(rng: random.Random, siren: str | None = None) -> str:
    siren = siren or make_siren(rng)
    return f"FR{fr_vat_key(siren)}{siren}"


def make_it_vat(rng: random.Random) -> str:
    body = _random_digits(rng, 7, first_nonzero=True) + rng.choice(IT_PROVINCE_CODES)
    return f"IT{body}{luhn_check_digit(body)}"


def make_nl_vat(rng: random.Random) -> str:
    while True:
        body = _random_digits(rng, 8, first_nonzero=True)
        check = nl_rsin_check_digit(body)
        if check is not None:
            return f"NL{body}{check}B01"


_MAKERS = {
    "AT": make_at_vat,
    "BE": make_be_vat,
    "DE": make_de_vat,
    "FR": make_fr_vat,
    "IT": make_it_vat,
    "NL": make_nl_vat,
}


def make_vat(country: str, rng: random.Random) -> str:
    """A well-formed VAT id of an EU member state in ``EU_VAT_COUNTRIES``."""
    return _MAKERS[country](rng)


def corrupt_check_digit(vat: str) -> str:
    """The same VAT id with its check digit changed: the typo validation must catch."""
    # Dutch ids end in "B01": their check digit is the ninth digit, before the B.
    position = len(vat) - 4 if vat.startswith("NL") else len(vat) - 1
    wrong = str((int(vat[position]) + 1) % 10)
    return vat[:position] + wrong + vat[position + 1 :]


def is_valid_vat(vat: str) -> bool:
    """Whether ``vat`` (country prefix, no spaces) passes its country's format and check digits."""
    country, number = vat[:2], vat[2:]
    checks = {
        "AT": _valid_at,
        "BE": _valid_be,
        "DE": _valid_de,
        "FR": _valid_fr,
        "IT": _valid_it,
        "NL": _valid_nl,
    }
    check = checks.get(country)
    return check is not None and check(number)


def _valid_de(number: str) -> bool:
    return (
        len(number) == 9
        and number.isdigit()
        and number[0] != "0"
        and (de_vat_check_digit(number[:8]) == number[8])
    )


def _valid_at(number: str) -> bool:
    body = number[1:]
    return (
        number[:1] == "U"
        and len(body) == 8
        and body.isdigit()
        and (at_vat_check_digit(body[:7]) == body[7])
    )


def _valid_be(number: str) -> bool:
    return (
        len(number) == 10
        and number.isdigit()
        and number[0] in "01"
        and (be_vat_check_digits(number[:8]) == number[8:])
    )


def _valid_fr(number: str) -> bool:
    key, siren = number[:2], number[2:]
    return (
        len(number) == 11
        and number.isdigit()
        and luhn_sum(siren) == 0
        and (fr_vat_key(siren) == key)
    )


def _valid_it(number: str) -> bool:
    return (
        len(number) == 11
        and number.isdigit()
        and luhn_sum(number) == 0
        and ("001" <= number[7:10] <= "100" or number[7:10] in {"120", "121", "888", "999"})
    )


def _valid_nl(number: str) -> bool:
    return (
        len(number) == 12
        and number[:9].isdigit()
        and number[9] == "B"
        and (number[10:].isdigit() and nl_rsin_check_digit(number[:8]) == number[8])
    )


def make_ein(rng: random.Random) -> str:
    """A US Employer Identification Number with an IRS-issued prefix, as ``NN-NNNNNNN``."""
    return f"{rng.choice(EIN_PREFIXES)}-{_random_digits(rng, 7)}"


def make_ca_business_number(rng: random.Random) -> str:
    """A Canadian GST/HST account: Luhn-valid BN9 + program ``RT`` + reference ``0001``."""
    body = _random_digits(rng, 8, first_nonzero=True)
    return f"{body}{luhn_check_digit(body)}RT0001"


def make_gln(rng: random.Random) -> str:
    """A 13-digit GS1 Global Location Number with its check digit."""
    body = _random_digits(rng, 12, first_nonzero=True)
    return body + gs1_check_digit(body)


def make_siret(siren: str, rng: random.Random) -> str:
    """A French SIRET: SIREN + 4-digit establishment number + a Luhn check digit over all 14."""
    body = siren + _random_digits(rng, 4)
    return body + luhn_check_digit(body)


def peppol_endpoint(country: str, vat: str | None, rng: random.Random) -> str:
    """A Peppol participant id ``ICD:value`` in the scheme customary for the country."""
    if country == "BE" and vat:
        return f"0208:{vat[2:]}"
    if country == "FR" and vat:
        return f"0009:{make_siret(vat[4:], rng)}"
    vat_schemes = {"DE": "9930", "AT": "9914", "NL": "9944", "IT": "0211"}
    if country in vat_schemes and vat:
        return f"{vat_schemes[country]}:{vat}"
    return f"0088:{make_gln(rng)}"
