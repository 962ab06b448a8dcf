from django.conf import settings


def portal(request):
    """What every page needs: the platform's hotline for the footer."""
    return {"platform_hotline": settings.PLATFORM_HOTLINE}
