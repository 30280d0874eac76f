"""Language detection and tokenisation (cxm.analytics.text.lang / tokenize).

Kiwi's model loads once per test process: ``load_kiwi`` caches the analyser, and every
test here uses the default configuration so the CLI tests reuse the same instance.
"""

from __future__ import annotations

import numpy as np
import pytest

from cxm.analytics.text.lang import detect_language, detect_languages, hangul_ratio
from cxm.analytics.text.tokenize import Tokenizer, clean_texts, english_tokens, load_kiwi


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    tok = Tokenizer()
    tok.kiwi  # load once for the module (cached for the session)
    return tok


# --- language -----------------------------------------------------------------------------


def test_hangul_ratio_counts_hangul_among_letters():
    # 배송(2 syllables) + OK(2 letters): 2 / 4
    assert hangul_ratio(["배송 OK"])[0] == pytest.approx(0.5)


def test_hangul_ratio_is_nan_without_letters():
    assert np.isnan(hangul_ratio(["123 !!! 😀"])[0])


@pytest.mark.parametrize(("text", "lang"), [
    ("배송이 너무 늦어요", "ko"),
    ("The delivery was late", "en"),
    ("배송 OK 근데 box가 찢어짐", "ko"),
    ("Galaxy S24 케이스 is great value", "en"),
    ("ㅋㅋㅋㅋ", "ko"),
    ("", "unknown"),
    (None, "unknown"),
    ("😀 123 !!", "unknown"),
])
def test_detect_language_per_text(text, lang):
    assert detect_language(text) == lang


def test_detect_languages_keeps_order():
    assert detect_languages(["late", "늦어요", ""]).tolist() == ["en", "ko", "unknown"]


def test_detect_languages_rejects_a_threshold_outside_zero_one():
    with pytest.raises(ValueError, match="1.5"):
        detect_languages(["x"], threshold=1.5)


# --- Korean -------------------------------------------------------------------------------


def test_korean_sentence_gives_noun_and_verb_base_form(tokenizer):
    assert tokenizer.tokenize("배송이 너무 늦어요") == ["배송", "늦다"]


def test_user_dictionary_keeps_bulchinjeol_whole(tokenizer):
    assert "불친절" in tokenizer.tokenize("직원이 불친절했습니다")


def test_user_dictionary_keeps_bulchinjeol_before_an_adnominal_ending(tokenizer):
    assert tokenizer.tokenize("불친절한 직원") == ["불친절", "직원"]


def test_without_the_user_dictionary_kiwi_splits_bulchinjeol():
    plain = Tokenizer(user_words=())
    tokens = plain.tokenize("불친절한 직원")
    assert "불친절" not in tokens and "친절" in tokens


def test_user_dictionary_keeps_compound_domain_word(tokenizer):
    assert tokenizer.tokenize("배송지연 때문에 화가 나요")[0] == "배송지연"


def test_irregular_adjective_gets_its_dictionary_form(tokenizer):
    assert tokenizer.tokenize("너무 추워서 힘들었어요") == ["춥다", "힘들다"]


def test_adjective_root_is_kept(tokenizer):
    assert "깨끗" in tokenizer.tokenize("매장이 깨끗하고 좋아요")


def test_particles_endings_and_stopwords_are_dropped(tokenizer):
    tokens = tokenizer.tokenize("이번에 주문한 것이 좀 있었어요")
    assert tokens == ["주문"]


def test_user_word_with_a_space_is_rejected():
    with pytest.raises(ValueError, match="배송 지연"):
        load_kiwi(user_words=(("배송 지연", "NNG"),))


# --- English and mixed --------------------------------------------------------------------


def test_english_sentence_lowercased_without_stopwords_and_plurals(tokenizer):
    assert tokenizer.tokenize("The delivery was LATE!! Boxes broken, prices too high") == [
        "delivery", "late", "box", "broken", "price", "high"]


def test_english_possessive_and_ies_plural():
    assert english_tokens(["The staff's replies"]) == [["staff", "reply"]]


def test_mixed_text_keeps_korean_base_forms_and_latin_words(tokenizer):
    assert tokenizer.tokenize("배송 OK 근데 box가 찢어짐") == ["배송", "ok", "box", "찢어지다"]


def test_forced_english_drops_hangul():
    assert Tokenizer(lang="en").tokenize("배송 late") == ["late"]


def test_unknown_language_option_is_rejected():
    with pytest.raises(ValueError, match="'jp'"):
        Tokenizer(lang="jp").tokenize_many(["x"])


# --- empty and noisy input ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", None, "   ", "ㅋㅋㅋㅋ 😀👍 123 !!!", "<br/>"])
def test_texts_without_content_give_no_tokens(tokenizer, text):
    assert tokenizer.tokenize(text) == []


def test_markup_is_removed_as_text_not_interpreted(tokenizer):
    tokens = tokenizer.tokenize('<b onclick="x()">배송</b> 늦어요 <script>alert(1)</script>')
    assert tokens[:2] == ["배송", "늦다"] and "script" not in tokens and "onclick" not in tokens


def test_escaped_markup_is_decoded_then_removed():
    assert clean_texts(["&lt;b&gt;배송&lt;/b&gt; &amp;lt;"]).to_list() == [" 배송  &lt;"]


def test_urls_and_email_addresses_give_no_tokens(tokenizer):
    assert tokenizer.tokenize("배송 https://example.com/track?id=1 문의 help@example.com") == ["배송", "문의"]


def test_batch_matches_one_by_one_and_keeps_order(tokenizer):
    texts = ["배송이 너무 늦어요", "late delivery", None, "직원이 불친절했습니다", "가격이 비싸요", ""]
    assert tokenizer.tokenize_many(texts) == [tokenizer.tokenize(t) for t in texts]


def test_empty_batch_gives_empty_list(tokenizer):
    assert tokenizer.tokenize_many([]) == []


def test_identical_texts_get_equal_but_separate_token_lists(tokenizer):
    first, second = tokenizer.tokenize_many(["배송이 늦어요", "배송이 늦어요"])
    assert first == second == ["배송", "늦다"] and first is not second
