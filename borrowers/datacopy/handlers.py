"""The outbox handler that builds a copy (imported by BorrowersConfig.ready)."""

from django.utils import timezone

from outbox.handlers import handler

from .services import BUILD_KIND, datacopy_build


def clock():
    """The handler's notion of now; the seam tests replace."""
    return timezone.now()


@handler(BUILD_KIND)
def build_datacopy(obligation) -> str:
    copy = datacopy_build(request_id=int(obligation.payload["request_id"]), now=clock())
    return copy.status if copy is not None else "gone"
