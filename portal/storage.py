"""Static file storage."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's hashed and compressed storage, whose URLs name the hashed
    files with DEBUG on too (Django's falls back to the plain names then), so
    the demo serves what production serves: cacheable for a year."""

    def url(self, name, force=False):
        return super().url(name, force=True)
