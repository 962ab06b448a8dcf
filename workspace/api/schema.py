"""Additions to the generated OpenAPI document."""

from django.utils.translation import gettext_lazy as _

MALFORMED = _(
    "The request could not be read: a NUL character in a parameter, a body that is not JSON or is nested too deeply."
)


def document_malformed_requests(result, generator, request, public):
    """Every operation may answer 400 for a request no view can read (the
    portal refuses a NUL in any parameter before the view runs); operations
    that describe their own 400 keep it."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses")
            if responses is None or "400" in responses:
                continue
            responses["400"] = {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                "description": str(MALFORMED),
            }
    return result
