"""Calendar: billing periods, month-end rules, proration and fiscal years.

Billing runs on dates, never on clock times: a subscription covers "1 Jan -
31 Jan", an invoice is dated 2026-02-01. This module gives those dates their
billing meaning. Everything here is a ``datetime.date``; a ``datetime`` is
refused with ``TypeError`` (it is a programming error, and a time of day
would make "which day is this?" depend on a time zone).

**A period includes both of its ends.** ``Period(start, end)`` is the closed
range of days from ``start`` to ``end``, exactly as a billing team writes
"1 Jan - 31 Jan" on an invoice line, so ``end`` is the last day of service,
not the day after it:

    >>> january = Period(date(2026, 1, 1), date(2026, 1, 31))
    >>> january.days, january.contains(date(2026, 1, 31))
    (31, True)
    >>> str(january)
    '2026-01-01..2026-01-31'

**Months end on different days.** Adding months keeps the day of the month
when it exists and otherwise lands on the month's last day:

    >>> add_months(date(2026, 1, 31), 1), add_months(date(2028, 1, 31), 1)
    (datetime.date(2026, 2, 28), datetime.date(2028, 2, 29))

So an anniversary is always counted from its anchor (anchor + k months),
never by stepping from the previous boundary: stepping would turn the 31st
into the 28th for good after February.

    >>> [str(nth_anniversary(date(2026, 1, 31), k, Frequency.MONTHLY)) for k in range(3)]
    ['2026-01-31', '2026-02-28', '2026-03-31']

**Billing periods.** ``periods_between`` cuts a service range into the
periods of a frequency. With *calendar* alignment the boundaries are the
starts of calendar months, quarters, halves or years; with *anniversary*
alignment they are the anchor (by default the start date) plus whole
multiples of the frequency. A first or last period that the range covers
only in part is cut to the range and keeps the full period it belongs to:

    >>> for billing_period in periods_between(
    ...     date(2026, 1, 15), date(2026, 3, 31), Frequency.MONTHLY, Alignment.CALENDAR
    ... ):
    ...     print(billing_period)
    2026-01-15..2026-01-31 of 2026-01-01..2026-01-31
    2026-02-01..2026-02-28
    2026-03-01..2026-03-31

**Proration** charges a part of a period in proportion to the days used.
By default that is actual days over the actual days of the full period, as
an exact fraction; money rounds once, at the end (multiply by the
numerator, divide by the denominator, round to the currency):

    >>> first = periods_between(
    ...     date(2026, 1, 15), date(2026, 3, 31), Frequency.MONTHLY, Alignment.CALENDAR
    ... )[0]
    >>> share = prorate_fraction(first.period, first.full_period)
    >>> share
    Fraction(17, 31)
    >>> from decimal import Decimal
    >>> Decimal("310.00") * share.numerator / share.denominator
    Decimal('170.00')

**Fiscal years** are named after the calendar year in which they *end*: a
company whose year starts in April lives in FY2027 from 2026-04-01 to
2027-03-31.

    >>> fiscal = FiscalCalendar(start_month=4)
    >>> fiscal.fiscal_year_of(date(2026, 11, 23)), fiscal.quarter_of(date(2026, 11, 23))
    (2027, 3)
    >>> str(fiscal.fiscal_year_period(2027))
    '2026-04-01..2027-03-31'

Decisions worth knowing:

- Inclusive ends everywhere, so ``days`` is ``(end - start).days + 1`` and
  consecutive periods touch: the next one starts the day after the previous
  one ends. Day-count conventions measure from one date to *another*, so
  they are fed the day after ``end`` (the ISDA wording: "the day
  immediately following the last day included in the period").
- Proration returns ``fractions.Fraction``, not ``Decimal``: 17/31 has no
  finite decimal expansion, and any fixed precision would make the slices
  of one period sum to 0.999...; a fraction keeps them summing to exactly 1
  and leaves the single rounding step to the money code.
- Calendar alignment counts quarters, halves and years from the fiscal-year
  start month (``fiscal_year_start_month``, January by default): with April,
  the quarters begin in April, July, October and January. Months are
  months whatever the fiscal year.
- ``anchor`` matters only to anniversary alignment, and the fiscal start
  month only to calendar alignment; each is ignored by the other, so a
  caller can pass a contract's terms through unchanged.
- A service range of ``MAX_RANGE_YEARS`` (100) years or more is refused as
  a typo (a year of 2206 for 2026), and so is any period that would reach
  outside the years 1..9999 that ``datetime.date`` can hold.
- Frequencies, alignments and day-count conventions are enums whose values
  are the names used in contract terms; functions also accept those names
  as plain strings and refuse unknown ones with ``InvalidPeriod``.
- The fiscal period of a date is its calendar month (12 periods a year);
  4-4-5 and 52/53-week calendars are not modelled.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from billops.errors import InvalidPeriod

__all__ = [
    "MAX_RANGE_YEARS",
    "Alignment",
    "BillingPeriod",
    "DayCount",
    "FiscalCalendar",
    "FiscalYearLabel",
    "Frequency",
    "Period",
    "add_months",
    "counted_days",
    "month_period",
    "nth_anniversary",
    "parse_alignment",
    "parse_day_count",
    "parse_fiscal_year_label",
    "parse_frequency",
    "parse_period",
    "periods_between",
    "prorate_fraction",
]

MAX_RANGE_YEARS = 100
"""The longest service range ``periods_between`` accepts, in years.

