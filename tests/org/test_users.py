import pytest
from django.conf import settings
from django.contrib.auth import authenticate

from cxm.org.models import User


@pytest.mark.real_hashers
@pytest.mark.django_db
def test_passwords_are_stored_as_argon2_hashes():
    user = User.objects.create_user(username="kim", password="a-long-passphrase-1", role=User.Role.AGENT)
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert user.password.startswith("argon2$argon2id$")
    assert "a-long-passphrase-1" not in user.password
    assert authenticate(username="kim", password="a-long-passphrase-1") == user
    assert authenticate(username="kim", password="wrong-passphrase-1") is None


def test_korean_full_names_read_family_name_first():
    assert User(first_name="수진", last_name="박").get_full_name() == "박수진"
    assert User(first_name="Jane", last_name="Doe").get_full_name() == "Jane Doe"
