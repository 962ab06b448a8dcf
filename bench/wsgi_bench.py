"""The portal's WSGI application plus one bench-only page, for load tests.

``/bench/trivial/`` runs one small query and returns a few bytes through the
same middleware as every page: the baseline a real page is compared with.
It lives here, not in the product's URLs. Serve with
``gunicorn bench.wsgi_bench:application``.
"""

import os

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup(set_prefix=False)

from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from loans.models import Stage  # noqa: E402

TRIVIAL_PATH = "/bench/trivial/"


def trivial(request):
    return HttpResponse(f"{Stage.objects.filter(on_ladder=True).count()}\n", content_type="text/plain")


urlpatterns = [
    path(TRIVIAL_PATH.strip("/") + "/", trivial),
    path("", include("portal.urls")),
]


class BenchHandler(WSGIHandler):
    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


application = BenchHandler()
