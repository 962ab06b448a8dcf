from .datacopy.admin import DataCopyRequestAdmin  # noqa: F401 - registers it on the desk

__all__ = ["DataCopyRequestAdmin"]
