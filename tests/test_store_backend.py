import pytest
from django.db import connection


@pytest.mark.django_db
def test_store_runs_on_the_selected_database(database_kind):
    assert connection.vendor == {"sqlite": "sqlite", "postgres": "postgresql"}[database_kind]
