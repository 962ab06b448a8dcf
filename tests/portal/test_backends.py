import pytest

from portal.backends import PortalBackend
from tests.factories import BorrowerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_signed_in_borrower_is_loaded_with_the_borrower_in_one_query(django_assert_num_queries):
    borrower = BorrowerFactory(user=UserFactory())
    with django_assert_num_queries(1):
        user = PortalBackend().get_user(borrower.user.pk)
        assert user.borrower.name == borrower.name
    assert user.borrower.user is user
    assert user.date_joined == borrower.user.date_joined


def test_user_without_borrower_record_has_none_without_another_query(django_assert_num_queries):
    staff = UserFactory(is_staff=True)
    with django_assert_num_queries(1):
        user = PortalBackend().get_user(staff.pk)
        assert getattr(user, "borrower", None) is None
    assert user == staff


def test_inactive_user_is_not_loaded():
    user = UserFactory(is_active=False)
    assert PortalBackend().get_user(user.pk) is None


def test_unknown_user_is_not_loaded():
    assert PortalBackend().get_user(10**9) is None


def test_user_and_borrower_load_as_the_orm_loads_them():
    borrower = BorrowerFactory(user=UserFactory())
    user = PortalBackend().get_user(borrower.user.pk)
    expected_user = type(user).objects.get(pk=user.pk)
    expected_borrower = type(borrower).objects.get(pk=borrower.pk)
    for loaded, expected in ((user, expected_user), (user.borrower, expected_borrower)):
        assert loaded._state.adding is False
        assert loaded._state.db == expected._state.db
        for field in type(expected)._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
