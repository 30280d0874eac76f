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
