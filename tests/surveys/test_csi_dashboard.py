"""The CSI dashboard: branch/region/segment/channel ranking with Holm marks, the minimum-n rule,
wave-over-wave change, the drill-down to items and comments, the cache and the API.

A small company (org_world: X=B01 and Z=B03 in region R1, Y=B02 in R2) answers two waves of
the demo questionnaire; Y is planted much lower in the second wave and delivery (C) improves
from the first wave to the second.
"""

import re
from datetime import date, datetime, timezone

import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client
from scipy import stats

from cxm.analytics.scoring import score_responses
from cxm.customers.models import Channel
from cxm.surveys import reports
from cxm.surveys.models import Response, Wave
from cxm.surveys.reports import change_between, wave_result
from cxm.surveys.selectors import wave_frame

pytestmark = pytest.mark.django_db

ELEMENTS = {"A": ("A11", "A12", "A13"), "B": ("B11", "B12", "B13"), "C": ("C11", "C12", "C13"),
            "D": ("D11", "D12"), "E": ("E11", "E12")}


def _answers(rng, n, shift):
    mood = rng.normal(0, 0.6, n)
    rows = [{} for _ in range(n)]
    level = np.zeros(n)
    for element, items in ELEMENTS.items():
        theta = 3.4 + mood + shift.get(element, 0.0)
        level += theta / len(ELEMENTS)
        for code in items:
            values = np.clip(np.rint(theta + rng.normal(0, 0.5, n)), 1, 5)
            for row, v in zip(rows, values):
                row[code] = int(v)
    overall = np.clip(np.rint(1 + 6 * (level - 1) / 4 + rng.normal(0, .4, n)), 1, 7)
    recommend = np.clip(np.rint(2.5 * (level - 1) + rng.normal(0, 1, n)), 0, 10)
    for row, ovr, ret, rec in zip(rows, overall, np.clip(np.rint(level), 1, 5), recommend):
        row.update(OVR=int(ovr), RET=int(ret), REC=int(rec))
    return rows


