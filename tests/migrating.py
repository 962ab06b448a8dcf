"""Migrate the test database to an earlier state and back, for tests of
migrations that must keep the rows a database already holds.

Tests using it are marked ``django_db(transaction=True, serialized_rollback=True)``:
a migration cannot run inside the test's transaction (SQLite refuses schema
changes there), and the seeded rows the flush removes come back for the
next test."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Migrator:
    def __init__(self):
        self.executor = MigrationExecutor(connection)

    def latest(self, *app_labels):
        """The last migration of each app."""
        return [node for node in self.executor.loader.graph.leaf_nodes() if node[0] in app_labels]

    def migrate(self, targets):
        """Migrate to ``targets`` and return the historical models of that
        state. As with ``migrate``, ``(app, name)`` unapplies only that app's
        later migrations (and what depends on them); ``(app, None)`` unapplies
        all of an app's, so a model's new app is named that way to return to
        before it took the model over."""
        self.executor.loader.build_graph()
        self.executor.migrate(targets)
        self.executor = MigrationExecutor(connection)
        ContentType.objects.clear_cache()
        return self.executor.loader.project_state([t for t in targets if t[1] is not None]).apps

    def migrate_to_latest(self, *app_labels):
        return self.migrate(self.latest(*app_labels))

    def restore(self):
        """Every app back at its last migration, as the rest of the suite expects."""
        self.migrate(self.executor.loader.graph.leaf_nodes())
