"""Test set-up shared by the whole suite.

``pytest --db=postgres`` runs the database tests against a real PostgreSQL server that the
suite starts (and deletes) itself; the default is the embedded SQLite.
"""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would
# otherwise refuse the fixtures' database calls made from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 is slow on purpose; tests that are not about hashing use a fast hasher.

    Mark a test ``@pytest.mark.real_hashers`` to keep the production hashers.
    """
    if request.node.get_closest_marker("real_hashers") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_addoption(parser):
    parser.addoption("--db", choices=["sqlite", "postgres"], default="sqlite",
                     help="database the store tests run on (postgres starts a throwaway server)")


@pytest.fixture(scope="session")
def database_kind(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, database_kind):
    if database_kind != "postgres":
        return
    import dj_database_url
    from django.conf import settings

    from cxm.devtools.pgserver import ThrowawayPostgres

    server = ThrowawayPostgres.start()
    request.addfinalizer(server.stop)
    conf = dj_database_url.parse(server.url)
    default = settings.DATABASES["default"]
    default.clear()
    default.update(conf)
    default.update({"OPTIONS": {}, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True,
                    "ATOMIC_REQUESTS": False})
    from django.db import connections

    # The connection object was made from the SQLite settings at start-up: drop it.
    connections.close_all()
    del connections["default"]
    connections.configure_settings(settings.DATABASES)  # fills the TEST defaults in place


# --- A small company shared by the access, API and audit tests -------------------------------

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def org_world(db):
    """HQ -> two regions -> branches X (B01) and Y (B02) and Z (B03), one customer and one
    transaction in each branch, and a user of every role.

    The branch manager of X and the agent of X's team must never see Y's rows.
    """
    from datetime import date
    from types import SimpleNamespace

    from cxm.customers.models import Channel, Customer, Product, Transaction, TransactionLine
    from cxm.org.models import OrgUnit, User

    hq = OrgUnit.objects.create(code="HQ", name_ko="본사", name_en="Head office", kind="company")
    r1 = OrgUnit.objects.create(code="R1", name_ko="수도권", name_en="Capital area", kind="region", parent=hq)
    r2 = OrgUnit.objects.create(code="R2", name_ko="영남", name_en="Yeongnam", kind="region", parent=hq)
    x = OrgUnit.objects.create(code="B01", name_ko="강남점", name_en="Gangnam", kind="branch", parent=r1)
    y = OrgUnit.objects.create(code="B02", name_ko="부산점", name_en="Busan", kind="branch", parent=r2)
    z = OrgUnit.objects.create(code="B03", name_ko="일산점", name_en="Ilsan", kind="branch", parent=r1)
    x_team = OrgUnit.objects.create(code="B01-CS", name_ko="강남점 CS팀", name_en="Gangnam CS", kind="team", parent=x)
    store = Channel.objects.create(code="STORE", name_ko="매장", name_en="Store", kind="store")
    product = Product.objects.create(sku="P001", name_ko="생수", name_en="Water", unit_price=1000, unit_cost=600)

    customers, txns = {}, {}
    for unit, no, name in [(x, "C-X1", "김서준"), (y, "C-Y1", "이부산"), (z, "C-Z1", "박일산")]:
        c = Customer.objects.create(customer_no=no, name=name, email=f"{no.lower()}@example.com",
                                    phone="010-1234-5678", home_unit=unit, joined_on=date(2025, 1, 2))
        t = Transaction.objects.create(txn_no=f"T-{no}", customer=c, branch=unit, channel=store,
                                       occurred_on=date(2025, 3, 4), amount=3000, cost=1800)
        TransactionLine.objects.create(transaction=t, product=product, quantity=3, amount=3000, cost=1800)
        customers[unit.code], txns[unit.code] = c, t

    def user(username, role, *units):
        u = User.objects.create_user(username=username, password=PASSWORD, role=role)
        u.org_units.set(units)
        return u

    users = SimpleNamespace(
        admin=user("admin", User.Role.ADMIN),
        cs_manager=user("csm_r1", User.Role.CS_MANAGER, r1),
        analyst=user("analyst", User.Role.ANALYST),
        agent=user("agent_x", User.Role.AGENT, x),
        branch_manager=user("bm_x", User.Role.BRANCH_MANAGER, x),
    )
    return SimpleNamespace(hq=hq, r1=r1, r2=r2, x=x, y=y, z=z, x_team=x_team, channel=store, product=product,
                           customers=customers, txns=txns, users=users, password=PASSWORD)


# --- Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser download) ----------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    # A fresh context per test: no cookies (session, language) leak from one role to the next.
    context = chromium.new_context(locale="ko-KR", viewport={"width": 1360, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    """Sign a user in through the live server's login form, in the test's browser page."""

    def _sign_in(username: str, password: str) -> None:
        base = live_server.url
        page.goto(f"{base}/login/")
        page.locator('input[name="username"]').fill(username)
        page.locator('input[name="password"]').fill(password)
        page.get_by_test_id("login-submit").click()
        page.wait_for_url(f"{base}/")

    return _sign_in


# --- An open survey (the demo questionnaire; a wave open today; a link and an invitation for X) ---


@pytest.fixture
def open_survey(org_world):
    from datetime import timedelta
    from types import SimpleNamespace

    from django.utils import timezone

    from cxm.surveys.demo_steps import QUESTIONNAIRE
    from cxm.surveys.models import Invitation, SurveyLink, Wave
    from cxm.surveys.services import questionnaire_import

    today = timezone.localdate()
    q = questionnaire_import(code="retail-csi", source=QUESTIONNAIRE)
    wave = Wave.objects.create(code="W-NOW", questionnaire=q, opens_on=today - timedelta(days=7),
                               closes_on=today + timedelta(days=7))
    link = SurveyLink.objects.create(wave=wave, org_unit=org_world.x, token="link-x-token")
    invitation = Invitation.objects.create(link=link, customer=org_world.customers["B01"], token="invite-token")
    return SimpleNamespace(world=org_world, questionnaire=q, wave=wave, link=link, invitation=invitation)