No contract runs for a century; a range that long is a mistyped year, and
refusing it early keeps a typo from producing thousands of periods.
"""

_ONE_DAY = timedelta(days=1)
_MONTH_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})")


# --- kinds ------------------------------------------------------------------


class Frequency(StrEnum):
    """How often a line bills; the value is the name used in contract terms."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMI_ANNUAL = "semi_annual"
    ANNUAL = "annual"

    @property
    def months(self) -> int:
        """The length of one period in months: 1, 3, 6 or 12."""
        return _FREQUENCY_MONTHS[self]


_FREQUENCY_MONTHS: dict[Frequency, int] = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.SEMI_ANNUAL: 6,
    Frequency.ANNUAL: 12,
}


class Alignment(StrEnum):
    """Where period boundaries fall.

    ``CALENDAR``: on the first day of calendar months (quarters, halves and
    years counted from the fiscal-year start month). ``ANNIVERSARY``: on the
    anchor date plus whole periods, e.g. every 15th for a contract signed on
    the 15th.
    """

    CALENDAR = "calendar"
    ANNIVERSARY = "anniversary"


class DayCount(StrEnum):
    """How days are counted when a part of a period is charged.

    ``ACTUAL_ACTUAL`` (the default): actual days used over actual days in
    the full period; 15 days of a 30-day month are 1/2, of a 31-day month
    15/31. This is Actual/Actual (ICMA) with one full period as the
    reference period.

    The 30/360 conventions pretend every month has 30 days, so each full
    month weighs the same. Both count a range from date 1 (``Y1-M1-D1``, the
    first day) to date 2 (``Y2-M2-D2``, the day after the last day) as

        360 * (Y2 - Y1) + 30 * (M2 - M1) + (D2 - D1)

    after adjusting the days:

    ``THIRTY_360`` (30/360 US, also 30U/360 or 30/360 SIA; the Securities
    Industry Association's *Standard Securities Calculation Methods*, as in
    Wikipedia's "Day count convention" article and QuantLib's
    ``Thirty360::USA``), in this order: if D1 and D2 are both the last day
    of February, D2 = 30; if D1 is the last day of February, D1 = 30; if
    D2 = 31 and D1 is 30 or 31, D2 = 30; if D1 = 31, D1 = 30.

    ``THIRTY_E_360`` (30E/360, Eurobond basis; 2006 ISDA Definitions,
    section 4.16(g), QuantLib's ``Thirty360::European``): if D1 = 31,
    D1 = 30; if D2 = 31, D2 = 30.

    A warning for billing: 30/360 US is *not additive*. Its D2 rule looks at
    D1, so splitting a period can count a day twice: January as 1-30 plus 31
    counts 30 + 1 days against a month of 30. Actual/actual and 30E/360
    always add up; prefer them where a period may be split by a change.
    """

    ACTUAL_ACTUAL = "actual_actual"
    THIRTY_360 = "thirty_360"
    THIRTY_E_360 = "thirty_e_360"


