"""Tokens for text mining: Korean base forms with Kiwi, English words with a regex.

Korean text goes through the Kiwi morphological analyser (kiwipiepy; its model ships in
the ``kiwipiepy-model`` wheel, so nothing is downloaded at run time). We keep the
morphemes that carry content and give them as base forms:

* nouns (NNG, NNP) as they are: 배송, 직원, 가격;
* verb and adjective stems (VV, VA, also their irregular variants such as VA-I) with
  the dictionary ending 다: 늦어요 -> 늦다, 비싸요 -> 비싸다, 추워서 -> 춥다;
* roots (XR): 깨끗하고 -> 깨끗;
* Latin words inside Korean text (SL) through the English rules below.

A user dictionary adds domain words Kiwi would split (불친절 would be 불 + 친절,
배송지연 would be 배송 + 지연). English text is lower-cased, cut into words with a plain
regex, stripped of stop words and lightly normalised (plural -s, possessive 's).

Texts are plain strings: HTML-ish markup is taken apart as text (entities decoded,
tags dropped), never interpreted or evaluated. URLs, e-mail addresses, mentions,
hashtags, emoji, numbers and punctuation yield no tokens.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from cxm.analytics.text.lang import detect_languages

if TYPE_CHECKING:  # pragma: no cover
    from kiwipiepy import Kiwi

__all__ = [
    "DEFAULT_USER_WORDS",
    "KOREAN_STOPWORDS",
    "ENGLISH_STOPWORDS",
    "Tokenizer",
    "clean_texts",
    "english_tokens",
    "load_kiwi",
]

# (word, POS tag) pairs for domain words of complaints that Kiwi's dictionary splits.
DEFAULT_USER_WORDS: tuple[tuple[str, str], ...] = (
    ("불친절", "NNG"),
    ("배송지연", "NNG"),
    ("배송비", "NNG"),
    ("오배송", "NNG"),
    ("택배사", "NNG"),
    ("가성비", "NNG"),
    ("불량품", "NNG"),
    ("환불요청", "NNG"),
    ("고객센터", "NNG"),
    ("상담원", "NNG"),
    ("대기시간", "NNG"),
    ("응대", "NNG"),
)
# Score given to user words: 0 is not enough for 불친절 before 하다 (불/XPN + 친절 wins).
USER_WORD_SCORE = 5.0

# Base forms with little content in complaints and comments.
KOREAN_STOPWORDS: frozenset[str] = frozenset({
    "하다", "되다", "있다", "같다", "이렇다", "그렇다", "저렇다", "어떻다", "이다", "아니다",
    "보다", "주다", "받다", "드리다", "오다", "가다", "싶다", "않다", "말다", "나다",
    "것", "거", "수", "등", "때", "중", "번", "점", "곳", "분", "개", "명", "측",
    "이번", "저희", "제", "정도", "부분", "경우", "때문", "관련", "오늘", "어제", "요즘",
})

ENGLISH_STOPWORDS: frozenset[str] = frozenset("""
a about above after again against all am an and any are aren as at be because been before being
below between both but by can cannot could couldn did didn do does doesn doing don down during each
few for from further had hadn has hasn have haven having he her here hers herself him himself his how
i if in into is isn it its itself just let me more most mustn my myself no nor not now of off on once
only or other ought our ours ourselves out over own same shan she should shouldn so some such than
that the their theirs them themselves then there these they this those through to too under until up
very was wasn we were weren what when where which while who whom why will with won would wouldn you
your yours yourself yourselves also get got really would could ll re ve im ive youre dont cant wont
didnt isnt wasnt one us go going still even much many lot thing things way
""".split())

# Kiwi tags kept, by how they become a token.
_NOUN_TAGS = frozenset({"NNG", "NNP"})
_PREDICATE_TAGS = frozenset({"VV", "VA"})  # stems: add 다; irregular variants carry a suffix (VA-I)
_ROOT_TAGS = frozenset({"XR"})
_LATIN_TAGS = frozenset({"SL"})

_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'", "&apos;": "'",
             "&nbsp;": " ", "&amp;": "&"}

_KIWI_CACHE: dict[tuple, "Kiwi"] = {}
_KIWI_LOCK = threading.Lock()


def load_kiwi(*, user_words: Sequence[tuple[str, str]] = DEFAULT_USER_WORDS, n_jobs: int | None = None) -> "Kiwi":
    """A Kiwi analyser with the user dictionary, built once per (user words, workers).

    Loading the model takes about two seconds, so analysers are cached for the process.

    Parameters
    ----------
    user_words : (word, tag) pairs added with ``Kiwi.add_user_word``.
    n_jobs : worker threads for batch analysis; ``None`` = all cores.
    """
    workers = _workers(n_jobs)
    key = (tuple((str(w), str(t)) for w, t in user_words), workers)
    for word, _ in key[0]:
        if not word or any(ch.isspace() for ch in word):
            raise ValueError(f"a user word must be one non-empty word, got {word!r}")
    with _KIWI_LOCK:
        kiwi = _KIWI_CACHE.get(key)
        if kiwi is None:
            from kiwipiepy import Kiwi

            # an explicit count: kiwipiepy >= 0.21 reads -1 as "all cores"
            kiwi = Kiwi(num_workers=workers)
            for word, tag in key[0]:
                kiwi.add_user_word(word, tag, USER_WORD_SCORE)
            _KIWI_CACHE[key] = kiwi
    return kiwi


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a batch.

    A batch creates millions of short-lived Kiwi token objects next to a growing list of
    results; each allocation burst triggers collections that rescan all those results
    (about a third of the run time on 100,000 comments). Nothing here forms reference
    cycles, so plain reference counting frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _workers(n_jobs: int | None) -> int:
    if n_jobs is None:
        return max(1, os.cpu_count() or 1)
    if not isinstance(n_jobs, (int, np.integer)) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive integer or None, got {n_jobs!r}")
    return int(n_jobs)


def clean_texts(texts: Sequence[str | None] | pl.Series) -> pl.Series:
    """Plain text ready for analysis: entities decoded, tags, URLs and e-mail addresses dropped.

    Works on all texts at once in polars. ``None`` becomes the empty string. The text is
    never interpreted: markup is only removed so that tag names do not become words.
    """
    series = texts if isinstance(texts, pl.Series) else pl.Series("text", list(texts), dtype=pl.String)
    series = series.cast(pl.String).fill_null("")
    for entity, char in _ENTITIES.items():  # &amp; last so "&amp;lt;" stays literal text
        series = series.str.replace_all(entity, char, literal=True)
    return (
        series.str.replace_all(r"(?s)<[^<>]{0,300}>", " ")
        .str.replace_all(r"(?i)\b(?:https?://|www\.)\S+", " ")
        .str.replace_all(r"\S+@\S+\.\w+", " ")
    )


def _normalise_english(words: pl.Series) -> pl.Series:
    """Light normalisation of lower-case words: possessive 's, plurals (boxes, delays, replies)."""
    return (
        words.str.replace(r"'s$", "")
        .str.replace(r"'", "")
        .str.replace(r"(ss|x|ch|sh)es$", "$1")
        .str.replace(r"([a-z]{2,})ies$", "${1}y")
        .str.replace(r"([a-z]{2,}[^sui'])s$", "$1")
    )


