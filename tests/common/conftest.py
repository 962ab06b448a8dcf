# A signed-in borrower, for the kernel's tests that load a real page.
from tests.borrowers.conftest import borrower, borrower_client  # noqa: F401