class FiscalYearLabel(StrEnum):
    """Which calendar year names a fiscal year that straddles two.

    ``END_YEAR`` (billops' default, the common US and UK usage): the year in
    which it ends, so April 2026 - March 2027 is FY2027. ``START_YEAR`` (the
    usage of, e.g., Japanese companies): the year in which it starts, FY2026.
    A fiscal year starting in January is its calendar year under both.
    """

    END_YEAR = "end_year"
    START_YEAR = "start_year"


_Kind = TypeVar("_Kind", bound=StrEnum)
_Ymd = tuple[int, int, int]


def _parse_kind(kind: type[_Kind], text: str, field: str) -> _Kind:
    try:
        return kind(text)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise InvalidPeriod(
            f"unknown {field.replace('_', ' ')}", field=field, value=text, hint=f"use {choices}"
        ) from None


def parse_frequency(text: str) -> Frequency:
    """The frequency called ``text``.

    >>> parse_frequency("quarterly").months
    3
    """
    return _parse_kind(Frequency, text, "frequency")


def parse_alignment(text: str) -> Alignment:
    """The alignment called ``text`` (``"calendar"`` or ``"anniversary"``)."""
    return _parse_kind(Alignment, text, "alignment")


def parse_day_count(text: str) -> DayCount:
    """The day-count convention called ``text`` (``"actual_actual"``, ...)."""
    return _parse_kind(DayCount, text, "day_count")


def parse_fiscal_year_label(text: str) -> FiscalYearLabel:
    """The fiscal-year naming called ``text`` (``"end_year"`` or ``"start_year"``)."""
    return _parse_kind(FiscalYearLabel, text, "fiscal_year_label")


# --- dates ------------------------------------------------------------------


