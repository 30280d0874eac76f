"""RFM values, scores, segments and migration checked against a hand count (reference: hand count,
worked in the comments)."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from cxm.analytics.rfm import (SEGMENT_GRID, SEGMENTS, quintile_score, rfm_table, rfm_values, segment_migration,
                               segment_of)

D = dt.date


def _frame() -> pl.DataFrame:
    rows = [
        ("A", D(2024, 3, 30), 100), ("A", D(2024, 3, 1), 50), ("A", D(2024, 2, 1), 50),
        ("B", D(2024, 1, 1), 30),
        ("C", D(2024, 3, 31), 10), ("C", D(2024, 3, 31), 20),
        ("D", D(2023, 12, 1), 500), ("D", D(2024, 1, 15), 500), ("D", D(2024, 2, 10), 500),
        ("D", D(2024, 2, 20), 500),
        ("E", D(2024, 4, 5), 999), ("E", D(2023, 6, 1), 5),
    ]
    return pl.DataFrame(rows, schema=["cust", "day", "amt"], orient="row")


def test_rfm_values_match_hand_count():
    # hand count at 2024-03-31 (leap year): B 31+29+30 = 90 days; D Feb 20 -> 9 + 31 = 40;
    # E 2023-06-01 -> 304 days, its 2024-04-05 purchase is after the as-of date
    out = rfm_values(_frame(), customer="cust", date="day", amount="amt", as_of="2024-03-31")
    assert out["cust"].to_list() == ["A", "B", "C", "D", "E"]
    assert out["recency"].to_list() == [1, 90, 0, 40, 304]
    assert out["frequency"].to_list() == [3, 1, 2, 4, 1]
    assert out["monetary"].to_list() == [200.0, 30.0, 30.0, 2000.0, 5.0]


def test_rfm_scores_and_segments_match_hand_count():
    # 5 customers -> score = min rank. R on -days: E1 B2 D3 A4 C5; F: B,E tie at rank 1, C3 A4 D5;
    # M: E1, B,C tie at rank 2, A4 D5. Grid: A(4,4) loyal, B(2,1) hibernating, C(5,3) potential
    # loyal, D(3,5) loyal, E(1,1) lost.
    out = rfm_table(_frame(), customer="cust", date="day", amount="amt", as_of=D(2024, 3, 31))
    assert out["r_score"].to_list() == [4, 2, 5, 3, 1]
    assert out["f_score"].to_list() == [4, 1, 3, 5, 1]
    assert out["m_score"].to_list() == [4, 2, 2, 5, 1]
    assert out["segment"].to_list() == ["loyal", "hibernating", "potential loyal", "loyal", "lost"]


def test_quintile_score_ties_share_the_lowest_rank_score():
    # n = 10, min ranks 1,1,1,1,5,6,7,8,9,10 -> 1 + (5 * (rank - 1)) // 10
    got = quintile_score(np.array([1, 1, 1, 1, 2, 3, 4, 5, 6, 7]))
    assert got.tolist() == [1, 1, 1, 1, 3, 3, 4, 4, 5, 5]


def test_quintile_score_does_not_depend_on_row_order():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 6, 200)
    perm = rng.permutation(200)
    assert np.array_equal(quintile_score(x)[perm], quintile_score(x[perm]))


def test_recency_scores_more_recent_higher():
    assert quintile_score(np.array([0, 10, 20, 30, 40]), higher_is_better=False).tolist() == [5, 4, 3, 2, 1]


def test_segment_grid_covers_every_cell_with_the_eight_segments():
    r, f = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    names = segment_of(r.ravel(), f.ravel())
    assert set(names) == set(SEGMENTS)
    assert segment_of(np.array([5, 1, 2]), np.array([5, 5, 3])).tolist() == ["champions", "can't lose", "at risk"]
    assert len(SEGMENT_GRID) == 5


def test_segment_of_rejects_scores_out_of_range():
    with pytest.raises(ValueError, match="R=6"):
        segment_of(np.array([6]), np.array([1]))


def test_segment_migration_matches_hand_count():
    # at 2024-01-31: B rec 30 f1, D rec 16 f2, E rec 244 f1 (n = 3): R E1 B2 D4; F B1 E1 D4
    # -> E lost, B hibernating, D loyal; A and C have no purchase yet -> "(none)".
    m = segment_migration(_frame(), customer="cust", date="day", amount="amt", start="2024-01-31", end="2024-03-31")
    assert m.columns == ["from_segment", *SEGMENTS]
    assert m["from_segment"].to_list() == [*SEGMENTS, "(none)"]
    cells = {(row["from_segment"], seg): row[seg] for row in m.iter_rows(named=True) for seg in SEGMENTS}
    expected = {("lost", "lost"): 1, ("hibernating", "hibernating"): 1, ("loyal", "loyal"): 1,
                ("(none)", "loyal"): 1, ("(none)", "potential loyal"): 1}
    assert {k: v for k, v in cells.items() if v} == expected


def test_segment_migration_requires_start_before_end():
    with pytest.raises(ValueError, match="start must be before end"):
        segment_migration(_frame(), customer="cust", date="day", amount="amt", start="2024-03-31", end="2024-01-31")


def test_rfm_values_reports_missing_column():
    with pytest.raises(ValueError, match="'price'"):
        rfm_values(_frame(), customer="cust", date="day", amount="price", as_of="2024-03-31")
