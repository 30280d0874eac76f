"""Chromium: a customer files a case with a script payload on the public form; an agent works it
to closed; the payload stays text everywhere."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


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
    page.get_by_test_id("public-case-submit").click()
    number = page.get_by_test_id("public-case-number").inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.channel == "web" and case.org_unit == org_world.x

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