@pytest.fixture
def waves(open_survey):
    """Two waves (W1 closed, W-NOW open) of 60 answers per branch; Y drops by a lot in W-NOW."""
    cache.clear()
    world = open_survey.world
    online = Channel.objects.create(code="ONLINE", name_ko="온라인", name_en="Online", kind="online")
    w1 = Wave.objects.create(code="W1", questionnaire=open_survey.questionnaire, opens_on=date(2026, 1, 1),
                             closes_on=date(2026, 1, 31))
    rng = np.random.default_rng(11)
    rows = []
    for wave, day, delivery in ((w1, datetime(2026, 1, 10, tzinfo=timezone.utc), -0.6),
                                (open_survey.wave, datetime.now(timezone.utc), 0.2)):
        for unit, drop in ((world.x, 0.0), (world.y, -0.8 if wave is open_survey.wave else 0.0), (world.z, 0.0)):
            for i, answers in enumerate(_answers(rng, 60, {"C": delivery + drop, "A": drop, "B": drop, "D": drop})):
                rows.append(Response(wave=wave, org_unit=unit, submitted_at=day,
                                     channel=world.channel if i % 3 else online,
                                     segment="b2b" if i < 3 and unit == world.x else ("VIP" if i % 2 else "일반"),
                                     answers=answers))
    Response.objects.bulk_create(rows)
    return open_survey


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _html(user, url):
    response = _client(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _row(html, attr, value):
    return re.search(rf'<tr {attr}="{re.escape(value)}"[^>]*>(.*?)</tr>', html, re.S).group(1)


# ---------------------------------------------------------------- ranking
def test_the_branch_that_dropped_is_ranked_last_and_marked_lower_than_the_rest(waves):
    html = _html(waves.world.users.admin, "/surveys/csi/?wave=W-NOW&by=branch")
    ranks = dict(re.findall(r'data-group="([^"]+)" data-rank="(\d)"', html))
    assert ranks["B02"] == "3" and set(ranks) == {"B01", "B02", "B03"}
    assert 'data-mark="down"' in _row(html, "data-group", "B02")
    assert 'data-mark="down"' not in _row(html, "data-group", "B01") + _row(html, "data-group", "B03")


def test_the_ranking_p_values_are_holm_corrected_welch_tests_against_the_rest(waves):
    result = wave_result(user=waves.world.users.admin, wave=waves.wave)
    frame = wave_frame(user=waves.world.users.admin, wave=waves.wave)
    table = score_responses(frame, waves.questionnaire.parsed().elements, waves.questionnaire.parsed().overall)
    w = np.array([result.report["elements"][c]["weight"] for c in table.codes])
    contrib = table.elements @ w  # no missing answers: each respondent's own CSI
    branch = frame.get_column("branch").to_numpy()
    groups = {g["group"]: g for g in result.breakdowns["branch"]}
    ps = {b: stats.ttest_ind(contrib[branch == b], contrib[branch != b], equal_var=False).pvalue
          for b in ("B01", "B02", "B03")}
    order = sorted(ps, key=ps.get)  # Holm by hand: k * p, then running maximum
    adjusted, running = {}, 0.0
    for i, b in enumerate(order):
        running = max(running, min(1.0, (3 - i) * ps[b]))
        adjusted[b] = running
    for b in ps:
        assert groups[b]["csi"] == pytest.approx(contrib[branch == b].mean(), abs=1e-9)
        assert groups[b]["p_holm"] == pytest.approx(adjusted[b], abs=1e-12)


def test_region_segment_and_channel_breakdowns_are_offered(waves):
    admin = waves.world.users.admin
    assert set(re.findall(r'data-group="([^"]+)"', _html(admin, "/surveys/csi/?wave=W-NOW&by=region"))) == {"R1", "R2"}
    channels = _html(admin, "/surveys/csi/?wave=W-NOW&by=channel")
    assert set(re.findall(r'data-group="([^"]+)"', channels)) == {"STORE", "ONLINE"}
    assert "온라인" in channels  # groups are named, not coded


def test_a_group_below_the_minimum_shows_too_few_answers_and_no_rank(waves):
    html = _html(waves.world.users.admin, "/surveys/csi/?wave=W-NOW&by=segment")
    row = _row(html, "data-group", "b2b")
    assert 'data-testid="too-few"' in row and 'data-testid="group-csi"' not in row
    assert not re.search(r'data-group="b2b" data-rank', html)
    b2b = next(g for g in wave_result(user=waves.world.users.admin, wave=waves.wave).breakdowns["segment"]
               if g["group"] == "b2b")
    assert b2b["n"] == 3 < reports.MIN_RESPONSES and b2b["csi"] is None and b2b["p_holm"] is None


def test_a_branch_manager_ranks_only_their_own_branch(waves):
    html = _html(waves.world.users.branch_manager, "/surveys/csi/?wave=W-NOW&by=branch")
    assert re.findall(r'data-group="([^"]+)"', html) == ["B01"]


# ---------------------------------------------------------------- wave-over-wave change
def test_the_wave_change_matches_welch_on_the_respondents_element_scores(waves):
    admin = waves.world.users.admin
    before = wave_result(user=admin, wave=Wave.objects.get(code="W1"))
    after = wave_result(user=admin, wave=waves.wave)
    change = change_between(before, after)
    q = waves.questionnaire.parsed()
    scores = [score_responses(wave_frame(user=admin, wave=w), q.elements, q.overall).elements
              for w in (before.wave, after.wave)]
    ref = stats.ttest_ind(scores[1][:, 2], scores[0][:, 2], equal_var=False)
    assert change["elements"]["C"]["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert change["elements"]["C"]["diff"] == pytest.approx(
        after.report["elements"]["C"]["satisfaction"] - before.report["elements"]["C"]["satisfaction"], abs=1e-9)
    assert change["elements"]["C"]["mark"] == "up"


def test_the_change_is_marked_in_the_element_table_and_the_trend(waves):
    html = _html(waves.world.users.admin, "/surveys/csi/?wave=W-NOW")
    assert 'data-mark="up"' in _row(html, "data-element", "C")
    trend = _row(html, "data-wave", "W-NOW")
    assert re.search(r'data-testid="wave-change">[+-]\d', trend)
    assert _row(html, "data-wave", "W1").count("data-mark") == 0  # the first wave has nothing to compare with


# ---------------------------------------------------------------- drill-down
def test_the_element_drill_down_lists_its_items_with_the_reports_scores(waves):
    admin = waves.world.users.admin
    html = _html(admin, "/surveys/csi/W-NOW/C/")
    report = wave_result(user=admin, wave=waves.wave).report
    assert re.findall(r'<tr data-item="([^"]+)"', html) == ["C11", "C12", "C13"]
    for code in ("C11", "C12", "C13"):
        shown = re.search(r'data-testid="item-score">([^<]+)<', _row(html, "data-item", code)).group(1)
        assert float(shown) == pytest.approx(report["items"][code]["satisfaction"], abs=0.05)
        assert report["items"][code]["n"] == 180
    assert 'data-testid="item-portfolio-chart"' in html


def test_unknown_waves_and_elements_give_404(waves):
    client = _client(waves.world.users.admin)
    assert client.get("/surveys/csi/W-NOW/Q/").status_code == 404
    assert client.get("/surveys/csi/NOPE/C/").status_code == 404
    assert client.get("/surveys/csi/NOPE/comments/").status_code == 404


def _comment(wave, unit, text, customer=None, element="C"):
    return Response.objects.create(wave=wave, org_unit=unit, customer=customer, submitted_at=datetime.now(timezone.utc),
                                   answers={"C11": 1}, comments={element: text})


def test_comments_are_escaped(waves):
    _comment(waves.wave, waves.world.x, '<script>alert("x")</script><b>늦어요</b>')
    html = _html(waves.world.users.admin, "/surveys/csi/W-NOW/C/")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;늦어요&lt;/b&gt;" in html
    assert "<script>alert" not in html and "<b>늦어요" not in html


def test_a_branch_manager_reads_only_their_branchs_comments(waves):
    _comment(waves.wave, waves.world.x, "강남 배송 늦음")
    _comment(waves.wave, waves.world.y, "부산 배송 늦음")
    for url in ("/surveys/csi/W-NOW/C/", "/surveys/csi/W-NOW/comments/"):
        html = _html(waves.world.users.branch_manager, url)
        assert "강남 배송 늦음" in html and "부산 배송 늦음" not in html
    assert "부산 배송 늦음" in _html(waves.world.users.admin, "/surveys/csi/W-NOW/comments/")


def test_an_anonymous_wave_never_shows_who_answered(waves):
    customer = waves.world.customers["B01"]
    _comment(waves.wave, waves.world.x, "누가 썼을까", customer=customer)
    assert customer.customer_no in _html(waves.world.users.admin, "/surveys/csi/W-NOW/C/")
    Wave.objects.filter(pk=waves.wave.pk).update(anonymous=True)
    html = _html(waves.world.users.admin, "/surveys/csi/W-NOW/C/")
    assert "누가 썼을까" in html and customer.customer_no not in html
    assert 'data-testid="comment-customer"' not in html


def test_comments_are_paginated(waves):
    for i in range(25):
        _comment(waves.wave, waves.world.x, f"comment number {i:02d}", element="overall")
    client = _client(waves.world.users.admin)
    first = client.get("/surveys/csi/W-NOW/comments/").content.decode()
    second = client.get("/surveys/csi/W-NOW/comments/?page=2").content.decode()
    assert first.count('data-testid="comment"') == 20 and second.count('data-testid="comment"') == 5
    assert "comment number 24" in first and "comment number 00" in second


# ---------------------------------------------------------------- cache
def test_a_repeated_request_is_served_from_the_cache_and_a_new_answer_shows_up(waves, monkeypatch):
    admin = waves.world.users.admin
    calls = []
    score = reports._score
    monkeypatch.setattr(reports, "_score", lambda *a, **k: calls.append(1) or score(*a, **k))
    first = wave_result(user=admin, wave=waves.wave)
    assert wave_result(user=admin, wave=waves.wave).report == first.report and len(calls) == 1

    _comment(Wave.objects.get(code="W1"), waves.world.x, "another wave")  # leaves this wave's entry alone
    assert wave_result(user=admin, wave=waves.wave).n == first.n and len(calls) == 1
    Response.objects.create(wave=waves.wave, org_unit=waves.world.z, submitted_at=datetime.now(timezone.utc),
                            answers={code: 1 for items in ELEMENTS.values() for code in items} | {"OVR": 1})
    again = wave_result(user=admin, wave=waves.wave)
    assert len(calls) == 2 and again.n == first.n + 1 and again.report["csi"] < first.report["csi"]


def test_a_changed_answer_set_of_the_same_size_is_not_served_stale(waves):
    admin = waves.world.users.admin
    first = wave_result(user=admin, wave=waves.wave)
    victim = Response.objects.filter(wave=waves.wave, org_unit=waves.world.y).order_by("id").first()
    answers = {code: 5 for items in ELEMENTS.values() for code in items} | {"OVR": 7}
    victim.delete()
    Response.objects.create(wave=waves.wave, org_unit=waves.world.y, submitted_at=datetime.now(timezone.utc),
                            answers=answers)
    again = wave_result(user=admin, wave=waves.wave)
    assert again.n == first.n and again.report["csi"] != first.report["csi"]


def test_an_answer_edited_in_place_is_not_served_stale(waves):
    admin = waves.world.users.admin
    first = wave_result(user=admin, wave=waves.wave)
    edited = Response.objects.filter(wave=waves.wave, org_unit=waves.world.x).first()
    edited.answers = {code: 1 for items in ELEMENTS.values() for code in items} | {"OVR": 1}
    edited.save()  # count and ids unchanged
    again = wave_result(user=admin, wave=waves.wave)
    assert again.n == first.n and again.report["csi"] < first.report["csi"]


def test_the_cache_is_per_scope(waves):
    manager = wave_result(user=waves.world.users.branch_manager, wave=waves.wave)
    admin = wave_result(user=waves.world.users.admin, wave=waves.wave)
    assert manager.n == 60 and admin.n == 180
    assert [g["group"] for g in manager.breakdowns["branch"]] == ["B01"]


# ---------------------------------------------------------------- API
def _api(user):
    from cxm.org.services import api_token_create

    _, key = api_token_create(user=user, name="t")
    client = Client()
    return lambda url: client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_breakdown_api_gives_the_pages_numbers(waves):
    admin = waves.world.users.admin
    body = _api(admin)("/api/surveys/waves/W-NOW/breakdown?by=branch").json()
    html = _html(admin, "/surveys/csi/?wave=W-NOW&by=branch")
    assert body["n"] == 180 and body["min_responses"] == reports.MIN_RESPONSES
    for g in body["groups"]:
        shown = re.search(r'data-testid="group-csi">([^<]+)<', _row(html, "data-group", g["group"])).group(1)
        assert float(shown) == pytest.approx(g["csi"], abs=0.05)
    assert [g["group"] for g in body["groups"]][-1] == "B02" and body["groups"][-1]["mark"] == "down"
    segments = _api(admin)("/api/surveys/waves/W-NOW/breakdown?by=segment").json()["groups"]
    assert next(g for g in segments if g["group"] == "b2b")["ranked"] is False


def test_the_items_and_change_apis(waves):
    get = _api(waves.world.users.admin)
    body = get("/api/surveys/waves/W-NOW/elements/C/items").json()
    report = wave_result(user=waves.world.users.admin, wave=waves.wave).report
    assert [i["code"] for i in body["items"]] == ["C11", "C12", "C13"]
    assert body["items"][0]["satisfaction"] == pytest.approx(report["items"]["C11"]["satisfaction"])
    assert get("/api/surveys/waves/W-NOW/elements/Q/items").status_code == 404
    assert get("/api/surveys/waves/NOPE/breakdown").status_code == 404
    change = get("/api/surveys/waves/W-NOW/change").json()
    assert change["previous"] == "W1" and change["change"]["elements"]["C"]["mark"] == "up"
    assert get("/api/surveys/waves/W1/change").json()["change"] is None


def test_the_breakdown_api_is_scoped(waves):
    body = _api(waves.world.users.branch_manager)("/api/surveys/waves/W-NOW/breakdown?by=branch").json()
    assert [g["group"] for g in body["groups"]] == ["B01"]
    hidden = _api(waves.world.users.branch_manager)("/api/surveys/waves/W-NOW/breakdown?unit=B02").json()
    assert hidden["n"] == 0 and hidden["groups"] == []
