from django.apps import AppConfig


class BorrowersConfig(AppConfig):
    """The borrower's pages: SMS-code sign-in, their loans and status pages,
    caller checks, complaints and inbox. The domain lives in the apps below;
    this app holds only what the borrower's pages need, such as sign-in codes."""

    name = "borrowers"

    def ready(self):
        from .datacopy import handlers  # noqa: F401 - registers the outbox handler
