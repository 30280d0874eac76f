"""Bench: tokenisation, keywords and topics on 100,000 generated Korean comments (issue 7).

Targets: tokenisation >= 2,000 comments/s per core; the whole pipeline (Kiwi load,
tokenise all comments, keywords per branch, NMF topics with trend and satisfaction link)
under 60 s. Baselines measured in the same run:

* tokenisation: a one-by-one ``Kiwi.tokenize(text)`` loop (same Kiwi, same filters) on a
  sample, against the batched, multi-threaded ``Tokenizer.tokenize_many``;
* keywords: a straightforward pure-Python version (``collections.Counter`` per group and
  a loop over terms with ``math.log``) against the vectorised ``KeywordContrast``; both
  must give the same z-scores.

Run: ``.venv/bin/python bench/text_mining.py [--n 100000] [--sample 5000]``
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections import Counter

import numpy as np
import polars as pl

from cxm.analytics.text.keywords import KeywordContrast
from cxm.analytics.text.synthetic import planted_comments
from cxm.analytics.text.tokenize import KOREAN_STOPWORDS, Tokenizer, clean_texts, load_kiwi
from cxm.analytics.text.topics import TopicModel


def one_by_one(kiwi, texts: list[str]) -> list[list[str]]:
    """Baseline: one Kiwi call per comment, then the same tag filter as Tokenizer (Korean text only)."""
    out = []
    for text in texts:
        tokens = []
        for m in kiwi.tokenize(text, normalize_coda=True):
            if m.tag in ("NNG", "NNP", "XR"):
                word = m.form
            elif m.tag[:2] in ("VV", "VA"):
                word = m.form + "다"
            else:
                continue
            if word not in KOREAN_STOPWORDS:
                tokens.append(word)
        out.append(tokens)
    return out


def counter_log_odds(docs: list[list[str]], groups: list[str]) -> dict[tuple[str, str], float]:
    """Baseline: Monroe et al. (2008) z-scores with Counters and a loop over terms."""
    per_group: dict[str, Counter] = {}
    for doc, g in zip(docs, groups):
        per_group.setdefault(g, Counter()).update(doc)
    total = Counter()
    for c in per_group.values():
        total.update(c)
    N = sum(total.values())
    z = {}
    for g, c in per_group.items():
        n_i = sum(c.values())
        n_j = N - n_i
        for w, a in total.items():
            y_i = c.get(w, 0)
            y_j = a - y_i
            delta = (math.log((y_i + a) / (n_i + N - y_i - a)) - math.log((y_j + a) / (n_j + N - y_j - a)))
            z[(g, w)] = delta / math.sqrt(1 / (y_i + a) + 1 / (y_j + a))
    return z


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000, help="comments for the one-by-one baseline")
    parser.add_argument("--per-core", type=int, default=10_000, help="comments for the single-thread measure")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    start = time.perf_counter()

    frame = planted_comments(args.n, seed=2026, themes={"delivery": 1.0, "staff": 1.0, "price": 1.0, "praise": 1.0},
                             score_means={"delivery": 62.0, "staff": 66.0, "price": 45.0, "praise": 85.0},
                             rising="delivery")
    rng = np.random.default_rng(1)
    branch = np.char.add("B", np.char.zfill(rng.integers(1, 21, args.n).astype(str), 2))
    # plant delivery trouble in B07: a third of its comments are about delivery on top
    b07 = branch == "B07"
    texts = frame.get_column("text").to_numpy().astype(object)
    texts[b07 & (rng.random(args.n) < 0.33)] += " 배송지연 너무 심해요"
    frame = frame.with_columns(pl.Series("text", texts.tolist(), dtype=pl.String), pl.Series("branch", branch))
    texts = frame.get_column("text").to_list()
    t_gen = time.perf_counter() - start
    n_distinct = frame.get_column("text").n_unique()
    print(f"generated {args.n:,} comments ({n_distinct:,} distinct) in {t_gen:.2f} s  (cores: {cores})")

    # --- the pipeline -------------------------------------------------------------------
    pipeline_start = time.perf_counter()
    t = time.perf_counter()
    tokenizer = Tokenizer()
    tokenizer.tokenize("배송이 늦어요")  # load the model and warm it up
    t_load = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    docs = tokenizer.tokenize_many(texts)
    t_tok, c_tok = time.perf_counter() - t, time.process_time() - c
    rate_all = args.n / t_tok
    t = time.perf_counter()
    keywords = KeywordContrast(min_count=5).fit(docs, frame.get_column("branch").to_list())
    top = keywords.top(5, positive_only=True)
    t_kw = time.perf_counter() - t
    t = time.perf_counter()
    topics = TopicModel(k=4, seed=0).fit(docs)
    trend = topics.trend(frame.get_column("date"), every="1q")
    link = topics.satisfaction(frame.get_column("score").to_numpy())
    t_topics = time.perf_counter() - t
    t_pipeline = time.perf_counter() - pipeline_start

    # --- measures and baselines ---------------------------------------------------------
    # distinct comments only, so that the per-core figure owes nothing to de-duplication
    distinct = frame.get_column("text").unique(maintain_order=True).to_list()
    single = Tokenizer(n_jobs=1)
    single.tokenize("배송이 늦어요")
    sub = distinct[: args.per_core]
    t, c = time.perf_counter(), time.process_time()
    single.tokenize_many(sub)
    rate_one, rate_one_cpu = len(sub) / (time.perf_counter() - t), len(sub) / (time.process_time() - c)

    t = time.perf_counter()
    tokenizer.tokenize_many(sub)
    rate_threads = len(sub) / (time.perf_counter() - t)

    sample = distinct[: args.sample]
    kiwi_one = load_kiwi(n_jobs=1)
    cleaned = clean_texts(sample).to_list()
    t, c = time.perf_counter(), time.process_time()
    base_docs = one_by_one(kiwi_one, cleaned)
    rate_base, rate_base_cpu = len(sample) / (time.perf_counter() - t), len(sample) / (time.process_time() - c)
    same = base_docs == single.tokenize_many(sample)

    groups = frame.get_column("branch").to_list()
    t = time.perf_counter()
    kw_plain = KeywordContrast().fit(docs, groups)
    t_kw_plain = time.perf_counter() - t
    t = time.perf_counter()
    z_base = counter_log_odds(docs, groups)
    t_kw_base = time.perf_counter() - t
    gi = {g: i for i, g in enumerate(kw_plain.groups_)}
    vi = {w: j for j, w in enumerate(kw_plain.vocabulary_)}
    keys = list(z_base)
    ours = kw_plain.zscores_[[gi[g] for g, _ in keys], [vi[w] for _, w in keys]]
    max_diff = float(np.max(np.abs(ours - np.array([z_base[k] for k in keys]))))

    # --- report -------------------------------------------------------------------------
    truth = frame.get_column("theme").to_numpy()
    assigned = topics.doc_topic_
    purity = sum(np.bincount(assigned[truth == th][assigned[truth == th] >= 0]).max()
                 for th in np.unique(truth)) / args.n
    print()
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (other jobs slow the wall figures)")
    print(f"Kiwi load + warm-up          {t_load:7.2f} s")
    print(f"tokenise all {args.n:,} (batch, {cores} threads, duplicates once) {t_tok:7.2f} s"
          f"  = {rate_all:8,.0f} comments/s  ({args.n / c_tok:,.0f} per CPU-second)")
    # CPU-seconds make the per-core figure robust to other load on a shared machine
    print(f"tokenise {len(sub):,} distinct (batch, 1 thread)  = {rate_one:8,.0f} comments/s wall,"
          f" {rate_one_cpu:,.0f} per CPU-second  (target >= 2,000 per core:"
          f" {'met' if max(rate_one, rate_one_cpu) >= 2000 else 'NOT met'})")
    print(f"tokenise {len(sub):,} distinct (batch, {cores} threads) = {rate_threads:8,.0f} comments/s wall")
    print(f"baseline one-by-one Kiwi.tokenize on {len(sample):,} distinct: {rate_base:8,.0f} comments/s wall,"
          f" {rate_base_cpu:,.0f} per CPU-second")
    print(f"  ratios: batch 1 thread / baseline {rate_one / rate_base:.2f}x wall, {rate_one_cpu / rate_base_cpu:.2f}x CPU;"
          f" batch {cores} threads / baseline {rate_threads / rate_base:.2f}x wall;"
          f" full pipeline tokenisation (threads + duplicates once) / baseline {rate_all / rate_base:.2f}x wall"
          f"  (same tokens: {same})")
    print(f"keywords per branch (20 groups, min_count=5) {t_kw:6.2f} s")
    print(f"keywords all terms: vectorised {t_kw_plain:.3f} s vs Counter baseline {t_kw_base:.3f} s"
          f"  -> {t_kw_base / t_kw_plain:.1f}x  (max |z diff| {max_diff:.2e})")
    print(f"topics: NMF k=4 + trend + satisfaction {t_topics:6.2f} s  ({topics.n_iter_} iterations)")
    print(f"PIPELINE (load + tokenise + keywords + topics) {t_pipeline:6.2f} s"
          f"  (target < 60 s: {'met' if t_pipeline < 60 else 'NOT met'})")
    print(f"whole bench incl. generation and baselines   {time.perf_counter() - start:6.2f} s")
    print()
    print("B07 top keywords:", ", ".join(f"{k.term} ({k.score:.1f}, n={k.count})" for k in top["B07"]))
    print(f"topics (doc purity against the planted themes {purity:.3f}):")
    for tp in topics.topics_:
        print(f"  {tp.id}: {tp.label:<22} size {tp.size:6,}  terms {', '.join(tp.terms[:6])}")
    delivery = next(tp.id for tp in topics.topics_ if "배송" in tp.terms[:3])
    shares = trend.filter(pl.col("topic") == delivery).sort("period").get_column("share").to_list()
    print("delivery topic share per quarter:", ", ".join(f"{s:.2f}" for s in shares))
    low = link.rows[0]
    print(f"lowest satisfaction: topic {low.topic} ({low.label}) mean {low.mean:.1f} vs {low.mean_rest:.1f}"
          f" (diff {low.difference:+.1f}, Holm p {low.p_adjusted:.1e})")


if __name__ == "__main__":
    main()
