from tests.complaints.conftest import (  # noqa: F401
    account,
    agency,
    borrower,
    borrower_notices,
    in_house,
    now,
    routed,
    submit,
)
