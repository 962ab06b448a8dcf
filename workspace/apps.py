from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The agency's side of the platform: the workspace pages, the REST API,
    the contact-event ingest and the sign-in and token checks. It owns no
    models: members, tokens and the call log are the registry's
    (``agencies``), which must not know the pages built on it."""

    name = "workspace"