def _require_date(value: object, name: str) -> date:
    """A plain date; datetimes and everything else are programming errors."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__} ({value!r})")
    return value


def _require_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__} ({value!r})")
    return value


def _check_month(value: object, field: str) -> int:
    month = _require_int(value, field)
    if not 1 <= month <= 12:
        raise InvalidPeriod("a month is a number from 1 to 12", field=field, value=month)
    return month


def _first_of_month(year: int, month: int) -> date:
    if not MINYEAR <= year <= MAXYEAR:
        raise InvalidPeriod(
            f"the date falls outside the years {MINYEAR}..{MAXYEAR}",
            field="date",
            value=f"{year}-{month:02d}",
        )
    return date(year, month, 1)


def _last_day_of_month(year: int, month: int) -> int:
    return monthrange(year, month)[1]


def add_months(d: date, n: int) -> date:
    """The date ``n`` months after ``d`` (before, for negative ``n``), clamped to month end.

    >>> add_months(date(2026, 1, 31), 1), add_months(date(2026, 3, 31), -1)
    (datetime.date(2026, 2, 28), datetime.date(2026, 2, 28))
    >>> add_months(date(2026, 11, 30), 14)
    datetime.date(2028, 1, 30)

    Raises ``InvalidPeriod`` only when the result would fall outside the
    years 1..9999.
    """
    _require_date(d, "d")
    _require_int(n, "n")
    year, month_index = divmod(d.year * 12 + d.month - 1 + n, 12)
    first = _first_of_month(year, month_index + 1)
    return first.replace(day=min(d.day, _last_day_of_month(first.year, first.month)))


def nth_anniversary(anchor: date, k: int, frequency: Frequency) -> date:
    """The ``k``-th period boundary after ``anchor``: ``anchor + k * frequency.months``.

    Counted from the anchor, never chained from the previous boundary, so an
    anniversary on the 31st returns to the 31st after a short month:

    >>> nth_anniversary(date(2026, 1, 31), 2, Frequency.MONTHLY)
    datetime.date(2026, 3, 31)
    >>> add_months(add_months(date(2026, 1, 31), 1), 1)  # chained: the 31st is lost
    datetime.date(2026, 3, 28)
    """
    return add_months(anchor, _require_int(k, "k") * frequency.months)


# --- periods ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """The days from ``start`` to ``end``, both included ("1 Jan - 31 Jan").

    >>> Period(date(2026, 2, 1), date(2026, 1, 31))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    billops.errors.InvalidPeriod: period: the period ends on 2026-01-31, before it starts on ...
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        _require_date(self.start, "start")
        _require_date(self.end, "end")
        if self.end < self.start:
            raise InvalidPeriod(
                f"the period ends on {self.end}, before it starts on {self.start}",
                field="period",
                value=f"{self.start}..{self.end}",
                hint="the end date is the last day included and must not precede the start",
            )

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"

    @property
    def days(self) -> int:
        """The number of days in the period, both ends counted: January has 31."""
        return (self.end - self.start).days + 1

    def contains(self, d: date) -> bool:
        """True when the day ``d`` lies in the period (either end included)."""
        return self.start <= _require_date(d, "d") <= self.end

    def covers(self, other: Period) -> bool:
        """True when every day of ``other`` lies in this period."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        """True when the two periods share at least one day.

        Consecutive periods (January, then February) touch but do not overlap.
        """
        return self.start <= other.end and other.start <= self.end

    def intersection(self, other: Period) -> Period | None:
        """The days the two periods share, or ``None`` when they share none."""
        if not self.overlaps(other):
            return None
        return Period(max(self.start, other.start), min(self.end, other.end))


def month_period(d: date) -> Period:
    """The calendar month that contains ``d``.

    >>> str(month_period(date(2028, 2, 10)))
    '2028-02-01..2028-02-29'
    """
    _require_date(d, "d")
    return Period(d.replace(day=1), d.replace(day=_last_day_of_month(d.year, d.month)))


def parse_period(text: str) -> Period:
    """The month written as ``YYYY-MM``, e.g. a close period or a report month.

    >>> str(parse_period("2026-11"))
    '2026-11-01..2026-11-30'
    """
    match = _MONTH_TEXT.fullmatch(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < MINYEAR:
        raise InvalidPeriod(
            "a period is written as a year and a month, YYYY-MM",
            field="period",
            value=text,
            hint="e.g. '2026-11' for November 2026",
        )
    return month_period(date(int(match[1]), int(match[2]), 1))


@dataclass(frozen=True, slots=True)
class BillingPeriod:
    """One period to bill: the days charged (``period``) within their nominal ``full_period``.

    For a full period the two are equal. For the first or last period of a
    service range that starts or ends mid-period, ``period`` is the part
    used and ``full_period`` the whole month (quarter, ...) it belongs to, so
    proration can divide by the real length of that period.
    """

    period: Period
    full_period: Period

    def __post_init__(self) -> None:
        if not self.full_period.covers(self.period):
            raise InvalidPeriod(
                f"the billed days {self.period} are not inside their full period "
                f"{self.full_period}",
                field="period",
                value=str(self.period),
            )

    def __str__(self) -> str:
        if self.is_partial:
            return f"{self.period} of {self.full_period}"
        return str(self.period)

    @property
    def is_partial(self) -> bool:
        """True when only part of the full period is billed."""
        return self.period != self.full_period

    def fraction(self, day_count: DayCount = DayCount.ACTUAL_ACTUAL) -> Fraction:
        """The share of the full period's price this period bills (1 when full)."""
        return prorate_fraction(self.period, self.full_period, day_count)


def periods_between(
    start: date,
    end: date,
    frequency: Frequency,
    alignment: Alignment,
    *,
    anchor: date | None = None,
    fiscal_year_start_month: int = 1,
) -> list[BillingPeriod]:
    """The billing periods that cover ``start`` to ``end`` (both included), in order.

    The periods tile the range: the first starts on ``start``, the last ends
    on ``end``, and each starts the day after the previous one ends. The
    first and last may be partial (see ``BillingPeriod``).

    >>> [str(p) for p in periods_between(date(2026, 1, 31), date(2026, 3, 30),
    ...                                  Frequency.MONTHLY, Alignment.ANNIVERSARY)]
    ['2026-01-31..2026-02-27', '2026-02-28..2026-03-30']

    ``anchor`` (anniversary alignment only) defaults to ``start`` and may lie
    before or after it. ``fiscal_year_start_month`` (calendar alignment only)
    is where quarters, halves and years begin.
    """
    frequency = parse_frequency(frequency)
    alignment = parse_alignment(alignment)
    service = Period(start, end)
    _check_range(service)
    _check_month(fiscal_year_start_month, "fiscal_year_start_month")
    grid = _grid_anchor(service.start, alignment, anchor, fiscal_year_start_month)
    k = _index_of_period_containing(grid, frequency, service.start)
    periods: list[BillingPeriod] = []
    while True:
        full = _nth_period(grid, k, frequency)
        periods.append(BillingPeriod(_clip(full, service), full))
        if full.end >= service.end:
            return periods
        k += 1