def english_tokens(texts: Sequence[str | None] | pl.Series, *, stopwords: frozenset[str] = ENGLISH_STOPWORDS,
                   min_length: int = 2) -> list[list[str]]:
    """English word tokens per text (lower case, stop words out, light normalisation).

    Vectorised in polars: one regex extraction over all texts, one normalisation pass
    over all words, then the words are gathered back per text.
    """
    series = clean_texts(texts)
    n = len(series)
    if n == 0:
        return []
    words = (
        pl.DataFrame({"doc": np.arange(n, dtype=np.int64), "w": series.str.to_lowercase().str.extract_all(r"[a-z]+(?:'[a-z]+)?")})
        .explode("w")
        .drop_nulls("w")
    )
    if words.height:
        stop = pl.Series(sorted(stopwords), dtype=pl.String).implode()
        words = words.filter(~pl.col("w").is_in(stop))  # before normalising: "was" is a stop word, "wa" is not
        words = words.with_columns(_normalise_english(words.get_column("w")).alias("w"))
        words = words.filter((pl.col("w").str.len_chars() >= min_length) & ~pl.col("w").is_in(stop))
    grouped = words.group_by("doc", maintain_order=True).agg(pl.col("w"))
    out: list[list[str]] = [[] for _ in range(n)]
    for doc, ws in zip(grouped.get_column("doc").to_list(), grouped.get_column("w").to_list()):
        out[doc] = ws
    return out


