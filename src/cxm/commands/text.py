"""``cxm text keywords`` / ``cxm text topics``: text mining of a CSV/XLSX file of comments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from cxm.analytics.jsonsafe import finite_or_none as _num  # stdlib only: keeps `cxm --help` fast
from cxm.commands._common import fail

text_app = typer.Typer(help="Text mining of comments and case texts (Korean and English).", no_args_is_help=True)

LANGS = ("auto", "ko", "en")
FORMATS = ("json", "table")


def _read(path: Path, columns: dict[str, Optional[str]]):
    """The file as a polars frame, with every named column present (else ValueError)."""
    from cxm.analytics.io import read_table

    frame = read_table(path).frame
    for option, name in columns.items():
        if name is not None and name not in frame.columns:
            raise ValueError(f"{option}: no column {name!r} in the file; columns are {frame.columns}")
    return frame


def _tokens(frame, text_col: str, lang: str) -> list[list[str]]:
    import polars as pl

    from cxm.analytics.text.tokenize import Tokenizer

    return Tokenizer(lang=lang).tokenize_many(frame.get_column(text_col).cast(pl.String))


def keywords_report(path: Path, text_col: str, group_col: Optional[str] = None, lang: str = "auto",
                    top: int = 20, min_count: int = 1) -> dict:
    """Compute the ``cxm text keywords`` report (JSON contract on :func:`keywords_command`)."""
    import polars as pl

    from cxm.analytics.text.keywords import KeywordContrast

    frame = _read(path, {"--text-col": text_col, "--group-col": group_col})
    docs = _tokens(frame, text_col, lang)
    groups = None
    if group_col is not None:
        labels = frame.get_column(group_col).cast(pl.String)
        missing = labels.is_null().arg_true()
        if len(missing):
            raise ValueError(f"--group-col {group_col!r}: row {int(missing[0]) + 1} has no value")
        groups = labels.to_list()
    model = KeywordContrast(min_count=min_count).fit(docs, groups)
    best = model.top(top, positive_only=True)
    return {
        "method": model.method_,
        "n_docs": len(docs),
        "groups": {g: [{"term": k.term, "score": _num(k.score), "count": k.count} for k in kws]
                   for g, kws in best.items()},
    }


def topics_report(path: Path, text_col: str, k: int = 8, seed: int = 0, lang: str = "auto", terms: int = 10,
                  date_col: Optional[str] = None, score_col: Optional[str] = None, every: str = "1mo") -> dict:
    """Compute the ``cxm text topics`` report (JSON contract on :func:`topics_command`)."""
    import numpy as np
    import polars as pl

    from cxm.analytics.io import parse_numbers
    from cxm.analytics.text.topics import TopicModel

    frame = _read(path, {"--text-col": text_col, "--date-col": date_col, "--score-col": score_col})
    docs = _tokens(frame, text_col, lang)
    model = TopicModel(k=k, seed=seed, n_terms=terms).fit(docs)
    report: dict = {
        "method": "NMF over TF-IDF",
        "k": k,
        "seed": seed,
        "n_docs": len(docs),
        "topics": [{"id": t.id, "label": t.label, "terms": list(t.terms), "size": t.size} for t in model.topics_],
        "doc_topic": [int(t) for t in model.doc_topic_],
    }
    if date_col is not None:
        raw = frame.get_column(date_col)
        text = raw.cast(pl.String).str.strip_chars().str.slice(0, 10)  # XLSX cells read as "YYYY-MM-DD hh:mm:ss"
        dates = text.str.to_date("%Y-%m-%d", strict=False)
        bad = (text.is_not_null() & (text != "") & dates.is_null()).arg_true()
        if len(bad):
            row = int(bad[0])
            raise ValueError(f"--date-col {date_col!r}: row {row + 1} value {raw[row]!r} is not a date (YYYY-MM-DD)")
        trend = model.trend(dates, every=every)
        report["trend"] = [{"period": r["period"].isoformat(), "topic": r["topic"], "n": r["n"],
                            "share": _num(r["share"])} for r in trend.iter_rows(named=True)]
    if score_col is not None:
        raw = frame.get_column(score_col)
        values, bad = parse_numbers(raw)
        if len(bad):
            row = int(bad[0])
            raise ValueError(f"--score-col {score_col!r}: row {row + 1} value {raw[row]!r} is not a number")
        link = model.satisfaction(values.fill_null(np.nan).to_numpy())
        report["satisfaction"] = {
            "method": link.method, "n": link.nobs,
            "topics": [{"topic": r.topic, "label": r.label, "n": r.n, "mean": _num(r.mean), "n_rest": r.n_rest,
                        "mean_rest": _num(r.mean_rest), "difference": _num(r.difference), "t": _num(r.t),
                        "df": _num(r.df), "p_value": _num(r.p_value), "p_adjusted": _num(r.p_adjusted)}
                       for r in link.rows]}
    return report


def _echo_table(title: str, columns: list[str], rows: list[list]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for c in columns:
        table.add_column(c, justify="right" if c in ("score", "count", "size", "id", "n", "mean", "diff") else "left")
    for r in rows:
        table.add_row(*[str(v) for v in r])
    # markup=False: comment text is shown as is, never parsed as rich markup
    Console(markup=False, highlight=False).print(table)


def _check(lang: str, format: str) -> None:
    if lang not in LANGS:
        raise typer.BadParameter(f"unknown language {lang!r} (use auto, ko or en)", param_hint="--lang")
    if format not in FORMATS:
        raise typer.BadParameter(f"unknown format {format!r} (use json or table)", param_hint="--format")


def keywords_command(
    file: Path = typer.Argument(..., help="Comments file: .csv (UTF-8 or CP949) or .xlsx"),
    text_col: str = typer.Option(..., "--text-col", help="Column with the text"),
    group_col: Optional[str] = typer.Option(None, "--group-col", help="Column with the group (unit, period, ...)"),
    lang: str = typer.Option("auto", "--lang", help="auto|ko|en (auto: per text, from its Hangul share)"),
    top: int = typer.Option(20, "--top", min=1, help="Keywords per group"),
    min_count: int = typer.Option(1, "--min-count", min=1, help="Leave out terms seen fewer times in the file"),
    format: str = typer.Option("table", "--format", help="json|table"),
) -> None:
    """Keywords of each group against the other groups (weighted log-odds, Monroe et al. 2008).

    JSON (``--format json``, a stable contract): an object with one key per group label,
    each a list ``[{term, score, count}, ...]`` of at most ``--top`` terms, sorted by score
    (best first), terms as base forms (배송, 불친절, 늦다). ``score`` is the z-score of the
    log-odds ratio with an informative Dirichlet prior against all other groups (only
    terms over-represented in the group are listed), or with one group the occurrences per
    1,000 tokens; ``count`` is the term's occurrences in the group. Without
    ``--group-col`` the single group is called "all".
    """
    _check(lang, format)
    try:
        report = keywords_report(file, text_col, group_col, lang, top, min_count)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if format == "json":
        typer.echo(json.dumps(report["groups"], ensure_ascii=False, indent=2))
        return
    rows = [[g, i + 1, k["term"], f"{k['score']:.2f}", k["count"]]
            for g, kws in report["groups"].items() for i, k in enumerate(kws)]
    _echo_table(f"keywords ({report['method']}, {report['n_docs']} texts)", ["group", "rank", "term", "score", "count"],
                rows)


def topics_command(
    file: Path = typer.Argument(..., help="Comments file: .csv (UTF-8 or CP949) or .xlsx"),
    text_col: str = typer.Option(..., "--text-col", help="Column with the text"),
    k: int = typer.Option(8, "--k", min=1, help="Number of topics"),
    seed: int = typer.Option(0, "--seed", help="Random seed of the NMF initialisation"),
    lang: str = typer.Option("auto", "--lang", help="auto|ko|en"),
    terms: int = typer.Option(10, "--terms", min=1, help="Top terms listed per topic"),
    date_col: Optional[str] = typer.Option(None, "--date-col", help="Column with dates: adds the trend"),
    score_col: Optional[str] = typer.Option(None, "--score-col", help="Column with satisfaction scores: adds the link"),
    every: str = typer.Option("1mo", "--every", help="Trend period: 1w, 1mo, 1q or 1y"),
    format: str = typer.Option("table", "--format", help="json|table"),
) -> None:
    """Topics of the texts (NMF over TF-IDF), each labelled by its top terms.

    JSON keys (``--format json``, a stable contract): ``method``; ``k``; ``seed``;
    ``n_docs``; ``topics`` [{id, label, terms, size}] (id 0 = largest topic; label = top
    three terms joined by " · "; terms best first; size = rows assigned); ``doc_topic``
    [topic id of each data row, in file order; -1 for a row without usable words]. With
    ``--date-col``: ``trend`` [{period (ISO date of the period start), topic, n, share}];
    with ``--score-col``: ``satisfaction`` {method, n, topics: [{topic, label, n, mean,
    n_rest, mean_rest, difference, t, df, p_value, p_adjusted}]}, lowest mean first (Welch
    t-test of the topic against the other rows, Holm-adjusted).
    """
    _check(lang, format)
    if every not in ("1w", "1mo", "1q", "1y"):
        raise typer.BadParameter(f"unknown period {every!r} (use 1w, 1mo, 1q or 1y)", param_hint="--every")
    try:
        report = topics_report(file, text_col, k, seed, lang, terms, date_col, score_col, every)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if format == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    _echo_table(f"topics (NMF over TF-IDF, k={k}, seed={seed}, {report['n_docs']} texts)",
                ["id", "size", "label", "terms"],
                [[t["id"], t["size"], t["label"], ", ".join(t["terms"])] for t in report["topics"]])
    if "satisfaction" in report:
        _echo_table("satisfaction by topic (lowest first)", ["id", "label", "n", "mean", "diff", "p (Holm)"],
                    [[r["topic"], r["label"], r["n"], f"{r['mean']:.1f}" if r["mean"] is not None else "-",
                      f"{r['difference']:+.1f}" if r["difference"] is not None else "-",
                      f"{r['p_adjusted']:.2g}" if r["p_adjusted"] is not None else "-"]
                     for r in report["satisfaction"]["topics"]])


def register(app: typer.Typer) -> None:
    text_app.command("keywords")(keywords_command)
    text_app.command("topics")(topics_command)
    app.add_typer(text_app, name="text")
