"""The portal's WSGI application plus two bench-only pages, for load tests.

``/bench/trivial/`` runs one small query and returns a few bytes through the
same middleware as every page: the baseline a real page is compared with.
``/bench/upload/`` is the floor of a post with evidence: the same middleware
(session, CSRF check, the body read whole), the same one query, and each
posted file checked and stored as a complaint's evidence is, answered by a
redirect; no complaint. They live here, not in the product's URLs. Serve
with ``gunicorn bench.wsgi_bench:application``.
"""

import os

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup(set_prefix=False)

from django.http import HttpResponse, HttpResponseRedirect  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from complaints import uploads  # noqa: E402
from loans.models import Stage  # noqa: E402

TRIVIAL_PATH = "/bench/trivial/"
UPLOAD_PATH = "/bench/upload/"


def trivial(request):
    return HttpResponse(f"{Stage.objects.filter(on_ladder=True).count()}\n", content_type="text/plain")


@require_POST
def upload(request):
    """What any post with files costs before a complaint's own work."""
    ladder = Stage.objects.filter(on_ladder=True).count()
    for checked in uploads.check_uploads(request.FILES.getlist("files")):
        uploads.store(checked)
    return HttpResponseRedirect(f"{TRIVIAL_PATH}?stages={ladder}")


urlpatterns = [
    path(TRIVIAL_PATH.strip("/") + "/", trivial),
    path(UPLOAD_PATH.strip("/") + "/", upload),
    path("", include("portal.urls")),
]


class BenchHandler(WSGIHandler):
    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


application = BenchHandler()