def _check_range(service: Period) -> None:
    start, end = service.start, service.end
    if (end.year, end.month, end.day) >= (start.year + MAX_RANGE_YEARS, start.month, start.day):
        raise InvalidPeriod(
            f"a service range of {MAX_RANGE_YEARS} years or more is not a contract term",
            field="period",
            value=str(service),
            hint="check the years of the start and end dates",
        )


def _grid_anchor(
    start: date, alignment: Alignment, anchor: date | None, fiscal_year_start_month: int
) -> date:
    """A date on which some period begins; every boundary is it plus whole periods."""
    if alignment is Alignment.ANNIVERSARY:
        return start if anchor is None else _require_date(anchor, "anchor")
    # The first of a month never clamps, so calendar alignment is an
    # anniversary grid anchored on a fiscal-year start.
    return date(start.year, fiscal_year_start_month, 1)


def _nth_period(grid: date, k: int, frequency: Frequency) -> Period:
    following = nth_anniversary(grid, k + 1, frequency)
    return Period(nth_anniversary(grid, k, frequency), following - _ONE_DAY)


def _index_of_period_containing(grid: date, frequency: Frequency, d: date) -> int:
    """The largest ``k`` whose boundary ``grid + k periods`` is on or before ``d``."""
    months_apart = (d.year - grid.year) * 12 + d.month - grid.month
    k = months_apart // frequency.months
    while nth_anniversary(grid, k, frequency) > d:
        k -= 1
    while nth_anniversary(grid, k + 1, frequency) <= d:
        k += 1
    return k


def _clip(full: Period, service: Period) -> Period:
    part = full.intersection(service)
    assert part is not None, "every generated period touches the service range"
    return part


# --- proration --------------------------------------------------------------


def counted_days(period: Period, day_count: DayCount = DayCount.ACTUAL_ACTUAL) -> int:
    """The days ``period`` counts for under ``day_count`` (see ``DayCount``).

    >>> february = Period(date(2026, 2, 1), date(2026, 2, 28))
    >>> counted_days(february), counted_days(february, DayCount.THIRTY_360)
    (28, 30)
    """
    day_count = parse_day_count(day_count)
    if day_count is DayCount.ACTUAL_ACTUAL:
        return period.days
    first = (period.start.year, period.start.month, period.start.day)
    after_last = _day_after(period.end)
    (y1, m1, d1), (y2, m2, d2) = first, after_last
    if day_count is DayCount.THIRTY_360:
        d1, d2 = _thirty_360_us_days(first, after_last)
    else:
        d1, d2 = min(d1, 30), min(d2, 30)
    return 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)


def _day_after(d: date) -> _Ymd:
    """(year, month, day) of the next day, without building a date past 9999-12-31."""
    if d.day < _last_day_of_month(d.year, d.month):
        return d.year, d.month, d.day + 1
    if d.month < 12:
        return d.year, d.month + 1, 1
    return d.year + 1, 1, 1


def _thirty_360_us_days(first: _Ymd, after_last: _Ymd) -> tuple[int, int]:
    """D1 and D2 of 30/360 US, adjusted in the order the convention prescribes."""
    d1, d2 = first[2], after_last[2]
    # The order matters: the D2 rule reads D1 after the February rule moved it.
    start_is_february_end = _is_last_of_february(*first)
    if start_is_february_end and _is_last_of_february(*after_last):
        d2 = 30
    if start_is_february_end:
        d1 = 30
    if d2 == 31 and d1 >= 30:
        d2 = 30
    return min(d1, 30), d2


