"""Fictional but well-formed names, people and addresses for the demo company.

Every company name here is a made-up combination of ordinary words and a
legal form of the customer's country ("Quillmark Logistics GmbH"), every
e-mail domain ends in ``.example`` (reserved by RFC 2606, so no mail is
ever sent to a real company) and US phone numbers use 555-0100..0199, the
range reserved for fiction. Streets are invented; the cities and postal
codes are real, because tax and e-invoice rules look at them.

    >>> name = company_name(0, random.Random(1), "DE")
    >>> name, email_domain(name)
    ('Alder Analytics AG', 'alder-analytics.example')
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_NAME_HEADS: tuple[str, ...] = (
    "Alder", "Amberline", "Arclight", "Bluefin", "Bramble", "Brightwater", "Cedarpoint",
    "Cobalt", "Copperleaf", "Driftwood", "Elmstead", "Emberfield", "Fairhaven", "Fernhill",
    "Foxglove", "Granite Peak", "Greywater", "Halcyon", "Harborlight", "Hazelnut", "Ironbark",
    "Juniper", "Kestrel", "Lanternfish", "Larkspur", "Lindenhof", "Maplecrest", "Marigold",
    "Meridian Vale", "Millbrook", "Moonstone", "Northgate", "Oakhollow", "Osprey", "Pebblebrook",
    "Pinecrest", "Quillmark", "Redwing", "Ridgeway", "Riverbend", "Saltmarsh", "Silverbirch",
    "Skylark", "Starling", "Stonebridge", "Sunflower", "Tidewater", "Timberline", "Twin Oaks",
    "Umberfield", "Valewood", "Westbrook", "Whitethorn", "Willowmere", "Wrenfield", "Yarrow",
)  # fmt: skip

_NAME_TRADES: tuple[str, ...] = (
    "Analytics", "Biotech", "Builders", "Capital", "Clinics", "Components", "Consulting",
    "Dairy", "Energy", "Engineering", "Fashion", "Foods", "Freight", "Furniture", "Health",
    "Hotels", "Insurance", "Labs", "Learning", "Logistics", "Machines", "Media", "Medical",
    "Mobility", "Outdoor", "Packaging", "Pharma", "Printing", "Retail", "Robotics", "Shipping",
    "Software", "Solar", "Systems", "Textiles", "Tools", "Travel", "Utilities", "Water", "Wines",
)  # fmt: skip

LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "US": ("Inc.", "LLC", "Corp.", "Inc."),
    "CA": ("Ltd.", "Inc."),
    "DE": ("GmbH", "AG", "GmbH & Co. KG", "GmbH"),
    "AT": ("GmbH", "AG"),
    "FR": ("SAS", "SA", "SARL"),
    "NL": ("B.V.", "N.V."),
    "BE": ("BV", "NV", "SRL"),
    "IT": ("S.r.l.", "S.p.A."),
}

_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Avery", "Blake", "Casey", "Dana", "Elliot", "Frances", "Grace", "Harper", "Isaac",
           "Jordan", "Kendall", "Logan", "Morgan", "Nadia", "Owen", "Priya", "Quinn", "Riley",
           "Sam", "Taylor", "Uma", "Victor", "Wendy", "Xavier", "Yusuf", "Zoe"),
    "de": ("Anna", "Bernd", "Clara", "Dieter", "Eva", "Felix", "Greta", "Hanna", "Ingo", "Jonas",
           "Katrin", "Lukas", "Marie", "Niklas", "Olga", "Paul", "Sabine", "Tobias", "Ute", "Vera"),
    "fr": ("Amélie", "Bastien", "Camille", "Damien", "Élodie", "Florian", "Hélène", "Julien",
           "Laure", "Mathis", "Noémie", "Pauline", "Romain", "Sophie", "Théo", "Valérie"),
    "nl": ("Anouk", "Bram", "Daan", "Eva", "Fleur", "Joris", "Lotte", "Maarten", "Noor", "Pieter",
           "Roos", "Sanne", "Thijs", "Wouter"),
    "it": ("Alessia", "Bruno", "Chiara", "Davide", "Elena", "Federico", "Giulia", "Luca",
           "Marta", "Nicola", "Paola", "Riccardo", "Sara", "Tommaso"),
}  # fmt: skip

_LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Abbott", "Barnes", "Carver", "Delgado", "Ellison", "Fletcher", "Garrison", "Holloway",
           "Iverson", "Jennings", "Kowalski", "Lindqvist", "Mercer", "Nakamura", "Okafor",
           "Prescott", "Ramirez", "Sullivan", "Thornton", "Underwood", "Vasquez", "Whitaker"),
    "de": ("Albrecht", "Baumann", "Dietrich", "Engel", "Fischer", "Graf", "Hartmann", "Jung",
           "Keller", "Lorenz", "Möller", "Neumann", "Otto", "Pohl", "Richter", "Schuster",
           "Vogel", "Winkler", "Zimmermann"),
    "fr": ("Arnaud", "Bertrand", "Chevalier", "Dubois", "Fontaine", "Garnier", "Lambert",
           "Lefèvre", "Marchand", "Moreau", "Perrin", "Renard", "Rousseau", "Vidal"),
    "nl": ("Bakker", "de Boer", "Dekker", "van Dijk", "Jansen", "de Jong", "Kok", "Mulder",
           "Peters", "Smit", "Visser", "de Vries", "van der Meer"),
    "it": ("Barbieri", "Colombo", "Conti", "De Luca", "Esposito", "Ferrari", "Galli", "Greco",
           "Lombardi", "Marino", "Moretti", "Rinaldi", "Romano", "Villa"),
}  # fmt: skip

LANGUAGE_OF_COUNTRY: dict[str, str] = {
    "US": "en", "CA": "en", "DE": "de", "AT": "de", "FR": "fr", "BE": "nl", "NL": "nl", "IT": "it",
}  # fmt: skip

# (city, region, postal code): real places, so that tax and e-invoice rules have real inputs.
CITIES: dict[str, tuple[tuple[str, str | None, str], ...]] = {
    "US": (("Austin", "TX", "78701"), ("Denver", "CO", "80202"), ("Portland", "OR", "97204"),
           ("Columbus", "OH", "43215"), ("Raleigh", "NC", "27601"), ("Madison", "WI", "53703"),
           ("Boston", "MA", "02110"), ("Phoenix", "AZ", "85004"), ("Seattle", "WA", "98101"),
           ("Nashville", "TN", "37203"), ("Chicago", "IL", "60606"), ("Atlanta", "GA", "30303")),
    "CA": (("Toronto", "ON", "M5H 2N2"), ("Vancouver", "BC", "V6B 1A1"),
           ("Calgary", "AB", "T2P 1J9"), ("Ottawa", "ON", "K1P 5J2")),
    "DE": (("Berlin", None, "10115"), ("München", None, "80331"), ("Hamburg", None, "20095"),
           ("Köln", None, "50667"), ("Frankfurt am Main", None, "60311"),
           ("Stuttgart", None, "70173"), ("Leipzig", None, "04109"),
           ("Düsseldorf", None, "40213"), ("Nürnberg", None, "90402"), ("Bremen", None, "28195")),
    "AT": (("Wien", None, "1010"), ("Graz", None, "8010"), ("Linz", None, "4020"),
           ("Salzburg", None, "5020")),
    "FR": (("Paris", None, "75002"), ("Lyon", None, "69002"), ("Lille", None, "59000"),
           ("Toulouse", None, "31000"), ("Nantes", None, "44000"), ("Bordeaux", None, "33000")),
    "NL": (("Amsterdam", None, "1012 AB"), ("Rotterdam", None, "3011 AD"),
           ("Utrecht", None, "3511 AX"), ("Eindhoven", None, "5611 AZ")),
    "BE": (("Brussel", None, "1000"), ("Antwerpen", None, "2000"), ("Gent", None, "9000"),
           ("Leuven", None, "3000")),
    "IT": (("Milano", "MI", "20121"), ("Torino", "TO", "10121"), ("Bologna", "BO", "40121"),
           ("Roma", "RM", "00184")),
}  # fmt: skip

_STREETS: dict[str, tuple[str, ...]] = {
    "US": ("Harbor View Drive", "Cedar Ridge Road", "Maple Avenue", "Willow Creek Parkway",
           "Commerce Street", "Lakeshore Boulevard", "Foundry Lane", "Summit Way"),
    "CA": ("Birchmount Road", "Lakeshore Boulevard", "Granville Street", "Elgin Avenue"),
    "DE": ("Lindenstraße", "Am Hafenbecken", "Kastanienallee", "Mühlenweg", "Industriestraße",
           "Am Sonnenhang", "Gartenstraße", "Uferpromenade"),
    "AT": ("Lindengasse", "Mühlgasse", "Am Kai", "Schillerstraße"),
    "FR": ("rue des Tilleuls", "avenue des Acacias", "quai du Port", "boulevard des Lilas",
           "rue de la Fonderie"),
    "NL": ("Lindenlaan", "Havenkade", "Molenstraat", "Kastanjelaan", "Zuiderpark"),
    "BE": ("Lindenlaan", "Havenlaan", "Molenstraat", "Kastanjedreef"),
    "IT": ("Via dei Tigli", "Via del Porto", "Corso dei Mulini", "Viale delle Acacie"),
}  # fmt: skip

PHONE_PREFIX: dict[str, str] = {
    "US": "+1", "CA": "+1", "DE": "+49", "AT": "+43", "FR": "+33", "NL": "+31", "BE": "+32",
    "IT": "+39",
}  # fmt: skip

CONSULTANTS: dict[str, tuple[str, ...]] = {
    "US": ("Avery Holloway", "Jordan Okafor", "Priya Nakamura", "Sam Whitaker", "Riley Mercer",
           "Grace Fletcher", "Owen Delgado", "Nadia Prescott"),
    "DE": ("Katrin Albrecht", "Jonas Keller", "Marie Lorenz", "Tobias Richter", "Hanna Vogel",
           "Felix Winkler", "Sabine Hartmann", "Lukas Engel"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    phone: str


# A step coprime with len(_NAME_HEADS) x len(_NAME_TRADES) visits every
# (head, trade) pair once before any repeats, so the first few thousand
# customers never share a trading name.
_NAME_STEP = 1009


def company_name(index: int, rng: random.Random, country: str) -> str:
    """The invented name of customer ``index``, with a legal form customary in ``country``."""
    pair = (index * _NAME_STEP) % (len(_NAME_HEADS) * len(_NAME_TRADES))
    head, trade = _NAME_HEADS[pair // len(_NAME_TRADES)], _NAME_TRADES[pair % len(_NAME_TRADES)]
    return f"{head} {trade} {rng.choice(LEGAL_FORMS[country])}"


def email_domain(company: str) -> str:
    """``Quillmark Logistics GmbH`` -> ``quillmark-logistics.example`` (legal form dropped)."""
    words = company.split()
    trading = [word for word in words if word not in _ALL_LEGAL_FORM_WORDS]
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(trading).lower()).strip("-")
    return f"{slug}.example"


_ALL_LEGAL_FORM_WORDS = frozenset(
    word for forms in LEGAL_FORMS.values() for form in forms for word in form.split()
)


def phone_number(rng: random.Random, country: str) -> str:
    if country in {"US", "CA"}:
        return f"+1 {rng.randint(201, 989)}-555-01{rng.randint(0, 99):02d}"
    area = rng.randint(20, 89)
    return f"{PHONE_PREFIX[country]} {area} {rng.randint(1000000, 9999999)}"


def person(rng: random.Random, country: str, domain: str, *, role_mailbox: bool = False) -> Person:
    """A contact at a customer; accounts-payable contacts often use a shared mailbox."""
    language = LANGUAGE_OF_COUNTRY[country]
    first = rng.choice(_FIRST_NAMES[language])
    last = rng.choice(_LAST_NAMES[language])
    phone = phone_number(rng, country)
    if role_mailbox:
        return Person("Accounts Payable", f"accounts.payable@{domain}", phone)
    return Person(f"{first} {last}", f"{_ascii_mailbox(f'{first}.{last}')}@{domain}", phone)


_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e",
                        "É": "E", "ë": "e", "à": "a", "ç": "c"})  # fmt: skip


def _ascii_mailbox(local: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "", local.translate(_ASCII).lower().replace(" ", "."))


def street_address(rng: random.Random, country: str) -> tuple[str, str | None]:
    """The first and (sometimes) second address line in the country's usual order."""
    street = rng.choice(_STREETS[country])
    number = rng.randint(1, 240)
    if country in {"US", "CA"}:
        line2 = f"Suite {rng.randint(1, 30) * 100}" if rng.random() < 0.6 else None
        return f"{number * 10} {street}", line2
    if country in {"FR"}:
        return f"{number} {street}", None
    if country == "IT":
        return f"{street}, {number}", None
    line2 = f"{rng.randint(1, 6)}. OG" if country in {"DE", "AT"} and rng.random() < 0.3 else None
    return f"{street} {number}", line2
