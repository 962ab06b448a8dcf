from tests.borrowers.conftest import borrower, borrower_client  # noqa: F401
