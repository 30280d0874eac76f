"""``cxm text keywords`` / ``cxm text topics`` on generated CSV and XLSX files."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from cxm.analytics.text.synthetic import planted_comments
from cxm.analytics.text.tokenize import Tokenizer
from cxm.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def comments() -> pl.DataFrame:
    frame = planted_comments(300, seed=11, themes={"delivery": 1.0, "staff": 1.0, "price": 1.0},
                             score_means={"price": 40.0})
    # the delivery theme is planted in branch B02 only
    branch = np.where(frame.get_column("theme").to_numpy() == "delivery", "B02",
                      np.where(np.arange(frame.height) % 2 == 0, "B01", "B03"))
    return frame.with_columns(pl.Series("branch", branch))


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory, comments):
    path = tmp_path_factory.mktemp("text") / "comments.csv"
    comments.write_csv(path)
    return path


@pytest.fixture(scope="module")
def xlsx_file(tmp_path_factory, comments):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(comments.columns)
    for row in comments.iter_rows():
        ws.append(list(row))
    path = tmp_path_factory.mktemp("text") / "comments.xlsx"
    wb.save(path)
    return path


def _json(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_keywords_json_lists_terms_per_group_sorted_by_score(csv_file):
    report = _json(["text", "keywords", str(csv_file), "--text-col", "text", "--group-col", "branch",
                    "--top", "5", "--format", "json"])
    assert sorted(report) == ["B01", "B02", "B03"]
    for entries in report.values():
        assert set(entries[0]) == {"term", "score", "count"}
        scores = [e["score"] for e in entries]
        assert scores == sorted(scores, reverse=True) and len(entries) <= 5


def test_keywords_planted_branch_term_comes_first_with_its_count(csv_file, comments):
    report = _json(["text", "keywords", str(csv_file), "--text-col", "text", "--group-col", "branch",
                    "--format", "json"])
    first = report["B02"][0]
    b02 = comments.filter(pl.col("branch") == "B02").get_column("text")
    expected = sum(tokens.count(first["term"]) for tokens in Tokenizer().tokenize_many(b02))
    assert first["term"] in {"배송", "늦다", "도착", "택배"} and first["count"] == expected


def test_keywords_from_xlsx_equal_keywords_from_csv(csv_file, xlsx_file):
    args = ["--text-col", "text", "--group-col", "branch", "--format", "json"]
    assert _json(["text", "keywords", str(xlsx_file), *args]) == _json(["text", "keywords", str(csv_file), *args])


def test_keywords_without_groups_rank_by_frequency(csv_file):
    report = _json(["text", "keywords", str(csv_file), "--text-col", "text", "--top", "3", "--format", "json"])
    assert list(report) == ["all"]
    counts = [e["count"] for e in report["all"]]
    assert counts == sorted(counts, reverse=True)


def test_keywords_english_file(tmp_path):
    path = tmp_path / "en.csv"
    pl.DataFrame({"comment": ["The delivery was late", "Late delivery again", "Staff were rude",
                              "Rude staff at the desk"],
                  "kind": ["d", "d", "s", "s"]}).write_csv(path)
    report = _json(["text", "keywords", str(path), "--text-col", "comment", "--group-col", "kind",
                    "--lang", "en", "--format", "json"])
    assert {e["term"] for e in report["d"][:2]} == {"delivery", "late"}


def test_keywords_table_shows_the_terms(csv_file):
    result = runner.invoke(app, ["text", "keywords", str(csv_file), "--text-col", "text", "--group-col", "branch"])
    assert result.exit_code == 0 and "B02" in result.stdout and "score" in result.stdout


def test_topics_json_has_topics_and_a_topic_per_row(csv_file, comments):
    report = _json(["text", "topics", str(csv_file), "--text-col", "text", "--k", "3", "--seed", "1",
                    "--format", "json"])
    assert [set(t) for t in report["topics"]] == [{"id", "label", "terms", "size"}] * 3
    assert len(report["doc_topic"]) == comments.height
    assert sum(t["size"] for t in report["topics"]) == comments.height
    # the planted themes: each theme's rows fall (almost) all in one topic
    truth = comments.get_column("theme").to_numpy()
    got = np.array(report["doc_topic"])
    purity = sum(np.bincount(got[truth == th]).max() for th in ("delivery", "staff", "price")) / comments.height
    assert purity >= 0.95


def test_topics_with_dates_and_scores_add_trend_and_satisfaction(csv_file):
    report = _json(["text", "topics", str(csv_file), "--text-col", "text", "--k", "3", "--date-col", "date",
                    "--score-col", "score", "--every", "1q", "--format", "json"])
    assert {r["period"] for r in report["trend"]} == {"2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"}
    lowest = report["satisfaction"]["topics"][0]
    assert "가격" in lowest["label"] and lowest["difference"] < -20


def test_topics_from_xlsx_read_dates(xlsx_file):
    report = _json(["text", "topics", str(xlsx_file), "--text-col", "text", "--k", "3", "--date-col", "date",
                    "--format", "json"])
    assert sum(r["n"] for r in report["trend"]) == 300


def test_topics_table_shows_labels(csv_file):
    result = runner.invoke(app, ["text", "topics", str(csv_file), "--text-col", "text", "--k", "3"])
    assert result.exit_code == 0 and " · " in result.stdout


def test_markup_in_group_labels_is_printed_as_plain_text(tmp_path):
    path = tmp_path / "m.csv"
    pl.DataFrame({"t": ["배송이 늦어요"] * 3 + ["가격이 비싸요"] * 3,
                  "g": ["[red]A[/red]"] * 3 + ["B"] * 3}).write_csv(path)
    result = runner.invoke(app, ["text", "keywords", str(path), "--text-col", "t", "--group-col", "g"])
    assert result.exit_code == 0 and "[red]A[/red]" in result.stdout


def test_missing_column_exits_2_with_its_name(csv_file):
    result = runner.invoke(app, ["text", "keywords", str(csv_file), "--text-col", "nope"])
    assert result.exit_code == 2 and "'nope'" in result.stderr


def test_error_has_the_house_prefix(csv_file):
    result = runner.invoke(app, ["text", "topics", str(csv_file), "--text-col", "nope"])
    assert result.stderr.startswith("error: --text-col: no column 'nope' in the file")


def test_unknown_format_exits_2(csv_file):
    result = runner.invoke(app, ["text", "topics", str(csv_file), "--text-col", "text", "--format", "xml"])
    assert result.exit_code == 2


def test_unknown_language_exits_2(csv_file):
    result = runner.invoke(app, ["text", "keywords", str(csv_file), "--text-col", "text", "--lang", "jp"])
    assert result.exit_code == 2


def test_non_numeric_score_exits_2_with_the_value(tmp_path):
    path = tmp_path / "s.csv"
    pl.DataFrame({"t": ["배송이 늦어요", "가격이 비싸요", "직원이 불친절해요"] * 2,
                  "s": ["10", "20", "abc", "40", "", "60"]}).write_csv(path)
    result = runner.invoke(app, ["text", "topics", str(path), "--text-col", "t", "--k", "2", "--score-col", "s"])
    assert result.exit_code == 2 and "'abc'" in result.stderr and "row 3" in result.stderr


def test_missing_group_value_exits_2(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("t,g\n배송이 늦어요,A\n가격이 비싸요,\n", encoding="utf-8")
    result = runner.invoke(app, ["text", "keywords", str(path), "--text-col", "t", "--group-col", "g"])
    assert result.exit_code == 2 and "row 2" in result.stderr