def _is_last_of_february(year: int, month: int, day: int) -> bool:
    return month == 2 and day == _last_day_of_month(year, 2)


def prorate_fraction(
    period: Period, full_period: Period, day_count: DayCount = DayCount.ACTUAL_ACTUAL
) -> Fraction:
    """The exact share of ``full_period`` that ``period`` (a part of it) uses.

    >>> prorate_fraction(Period(date(2028, 2, 15), date(2028, 2, 29)),
    ...                  month_period(date(2028, 2, 1)))
    Fraction(15, 29)

    A full period is exactly 1 under every convention. ``period`` must lie
    inside ``full_period``.
    """
    day_count = parse_day_count(day_count)
    if not full_period.covers(period):
        raise InvalidPeriod(
            f"cannot prorate {period} against {full_period}: it is not inside it",
            field="period",
            value=str(period),
        )
    if period == full_period:
        return Fraction(1)
    # Only a one-day period can count zero days (30/360 on the 30th), and a
    # one-day full period has no part other than itself, returned above.
    return Fraction(counted_days(period, day_count), counted_days(full_period, day_count))


# --- fiscal years -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """A legal entity's fiscal year: its first month and how its years are named.

    >>> fiscal = FiscalCalendar(start_month=4)
    >>> fiscal.fiscal_year_of(date(2026, 3, 31)), fiscal.fiscal_year_of(date(2026, 4, 1))
    (2026, 2027)
    >>> str(fiscal.quarter_period(2027, 4))
    '2027-01-01..2027-03-31'
    >>> FiscalCalendar(start_month=4, label=FiscalYearLabel.START_YEAR).fiscal_year_of(
    ...     date(2026, 4, 1))
    2026

    Fiscal periods are calendar months: the first fiscal period of an April
    year is April.
    """

    start_month: int = 1
    label: FiscalYearLabel = FiscalYearLabel.END_YEAR

    def __post_init__(self) -> None:
        _check_month(self.start_month, "fiscal_year_start_month")
        # Frozen: set the coerced label the way dataclasses themselves do.
        object.__setattr__(self, "label", parse_fiscal_year_label(self.label))

    @property
    def _label_offset(self) -> int:
        """Fiscal-year number minus the calendar year in which that fiscal year starts."""
        straddles = self.start_month != 1
        return 1 if straddles and self.label is FiscalYearLabel.END_YEAR else 0

    def fiscal_year_of(self, d: date) -> int:
        """The number of the fiscal year that contains ``d`` (2027 for FY2027)."""
        _require_date(d, "d")
        starts_in = d.year if d.month >= self.start_month else d.year - 1
        return starts_in + self._label_offset

    def fiscal_year_period(self, fiscal_year: int) -> Period:
        """The days of fiscal year ``fiscal_year``, e.g. FY2027 = 2026-04-01..2027-03-31."""
        first = _first_of_month(
            _require_int(fiscal_year, "fiscal_year") - self._label_offset, self.start_month
        )
        return Period(first, add_months(first, 12) - _ONE_DAY)

    def fiscal_period_of(self, d: date) -> Period:
        """The fiscal period (the calendar month) that contains ``d``."""
        return month_period(d)

    def fiscal_month_of(self, d: date) -> int:
        """The number of ``d``'s fiscal period within its year, 1 to 12 (April is 1 for April)."""
        return (_require_date(d, "d").month - self.start_month) % 12 + 1

    def quarter_of(self, d: date) -> int:
        """The fiscal quarter, 1 to 4, that contains ``d``."""
        return (self.fiscal_month_of(d) - 1) // 3 + 1

    def quarter_period(self, fiscal_year: int, quarter: int) -> Period:
        """The days of quarter ``quarter`` (1 to 4) of fiscal year ``fiscal_year``."""
        if _require_int(quarter, "quarter") not in (1, 2, 3, 4):
            raise InvalidPeriod("a fiscal quarter is 1, 2, 3 or 4", field="quarter", value=quarter)
        first = add_months(self.fiscal_year_period(fiscal_year).start, 3 * (quarter - 1))
        return Period(first, add_months(first, 3) - _ONE_DAY)
