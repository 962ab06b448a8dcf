from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalBackend(ModelBackend):
    """Django's model backend, loading a borrower's record with the user so
    every borrower page saves a query."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("borrower").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
