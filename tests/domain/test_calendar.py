"""Calendar: billing periods, month ends, proration and fiscal years, as billing stories.

Every expected date and fraction below is worked out by hand from a wall
calendar, never by calling the code under test.
"""

from __future__ import annotations

import dataclasses
import doctest
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import billops.domain.calendar as calendar_module
from billops.domain.calendar import (
    Alignment,
    BillingPeriod,
    DayCount,
    FiscalCalendar,
    FiscalYearLabel,
    Frequency,
    Period,
    add_months,
    counted_days,
    month_period,
    nth_anniversary,
    parse_day_count,
    parse_frequency,
    parse_period,
    periods_between,
    prorate_fraction,
)
from billops.errors import InvalidPeriod

ONE_DAY = timedelta(days=1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def period(start: str, end: str) -> Period:
    return Period(d(start), d(end))


def rows(periods: list[BillingPeriod]) -> list[tuple[str, str, str, str]]:
    """(billed start, billed end, full start, full end) as ISO text, for readable expectations."""
    return [
        (
            p.period.start.isoformat(),
            p.period.end.isoformat(),
            p.full_period.start.isoformat(),
            p.full_period.end.isoformat(),
        )
        for p in periods
    ]


def test_the_module_examples_run() -> None:
    results = doctest.testmod(calendar_module, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0


# --- add_months and anniversaries -------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-01-15", -1, "2025-12-15"),
        ("2026-12-31", 1, "2027-01-31"),
        ("2026-05-31", -13, "2025-04-30"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2028-02-29", 48, "2032-02-29"),
        ("2026-01-31", 0, "2026-01-31"),
    ],
)
def test_add_months_keeps_the_day_or_lands_on_the_month_end(
    start: str, months: int, expected: str
) -> None:
    assert add_months(d(start), months) == d(expected)


def test_an_anniversary_on_the_31st_returns_to_the_31st_after_february() -> None:
    anchor = d("2026-01-31")
    boundaries = [nth_anniversary(anchor, k, Frequency.MONTHLY) for k in range(5)]
    assert boundaries == [
        d("2026-01-31"),
        d("2026-02-28"),
        d("2026-03-31"),
        d("2026-04-30"),
        d("2026-05-31"),
    ]
    # The trap this avoids: stepping month by month loses the 31st for good.
    assert add_months(add_months(anchor, 1), 1) == d("2026-03-28")


def test_quarterly_anniversaries_count_from_the_anchor() -> None:
    anchor = d("2025-11-30")
    assert nth_anniversary(anchor, 1, Frequency.QUARTERLY) == d("2026-02-28")
    assert nth_anniversary(anchor, 2, Frequency.QUARTERLY) == d("2026-05-30")
    assert nth_anniversary(anchor, -1, Frequency.QUARTERLY) == d("2025-08-30")


def test_add_months_refuses_dates_beyond_what_a_date_can_hold() -> None:
    with pytest.raises(InvalidPeriod, match="outside the years"):
        add_months(d("9999-12-31"), 1)
    with pytest.raises(InvalidPeriod, match="outside the years"):
        add_months(d("0001-01-31"), -1)


def test_add_months_refuses_datetimes_and_non_integers() -> None:
    with pytest.raises(TypeError, match=r"datetime\.date"):
        add_months(datetime(2026, 1, 31, 12, 0), 1)  # noqa: DTZ001
    with pytest.raises(TypeError, match="int"):
        add_months(d("2026-01-31"), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int"):
        add_months(d("2026-01-31"), True)


# --- Period -----------------------------------------------------------------


def test_a_period_counts_both_of_its_ends() -> None:
    assert period("2026-01-01", "2026-01-31").days == 31
    assert period("2028-02-01", "2028-02-29").days == 29
    assert period("2026-03-10", "2026-03-10").days == 1
    assert str(period("2026-01-01", "2026-01-31")) == "2026-01-01..2026-01-31"


def test_a_period_contains_its_first_and_last_day_and_nothing_outside() -> None:
    january = period("2026-01-01", "2026-01-31")
    assert january.contains(d("2026-01-01"))
    assert january.contains(d("2026-01-31"))
    assert not january.contains(d("2025-12-31"))
    assert not january.contains(d("2026-02-01"))


def test_consecutive_months_touch_but_do_not_overlap() -> None:
    january = period("2026-01-01", "2026-01-31")
    february = period("2026-02-01", "2026-02-28")
    straddling = period("2026-01-31", "2026-02-05")
    assert not january.overlaps(february)
    assert january.intersection(february) is None
    assert january.overlaps(straddling)
    assert straddling.overlaps(february)
    assert january.intersection(straddling) == period("2026-01-31", "2026-01-31")
    assert january.covers(period("2026-01-10", "2026-01-20"))
    assert not january.covers(straddling)


def test_a_period_ending_before_it_starts_names_both_dates() -> None:
    with pytest.raises(InvalidPeriod) as raised:
        period("2026-02-01", "2026-01-31")
    assert "2026-02-01" in str(raised.value)
    assert "2026-01-31" in str(raised.value)
    assert raised.value.field == "period"


def test_a_period_is_immutable_and_made_of_dates_only() -> None:
    january = period("2026-01-01", "2026-01-31")
    with pytest.raises(dataclasses.FrozenInstanceError):
        january.end = d("2026-02-28")  # type: ignore[misc]
    with pytest.raises(TypeError, match=r"datetime\.date"):
        Period(datetime(2026, 1, 1), d("2026-01-31"))  # noqa: DTZ001
    with pytest.raises(TypeError, match=r"datetime\.date"):
        Period("2026-01-01", d("2026-01-31"))  # type: ignore[arg-type]


def test_month_period_and_parse_period() -> None:
    assert month_period(d("2026-11-23")) == period("2026-11-01", "2026-11-30")
    assert month_period(d("2028-02-10")) == period("2028-02-01", "2028-02-29")
    assert parse_period("2026-11") == period("2026-11-01", "2026-11-30")
    assert parse_period("2027-02") == period("2027-02-01", "2027-02-28")


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-1", "26-11", "2026-11-01", "", "November 2026", "0000-01"]
)
def test_parse_period_names_the_text_it_could_not_read(text: str) -> None:
    with pytest.raises(InvalidPeriod, match="YYYY-MM") as raised:
        parse_period(text)
    assert repr(text) in str(raised.value)


# --- billing periods: stories -----------------------------------------------


def test_a_subscription_starting_mid_january_billed_monthly_on_the_calendar() -> None:
    periods = periods_between(
        d("2026-01-15"), d("2026-04-30"), Frequency.MONTHLY, Alignment.CALENDAR
    )
    assert rows(periods) == [
        ("2026-01-15", "2026-01-31", "2026-01-01", "2026-01-31"),
        ("2026-02-01", "2026-02-28", "2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-31", "2026-03-01", "2026-03-31"),
        ("2026-04-01", "2026-04-30", "2026-04-01", "2026-04-30"),
    ]
    assert [p.is_partial for p in periods] == [True, False, False, False]
    assert periods[0].fraction() == Fraction(17, 31)
    assert periods[1].fraction() == 1


def test_an_anniversary_on_the_31st_bills_month_end_to_month_end() -> None:
    periods = periods_between(
        d("2026-01-31"), d("2026-07-30"), Frequency.MONTHLY, Alignment.ANNIVERSARY
    )
    assert [(p.period.start.isoformat(), p.period.end.isoformat()) for p in periods] == [
        ("2026-01-31", "2026-02-27"),
        ("2026-02-28", "2026-03-30"),
        ("2026-03-31", "2026-04-29"),
        ("2026-04-30", "2026-05-30"),
        ("2026-05-31", "2026-06-29"),
        ("2026-06-30", "2026-07-30"),
    ]
    assert not any(p.is_partial for p in periods)


def test_an_anniversary_contract_ending_mid_period_bills_a_partial_last_period() -> None:
    periods = periods_between(
        d("2026-01-31"), d("2026-04-15"), Frequency.MONTHLY, Alignment.ANNIVERSARY
    )
    assert rows(periods)[-1] == ("2026-03-31", "2026-04-15", "2026-03-31", "2026-04-29")
    # 16 days (31 March to 15 April) of a 30-day period.
    assert periods[-1].fraction() == Fraction(16, 30)


def test_quarterly_on_the_calendar_with_a_fiscal_year_starting_in_april() -> None:
    periods = periods_between(
        d("2026-02-10"),
        d("2026-11-15"),
        Frequency.QUARTERLY,
        Alignment.CALENDAR,
        fiscal_year_start_month=4,
    )
    assert rows(periods) == [
        ("2026-02-10", "2026-03-31", "2026-01-01", "2026-03-31"),
        ("2026-04-01", "2026-06-30", "2026-04-01", "2026-06-30"),
        ("2026-07-01", "2026-09-30", "2026-07-01", "2026-09-30"),
        ("2026-10-01", "2026-11-15", "2026-10-01", "2026-12-31"),
    ]
    # 19 days of February and 31 of March, of a 90-day quarter.
    assert periods[0].fraction() == Fraction(50, 90)
    # 31 days of October and 15 of November, of a 92-day quarter.
    assert periods[-1].fraction() == Fraction(46, 92)


def test_quarters_of_a_fiscal_year_starting_in_february_straddle_new_year() -> None:
    periods = periods_between(
        d("2026-01-10"),
        d("2026-05-31"),
        Frequency.QUARTERLY,
        Alignment.CALENDAR,
        fiscal_year_start_month=2,
    )
    assert rows(periods) == [
        ("2026-01-10", "2026-01-31", "2025-11-01", "2026-01-31"),
        ("2026-02-01", "2026-04-30", "2026-02-01", "2026-04-30"),
        ("2026-05-01", "2026-05-31", "2026-05-01", "2026-07-31"),
    ]


def test_annual_on_the_calendar_follows_the_fiscal_year() -> None:
    periods = periods_between(
        d("2026-01-01"),
        d("2027-12-31"),
        Frequency.ANNUAL,
        Alignment.CALENDAR,
        fiscal_year_start_month=4,
    )
    assert rows(periods) == [
        ("2026-01-01", "2026-03-31", "2025-04-01", "2026-03-31"),
        ("2026-04-01", "2027-03-31", "2026-04-01", "2027-03-31"),
        ("2027-04-01", "2027-12-31", "2027-04-01", "2028-03-31"),
    ]
    # January to March 2026 is 90 days of a 365-day fiscal year.
    assert periods[0].fraction() == Fraction(90, 365)
    # April to December 2027 is 275 days of a fiscal year holding 29 February 2028.
    assert periods[-1].fraction() == Fraction(275, 366)


def test_semi_annual_on_the_calendar_splits_the_year_in_halves() -> None:
    periods = periods_between(
        d("2026-03-01"), d("2027-02-28"), Frequency.SEMI_ANNUAL, Alignment.CALENDAR
    )
    assert rows(periods) == [
        ("2026-03-01", "2026-06-30", "2026-01-01", "2026-06-30"),
        ("2026-07-01", "2026-12-31", "2026-07-01", "2026-12-31"),
        ("2027-01-01", "2027-02-28", "2027-01-01", "2027-06-30"),
    ]


def test_a_subscription_signed_on_a_leap_day_renews_on_the_last_day_of_february() -> None:
    periods = periods_between(
        d("2028-02-29"), d("2032-02-28"), Frequency.ANNUAL, Alignment.ANNIVERSARY
    )
    assert [(p.period.start.isoformat(), p.period.end.isoformat()) for p in periods] == [
        ("2028-02-29", "2029-02-27"),
        ("2029-02-28", "2030-02-27"),
        ("2030-02-28", "2031-02-27"),
        ("2031-02-28", "2032-02-28"),
    ]
    assert not any(p.is_partial for p in periods)


def test_half_of_a_leap_february_is_prorated_over_29_days() -> None:
    periods = periods_between(
        d("2028-02-15"), d("2028-03-31"), Frequency.MONTHLY, Alignment.CALENDAR
    )
    assert rows(periods)[0] == ("2028-02-15", "2028-02-29", "2028-02-01", "2028-02-29")
    assert periods[0].fraction() == Fraction(15, 29)


def test_an_anchor_before_the_start_places_the_boundaries() -> None:
    # Billed quarterly on the 15th since March 2025; this line joins in January 2026.
    periods = periods_between(
        d("2026-01-01"),
        d("2026-06-30"),
        Frequency.QUARTERLY,
        Alignment.ANNIVERSARY,
        anchor=d("2025-03-15"),
    )
    assert rows(periods) == [
        ("2026-01-01", "2026-03-14", "2025-12-15", "2026-03-14"),
        ("2026-03-15", "2026-06-14", "2026-03-15", "2026-06-14"),
        ("2026-06-15", "2026-06-30", "2026-06-15", "2026-09-14"),
    ]


def test_an_anchor_after_the_start_places_the_boundaries_too() -> None:
    periods = periods_between(
        d("2026-05-01"),
        d("2026-06-30"),
        Frequency.MONTHLY,
        Alignment.ANNIVERSARY,
        anchor=d("2026-06-20"),
    )
    assert rows(periods) == [
        ("2026-05-01", "2026-05-19", "2026-04-20", "2026-05-19"),
        ("2026-05-20", "2026-06-19", "2026-05-20", "2026-06-19"),
        ("2026-06-20", "2026-06-30", "2026-06-20", "2026-07-19"),
    ]


def test_a_single_day_of_service_is_one_partial_period() -> None:
    periods = periods_between(
        d("2026-03-10"), d("2026-03-10"), Frequency.MONTHLY, Alignment.CALENDAR
    )
    assert rows(periods) == [("2026-03-10", "2026-03-10", "2026-03-01", "2026-03-31")]
    assert periods[0].fraction() == Fraction(1, 31)
    assert str(periods[0]) == "2026-03-10..2026-03-10 of 2026-03-01..2026-03-31"


def test_anchor_and_fiscal_start_are_ignored_by_the_other_alignment() -> None:
    plain = periods_between(
        d("2026-01-15"), d("2026-12-31"), Frequency.QUARTERLY, Alignment.CALENDAR
    )
    with_anchor = periods_between(
        d("2026-01-15"),
        d("2026-12-31"),
        Frequency.QUARTERLY,
        Alignment.CALENDAR,
        anchor=d("2025-06-07"),
    )
    assert with_anchor == plain
    anniversary = periods_between(
        d("2026-01-15"), d("2026-12-31"), Frequency.QUARTERLY, Alignment.ANNIVERSARY
    )
    with_fiscal = periods_between(
        d("2026-01-15"),
        d("2026-12-31"),
        Frequency.QUARTERLY,
        Alignment.ANNIVERSARY,
        fiscal_year_start_month=4,
    )
    assert with_fiscal == anniversary


def test_frequency_and_alignment_may_be_given_by_their_contract_names() -> None:
    by_name = periods_between(d("2026-01-15"), d("2026-03-31"), "monthly", "calendar")  # type: ignore[arg-type]
    by_member = periods_between(
        d("2026-01-15"), d("2026-03-31"), Frequency.MONTHLY, Alignment.CALENDAR
    )
    assert by_name == by_member


# --- billing periods: errors ------------------------------------------------


def test_a_service_range_ending_before_it_starts_names_both_dates() -> None:
    with pytest.raises(InvalidPeriod) as raised:
        periods_between(d("2026-03-01"), d("2026-02-28"), Frequency.MONTHLY, Alignment.CALENDAR)
    assert "2026-03-01" in str(raised.value)
    assert "2026-02-28" in str(raised.value)


def test_a_century_of_service_is_refused_as_a_typo() -> None:
    with pytest.raises(InvalidPeriod, match="100 years") as raised:
        periods_between(d("2026-01-01"), d("2126-01-01"), Frequency.MONTHLY, Alignment.CALENDAR)
    assert "2126-01-01" in str(raised.value)
    just_under = periods_between(
        d("2026-01-01"), d("2125-12-31"), Frequency.MONTHLY, Alignment.CALENDAR
    )
    assert len(just_under) == 1200


@pytest.mark.parametrize("month", [0, 13, -1])
def test_a_fiscal_start_month_outside_1_to_12_is_refused(month: int) -> None:
    with pytest.raises(InvalidPeriod, match="1 to 12"):
        periods_between(
            d("2026-01-01"),
            d("2026-12-31"),
            Frequency.QUARTERLY,
            Alignment.CALENDAR,
            fiscal_year_start_month=month,
        )


def test_unknown_frequencies_and_conventions_are_named_with_the_choices() -> None:
    with pytest.raises(InvalidPeriod, match="weekly") as raised:
        periods_between(d("2026-01-01"), d("2026-12-31"), "weekly", Alignment.CALENDAR)  # type: ignore[arg-type]
    assert "monthly, quarterly, semi_annual, annual" in str(raised.value)
    with pytest.raises(InvalidPeriod, match="fortnightly"):
        periods_between(d("2026-01-01"), d("2026-12-31"), Frequency.MONTHLY, "fortnightly")  # type: ignore[arg-type]
    with pytest.raises(InvalidPeriod, match="actual_365"):
        parse_day_count("actual_365")
    assert parse_frequency("semi_annual").months == 6


def test_an_anchor_must_be_a_date() -> None:
    with pytest.raises(TypeError, match="anchor"):
        periods_between(
            d("2026-01-01"),
            d("2026-12-31"),
            Frequency.MONTHLY,
            Alignment.ANNIVERSARY,
            anchor=datetime(2026, 1, 1),  # noqa: DTZ001
        )


def test_a_period_past_the_last_representable_date_is_refused_not_crashed() -> None:
    with pytest.raises(InvalidPeriod, match="outside the years"):
        periods_between(d("9999-11-15"), d("9999-12-15"), Frequency.ANNUAL, Alignment.CALENDAR)


# --- proration --------------------------------------------------------------


@pytest.mark.parametrize("day_count", list(DayCount))
@pytest.mark.parametrize(
    "full",
    [
        period("2026-01-01", "2026-01-31"),
        period("2026-02-01", "2026-02-28"),
        period("2028-02-29", "2029-02-27"),
        period("2026-01-30", "2026-01-30"),
    ],
)
def test_a_full_period_is_exactly_one_under_every_convention(
    full: Period, day_count: DayCount
) -> None:
    assert prorate_fraction(full, full, day_count) == 1


def test_thirty_360_counts_every_month_as_thirty_days() -> None:
    for month in ("2026-01", "2026-02", "2028-02", "2026-04"):
        for day_count in (DayCount.THIRTY_360, DayCount.THIRTY_E_360):
            assert counted_days(parse_period(month), day_count) == 30
    assert counted_days(period("2026-01-01", "2026-12-31"), DayCount.THIRTY_360) == 360


def test_second_half_of_february_under_each_convention() -> None:
    slice_, february = period("2026-02-15", "2026-02-28"), parse_period("2026-02")
    assert prorate_fraction(slice_, february) == Fraction(14, 28)
    # D1 = 15, D2 = 1 March: 30 * (3 - 2) + (1 - 15) = 16 days of 30.
    assert prorate_fraction(slice_, february, DayCount.THIRTY_360) == Fraction(16, 30)
    assert prorate_fraction(slice_, february, DayCount.THIRTY_E_360) == Fraction(16, 30)


def test_the_us_and_european_30_360_differ_on_the_31st() -> None:
    # 1 to 30 January: D1 = 1, D2 = 31 January.
    first_thirty = period("2026-01-01", "2026-01-30")
    january = parse_period("2026-01")
    # US: D1 is not 30 or 31, so D2 stays 31: 30 days, the whole month.
    assert counted_days(first_thirty, DayCount.THIRTY_360) == 30
    assert prorate_fraction(first_thirty, january, DayCount.THIRTY_360) == 1
    # European: D2 = 31 always becomes 30: 29 days.
    assert counted_days(first_thirty, DayCount.THIRTY_E_360) == 29
    assert prorate_fraction(first_thirty, january, DayCount.THIRTY_E_360) == Fraction(29, 30)


def test_the_us_30_360_treats_the_end_of_february_as_the_30th() -> None:
    # 28 February to 31 March 2026 (D2 = 1 April) within the first calendar quarter.
    slice_, quarter = period("2026-02-28", "2026-03-31"), period("2026-01-01", "2026-03-31")
    # Quarter: D1 = 1 January, D2 = 1 April: 30 * 3 = 90.
    assert counted_days(quarter, DayCount.THIRTY_360) == 90
    # US: D1 is the last day of February -> 30: 30 * (4 - 2) + (1 - 30) = 31.
    assert prorate_fraction(slice_, quarter, DayCount.THIRTY_360) == Fraction(31, 90)
    # European: D1 stays 28: 30 * 2 + (1 - 28) = 33.
    assert prorate_fraction(slice_, quarter, DayCount.THIRTY_E_360) == Fraction(33, 90)
    # Actual: 1 day of February and 31 of March, of 90.
    assert prorate_fraction(slice_, quarter) == Fraction(32, 90)


def test_the_us_30_360_both_ends_on_the_last_of_february() -> None:
    # 29 Feb 2028 to 27 Feb 2029: D1 = 29 Feb 2028, D2 = 28 Feb 2029, both February ends.
    year = period("2028-02-29", "2029-02-27")
    assert counted_days(year, DayCount.THIRTY_360) == 360
    assert counted_days(year, DayCount.THIRTY_E_360) == 360 + (28 - 29)
    assert counted_days(year) == 365


def test_the_us_30_360_is_not_additive_when_a_month_is_split_on_the_31st() -> None:
    january = parse_period("2026-01")
    parts = [period("2026-01-01", "2026-01-30"), period("2026-01-31", "2026-01-31")]
    us = sum(prorate_fraction(p, january, DayCount.THIRTY_360) for p in parts)
    european = sum(prorate_fraction(p, january, DayCount.THIRTY_E_360) for p in parts)
    assert us == Fraction(31, 30)
    assert european == 1


def test_prorating_a_part_outside_its_full_period_is_refused() -> None:
    with pytest.raises(InvalidPeriod, match="not inside"):
        prorate_fraction(period("2026-01-25", "2026-02-05"), parse_period("2026-01"))
    with pytest.raises(InvalidPeriod, match="not inside"):
        BillingPeriod(period("2026-01-25", "2026-02-05"), parse_period("2026-01"))


# --- fiscal years -----------------------------------------------------------


def test_an_april_fiscal_year_is_named_after_the_year_it_ends_in() -> None:
    fiscal = FiscalCalendar(start_month=4)
    assert fiscal.fiscal_year_of(d("2026-03-31")) == 2026
    assert fiscal.fiscal_year_of(d("2026-04-01")) == 2027
    assert fiscal.fiscal_year_of(d("2027-03-31")) == 2027
    assert fiscal.fiscal_year_period(2027) == period("2026-04-01", "2027-03-31")
    assert fiscal.fiscal_year_period(2028) == period("2027-04-01", "2028-03-31")


def test_the_us_federal_fiscal_year_2027_starts_on_1_october_2026() -> None:
    federal = FiscalCalendar(start_month=10)
    assert federal.fiscal_year_period(2027) == period("2026-10-01", "2027-09-30")
    assert federal.fiscal_year_of(d("2026-10-01")) == 2027
    assert federal.quarter_of(d("2026-10-01")) == 1
    assert federal.quarter_of(d("2027-09-30")) == 4


def test_a_january_fiscal_year_is_the_calendar_year_under_either_label() -> None:
    for label in FiscalYearLabel:
        fiscal = FiscalCalendar(label=label)
        assert fiscal.fiscal_year_of(d("2026-12-31")) == 2026
        assert fiscal.fiscal_year_period(2026) == period("2026-01-01", "2026-12-31")


def test_the_start_year_label_names_a_fiscal_year_after_its_first_day() -> None:
    fiscal = FiscalCalendar(start_month=4, label=FiscalYearLabel.START_YEAR)
    assert fiscal.fiscal_year_of(d("2026-04-01")) == 2026
    assert fiscal.fiscal_year_of(d("2027-03-31")) == 2026
    assert fiscal.fiscal_year_period(2026) == period("2026-04-01", "2027-03-31")
    assert FiscalCalendar(4, "start_year") == fiscal  # type: ignore[arg-type]


def test_fiscal_quarters_and_months_of_an_april_year() -> None:
    fiscal = FiscalCalendar(start_month=4)
    assert [
        fiscal.quarter_of(d(x)) for x in ("2026-05-01", "2026-08-31", "2026-11-23", "2027-02-28")
    ] == [1, 2, 3, 4]
    assert fiscal.fiscal_month_of(d("2026-04-15")) == 1
    assert fiscal.fiscal_month_of(d("2027-03-01")) == 12
    assert fiscal.fiscal_period_of(d("2026-11-23")) == period("2026-11-01", "2026-11-30")
    assert fiscal.quarter_period(2027, 1) == period("2026-04-01", "2026-06-30")
    assert fiscal.quarter_period(2027, 4) == period("2027-01-01", "2027-03-31")


@pytest.mark.parametrize("month", [0, 13])
def test_a_fiscal_start_month_outside_1_to_12_names_the_month(month: int) -> None:
    with pytest.raises(InvalidPeriod, match="1 to 12") as raised:
        FiscalCalendar(start_month=month)
    assert raised.value.value == month


def test_fiscal_calendar_input_errors() -> None:
    with pytest.raises(TypeError, match="int"):
        FiscalCalendar(start_month="4")  # type: ignore[arg-type]
    with pytest.raises(InvalidPeriod, match="middle"):
        FiscalCalendar(start_month=4, label="middle")  # type: ignore[arg-type]
    with pytest.raises(InvalidPeriod, match="quarter"):
        FiscalCalendar(start_month=4).quarter_period(2027, 5)


# --- properties -------------------------------------------------------------

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
frequencies = st.sampled_from(Frequency)
alignments = st.sampled_from(Alignment)
months = st.integers(min_value=1, max_value=12)


@st.composite
def service_ranges(draw: st.DrawFn) -> tuple[date, date, date | None]:
    start = draw(dates)
    end = start + timedelta(days=draw(st.integers(min_value=0, max_value=6 * 366)))
    anchor = draw(st.none() | st.just(start + timedelta(days=draw(st.integers(-1200, 1200)))))
    return start, end, anchor


@given(service_ranges(), frequencies, alignments, months)
def test_periods_tile_the_service_range_without_gap_or_overlap(
    service: tuple[date, date, date | None],
    frequency: Frequency,
    alignment: Alignment,
    fiscal_start: int,
) -> None:
    start, end, anchor = service
    periods = periods_between(
        start, end, frequency, alignment, anchor=anchor, fiscal_year_start_month=fiscal_start
    )
    assert periods[0].period.start == start
    assert periods[-1].period.end == end
    for previous, following in pairwise(periods):
        assert following.period.start == previous.period.end + ONE_DAY
        assert following.full_period.start == previous.full_period.end + ONE_DAY
    assert sum(p.period.days for p in periods) == (end - start).days + 1
    assert not any(p.is_partial for p in periods[1:-1])


@given(service_ranges(), frequencies, alignments, months)
def test_every_full_period_starts_on_a_boundary_and_spans_the_frequency(
    service: tuple[date, date, date | None],
    frequency: Frequency,
    alignment: Alignment,
    fiscal_start: int,
) -> None:
    start, end, anchor = service
    periods = periods_between(
        start, end, frequency, alignment, anchor=anchor, fiscal_year_start_month=fiscal_start
    )
    grid = date(start.year, fiscal_start, 1) if alignment is Alignment.CALENDAR else anchor or start
    for billing_period in periods:
        full = billing_period.full_period
        assert full.covers(billing_period.period)
        months_from_grid = (full.start.year - grid.year) * 12 + full.start.month - grid.month
        assert months_from_grid % frequency.months == 0
        assert add_months(grid, months_from_grid) == full.start
        assert add_months(grid, months_from_grid + frequency.months) == full.end + ONE_DAY


@given(dates, st.integers(min_value=-1200, max_value=1200))
def test_add_months_lands_in_the_right_month_on_the_right_day(start: date, n: int) -> None:
    result = add_months(start, n)
    assert result.year * 12 + result.month == start.year * 12 + start.month + n
    last_day = (add_months(result.replace(day=1), 1) - ONE_DAY).day
    assert result.day == min(start.day, last_day)
    assert add_months(start, n + 1) > result


@given(dates, st.integers(min_value=-1200, max_value=1200))
def test_add_months_undoes_itself_when_no_clamping_happened(start: date, n: int) -> None:
    assume(start.day <= 28)
    assert add_months(add_months(start, n), -n) == start


@st.composite
def split_periods(draw: st.DrawFn) -> tuple[Period, list[Period]]:
    """A full billing period and a split of it into consecutive parts."""
    first = draw(dates)
    frequency = draw(frequencies)
    full = Period(first, add_months(first, frequency.months) - ONE_DAY)
    cuts = draw(st.sets(st.integers(min_value=1, max_value=full.days - 1), max_size=8))
    bounds = [0, *sorted(cuts), full.days]
    parts = [
        Period(first + timedelta(days=a), first + timedelta(days=b - 1))
        for a, b in pairwise(bounds)
    ]
    return full, parts


@given(split_periods(), st.sampled_from([DayCount.ACTUAL_ACTUAL, DayCount.THIRTY_E_360]))
def test_the_parts_of_a_period_prorate_to_exactly_one(
    split: tuple[Period, list[Period]], day_count: DayCount
) -> None:
    full, parts = split
    assert sum(prorate_fraction(part, full, day_count) for part in parts) == 1
    assert sum(part.days for part in parts) == full.days


@given(split_periods(), st.sampled_from(DayCount))
def test_every_part_prorates_to_between_zero_and_one(
    split: tuple[Period, list[Period]], day_count: DayCount
) -> None:
    full, parts = split
    for part in parts:
        assert 0 <= prorate_fraction(part, full, day_count) <= 1


@given(dates, months, st.sampled_from(FiscalYearLabel))
def test_a_date_lies_in_its_fiscal_year_and_quarter(
    day: date, start_month: int, label: FiscalYearLabel
) -> None:
    fiscal = FiscalCalendar(start_month=start_month, label=label)
    year = fiscal.fiscal_year_of(day)
    assert fiscal.fiscal_year_period(year).contains(day)
    assert fiscal.quarter_period(year, fiscal.quarter_of(day)).contains(day)
    assert fiscal.fiscal_year_period(year).days in (365, 366)