class Tokenizer:
    """Turn texts into content tokens (base forms), Korean and English.

    Parameters
    ----------
    lang : ``"auto"`` (detect per text from its Hangul share), ``"ko"`` or ``"en"``.
    user_words : (word, POS tag) pairs for Kiwi's user dictionary; default
        :data:`DEFAULT_USER_WORDS` (불친절, 배송지연, ...).
    korean_stopwords, english_stopwords : base forms to drop.
    n_jobs : Kiwi worker threads for batches; ``None`` = all cores.
    min_length : shortest English token kept (Korean one-syllable nouns such as 맛 stay).

    Notes
    -----
    Batches go through ``Kiwi.tokenize`` with an iterable of texts, which Kiwi spreads over
    its worker threads in C++; one call per text would serialise the work and pay the
    Python overhead per call (bench/text_mining.py measures both). Identical texts in a
    batch are analysed once, and the cyclic garbage collector is paused during a batch.

    Examples
    --------
    >>> Tokenizer().tokenize("배송이 너무 늦어요")  # doctest: +SKIP
    ['배송', '늦다']
    """

    def __init__(self, lang: str = "auto", *, user_words: Sequence[tuple[str, str]] = DEFAULT_USER_WORDS,
                 korean_stopwords: frozenset[str] = KOREAN_STOPWORDS,
                 english_stopwords: frozenset[str] = ENGLISH_STOPWORDS,
                 n_jobs: int | None = None, min_length: int = 2) -> None:
        self.lang = lang
        self.user_words = user_words
        self.korean_stopwords = korean_stopwords
        self.english_stopwords = english_stopwords
        self.n_jobs = n_jobs
        self.min_length = min_length

    @property
    def kiwi(self) -> "Kiwi":
        """The (cached) Kiwi analyser for this tokenizer's user dictionary and workers."""
        return load_kiwi(user_words=self.user_words, n_jobs=self.n_jobs)

    def tokenize(self, text: str | None) -> list[str]:
        """Tokens of one text."""
        return self.tokenize_many([text])[0]

    def tokenize_many(self, texts: Iterable[str | None] | pl.Series) -> list[list[str]]:
        """Tokens of each text, in order (an empty list for a text without content words).

        Parameters
        ----------
        texts : the texts; ``None`` counts as empty.

        Returns
        -------
        One list of base-form tokens per text.
        """
        if self.lang not in ("auto", "ko", "en"):
            raise ValueError(f"lang must be 'auto', 'ko' or 'en', got {self.lang!r}")
        series = texts if isinstance(texts, pl.Series) else pl.Series("text", list(texts), dtype=pl.String)
        n = len(series)
        if n == 0:
            return []
        cleaned = clean_texts(series)
        if self.lang == "auto":
            langs = detect_languages(cleaned)
        else:
            langs = np.full(n, self.lang)
        out: list[list[str]] = [[] for _ in range(n)]
        ko = np.flatnonzero(langs == "ko")
        en = np.flatnonzero(langs == "en")
        if ko.size:
            # identical comments ("좋아요", "만족합니다") are analysed once
            korean = cleaned.gather(ko)
            distinct = korean.unique(maintain_order=True)
            inverse = korean.cast(pl.Enum(distinct)).to_physical().to_numpy()
            analysed = self._korean(distinct.to_list())
            for i, j in zip(ko.tolist(), inverse.tolist()):
                out[i] = list(analysed[j])
        if en.size:
            for i, tokens in zip(en.tolist(), english_tokens(cleaned.gather(en), stopwords=self.english_stopwords,
                                                           min_length=self.min_length)):
                out[i] = tokens
        return out

    def _korean(self, texts: list[str]) -> list[list[str]]:
        with _gc_paused():
            return self._korean_tokens(texts)

    def _korean_tokens(self, texts: list[str]) -> list[list[str]]:
        stop = self.korean_stopwords
        results = self.kiwi.tokenize(texts, normalize_coda=True)
        out: list[list[str]] = []
        latin: list[tuple[int, int, str]] = []  # (doc, position, word) to normalise in one pass
        for d, morphs in enumerate(results):
            tokens: list[str] = []
            for m in morphs:
                tag = m.tag
                if tag in _NOUN_TAGS or tag in _ROOT_TAGS:
                    word = m.form
                elif tag[:2] in _PREDICATE_TAGS:
                    word = m.form + "다"
                elif tag in _LATIN_TAGS:
                    latin.append((d, len(tokens), m.form.lower()))
                    tokens.append("")
                    continue
                else:
                    continue
                if word not in stop:
                    tokens.append(word)
            out.append(tokens)
        if latin:
            self._fill_latin(out, latin)
        return out

    def _fill_latin(self, out: list[list[str]], latin: list[tuple[int, int, str]]) -> None:
        words = pl.Series("w", [w for _, _, w in latin], dtype=pl.String)
        stop = pl.Series(sorted(self.english_stopwords), dtype=pl.String).implode()
        normal = _normalise_english(words)
        keep = ~words.is_in(stop) & ~normal.is_in(stop) & (normal.str.len_chars() >= self.min_length)
        touched: set[int] = set()
        for (d, pos, _), word, ok in zip(latin, normal.to_list(), keep.to_list()):
            out[d][pos] = word if ok else ""
            touched.add(d)
        for d in touched:
            out[d] = [t for t in out[d] if t]
