"""Chromium: a customer files a case with a script payload on the public form; an agent works it
to closed; the payload stays text everywhere."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # uploaded case files go to a temporary data directory


def test_public_case_with_payload_is_worked_to_closed_and_shown_inert(page, live_server, org_world):
    from django.core.cache import cache
    from django.utils import translation

    from cxm.voc.models import Case

    cache.clear()
    base = live_server.url

    # The customer: no account, the public form.
    page.goto(f"{base}/voc/new/")
    page.locator('select[name="branch"]').select_option(str(org_world.x.pk))
    page.locator('select[name="kind"]').select_option("complaint")
    page.locator('input[name="subject"]').fill(f"Subject {PAYLOAD}")
    page.locator('textarea[name="description"]').fill(f"Description {PAYLOAD}")
    page.locator('input[name="attachment"]').set_input_files(
        files=[{"name": "damage.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_test_id("public-case-submit").click()
    number = page.get_by_test_id("public-case-number").inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.channel == "web" and case.org_unit == org_world.x
    assert case.attachments.get().original_name == "damage.png"

    # The agent signs in and finds it in the unit's queue.
    page.goto(f"{base}/login/")
    page.locator('input[name="username"]').fill(org_world.users.agent.username)
    page.locator('input[name="password"]').fill(org_world.password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{base}/")
    page.locator('[data-nav="cases"]').click()
    page.wait_for_url(f"{base}/cases/")
    page.get_by_test_id("inbox-queue").click()
    assert page.get_by_test_id("case-subject").first.inner_text() == f"Subject {PAYLOAD}"
    page.locator(f'tr[data-case="{number}"] a').click()
    page.wait_for_url(f"{base}/cases/{number}/")

    def move(to: str, **fields) -> None:
        form = page.get_by_test_id("transition-form")
        form.locator('select[name="to"]').select_option(to)
        if "resolution" in fields:
            form.locator('textarea[name="resolution"]').fill(fields["resolution"])
        if "root_cause" in fields:
            form.locator('select[name="root_cause"]').select_option(fields["root_cause"])
        with page.expect_navigation():
            page.get_by_test_id("transition-submit").click()
        assert page.get_by_test_id("case-error").count() == 0

    # The customer's photo is on the case page and downloads (never opens inline).
    with page.expect_download() as download:
        page.get_by_test_id("attachment-link").first.click()
    assert download.value.suggested_filename == "damage.png"
    assert open(download.value.path(), "rb").read() == PNG
    # The agent adds a file of their own; a refused type shows a clear message.
    attach = page.get_by_test_id("attach-form")
    attach.locator('input[type="file"]').set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": "통화 기록".encode()}])
    with page.expect_navigation():
        page.get_by_test_id("attach-submit").click()
    assert page.get_by_test_id("attachment-link").all_inner_texts() == ["damage.png", "notes.txt"]
    page.get_by_test_id("attach-form").locator('input[type="file"]').set_input_files(
        files=[{"name": "run.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}])
    with page.expect_navigation():
        page.get_by_test_id("attach-submit").click()
    assert page.get_by_test_id("case-error").count() == 1
    assert page.get_by_test_id("attachment-link").count() == 2

    move("in_progress")
    move("resolved", resolution=f"Replaced the cart {PAYLOAD}", root_cause="facilities")
    move("closed")
    page.get_by_test_id("note-form").locator("textarea").fill(f"Note {PAYLOAD}")
    with page.expect_navigation():
        page.get_by_test_id("note-submit").click()

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.root_cause == "facilities"
    with translation.override("ko"):
        assert page.get_by_test_id("case-status").inner_text() == str(Case.Status.CLOSED.label)

    # Inert: the text is visible as typed, no script ran and no element came from the payload.
    assert page.evaluate("window.pwned") is None
    assert page.get_by_test_id("case-subject").inner_text() == f"Subject {PAYLOAD}"
    assert f"Description {PAYLOAD}" in page.get_by_test_id("case-description").inner_text()
    assert f"Replaced the cart {PAYLOAD}" in page.get_by_test_id("case-resolution").inner_text()
    assert f"Note {PAYLOAD}" in page.get_by_test_id("event-text").last.inner_text()
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('pwned')).length") == 0


def test_love_turned_to_hate_is_flagged_at_the_top_of_the_queue_and_on_the_case(page, live_server, org_world):
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from cxm.customers.models import Customer, Transaction
    from cxm.voc import services
    from cxm.voc.models import Case

    cache.clear()
    today = timezone.localdate()
    vip = Customer.objects.create(customer_no="VIP", name="단골", home_unit=org_world.x,
                                  joined_on=today - timedelta(days=800))
    Transaction.objects.create(txn_no="T-VIP", customer=vip, branch=org_world.x, channel=org_world.channel,
                               occurred_on=today - timedelta(days=800), amount=5_000_000, cost=1)
    # A second big spender lifts the top-20 % line (0.8 quantile of 3,000 x 3, 4 M, 5 M) to 4 M:
    # the ordinary customer (3,000) is below it.
    big = Customer.objects.create(customer_no="BIG", name="큰손", home_unit=org_world.y, joined_on=today)
    Transaction.objects.create(txn_no="T-BIG", customer=big, branch=org_world.y, channel=org_world.channel,
                               occurred_on=today, amount=4_000_000, cost=1)
    admin = org_world.users.admin
    ordinary = services.case_create(user=admin, kind=Case.Kind.COMPLAINT, channel=Case.Channel.STORE,
                                    org_unit=org_world.x, subject="ordinary", customer=org_world.customers["B01"])
    Case.objects.filter(pk=ordinary.pk).update(due_at=timezone.now() - timedelta(hours=1))  # overdue
    flagged = services.case_create(user=admin, kind=Case.Kind.COMPLAINT, channel=Case.Channel.STORE,
                                   org_unit=org_world.x, subject="vip", customer=vip)
    base = live_server.url
    page.goto(f"{base}/login/")
    page.locator('input[name="username"]').fill(org_world.users.agent.username)
    page.locator('input[name="password"]').fill(org_world.password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cases/?view=queue")
    rows = page.locator("tr[data-case]")
    assert rows.first.get_attribute("data-case") == flagged.number
    assert rows.first.get_by_test_id("love-to-hate").count() == 1
    assert page.locator(f'tr[data-case="{ordinary.number}"]').get_by_test_id("love-to-hate").count() == 0
    assert page.get_by_test_id("inbox-summary").get_attribute("data-flagged") == "1"
    rows.first.locator("a").first.click()
    page.wait_for_url(f"{base}/cases/{flagged.number}/")
    assert page.get_by_test_id("love-to-hate").is_visible()
