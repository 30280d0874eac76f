"""SLA arithmetic in business hours across evenings, weekends and Korean public holidays (hand-counted)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from cxm.voc.calendar import KOREAN_PUBLIC_HOLIDAYS, BusinessCalendar

SEOUL = ZoneInfo("Asia/Seoul")


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SEOUL)


CAL = BusinessCalendar.with_holidays(KOREAN_PUBLIC_HOLIDAYS)  # 09:00-18:00, Monday to Friday


def test_within_one_working_day():
    assert CAL.add_working_minutes(at(2026, 11, 23, 10), 4 * 60) == at(2026, 11, 23, 14)


def test_rolls_over_the_evening_to_the_next_morning():
    # Monday 16:00 + 4 h: 2 h on Monday, 2 h from Tuesday 09:00.
    assert CAL.add_working_minutes(at(2026, 11, 23, 16), 4 * 60) == at(2026, 11, 24, 11)


def test_rolls_over_the_weekend():
    # Friday 17:00 + 3 h: 1 h on Friday, then Monday 09:00 + 2 h.
    assert CAL.add_working_minutes(at(2026, 11, 20, 17), 3 * 60) == at(2026, 11, 23, 11)


def test_a_case_opened_on_saturday_starts_counting_on_monday_morning():
    assert CAL.add_working_minutes(at(2026, 11, 21, 15), 60) == at(2026, 11, 23, 10)


def test_a_case_opened_before_opening_starts_at_nine():
    assert CAL.add_working_minutes(at(2026, 11, 23, 7, 30), 30) == at(2026, 11, 23, 9, 30)


def test_chuseok_and_the_weekend_are_skipped():
    # Wed 2026-09-23 17:00 + 2 h: 1 h on Wednesday; Thu-Sat 24-26 are Chuseok, Sunday is off;
    # Monday 28 09:00 + 1 h.
    assert CAL.add_working_minutes(at(2026, 9, 23, 17), 120) == at(2026, 9, 28, 10)


def test_substitute_holiday_is_skipped():
    # 2026-10-03 (Sat) National Foundation Day -> substitute Monday 2026-10-05.
    assert CAL.add_working_minutes(at(2026, 10, 2, 17), 120) == at(2026, 10, 6, 10)


def test_exactly_at_closing_the_due_time_is_closing():
    assert CAL.add_working_minutes(at(2026, 11, 23, 9), 9 * 60) == at(2026, 11, 23, 18)


def test_three_business_days_is_27_working_hours():
    assert CAL.add_working_minutes(at(2026, 11, 23, 9), 27 * 60) == at(2026, 11, 25, 18)


def test_working_minutes_between_counts_only_open_hours():
    # Friday 17:00 -> Monday 10:00 = 60 + 60 minutes.
    assert CAL.working_minutes_between(at(2026, 11, 20, 17), at(2026, 11, 23, 10)) == 120
    assert CAL.working_minutes_between(at(2026, 11, 23, 10), at(2026, 11, 20, 17)) == -120


def test_utc_input_gives_utc_output_at_the_same_instant():
    utc = datetime(2026, 11, 23, 7, 0, tzinfo=ZoneInfo("UTC"))  # 16:00 in Seoul
    due = CAL.add_working_minutes(utc, 4 * 60)
    assert due.tzinfo == ZoneInfo("UTC") and due == at(2026, 11, 24, 11)


def test_naive_times_and_negative_durations_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_minutes(datetime(2026, 11, 23, 10), 60)
    with pytest.raises(ValueError):
        CAL.add_working_minutes(at(2026, 11, 23, 10), -1)
    with pytest.raises(ValueError):
        BusinessCalendar(start=time(18), end=time(9))


def test_the_holiday_table_has_the_lunar_holidays():
    assert {date(2026, 2, 17), date(2026, 9, 25), date(2025, 10, 6)} <= set(KOREAN_PUBLIC_HOLIDAYS)
