"""The lender's JSON Lines feed: field parsing, lookups and one applier per
record type. The service that runs an import is :func:`loans.importer.feed_import`."""
