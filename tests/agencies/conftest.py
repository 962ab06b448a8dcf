"""The suspension tests look at an agency through its workspace and API, so
they sign in with the workspace tests' agency sides."""

from tests.workspace.conftest import client_a, side_a, ticket_a  # noqa: F401
