"""The API's schema and its documentation page, served with the bundled
(sidecar) Swagger UI assets: nothing is loaded from a CDN, and the page's
own script comes from a separate URL so the strict CSP needs no exception
for inline script."""

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    api_version = "v1"
    # Public, and no authentication at all: DRF's default Basic
    # authentication would otherwise check passwords here, unthrottled.
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):
        """The document is served whole in English, the one language all of
        its text is written in: in the visitor's language, translated labels
        and enum choices came mixed with English descriptions."""
        with translation.override("en"):
            response = super().get(request, *args, **kwargs)
        response["Content-Language"] = "en"
        return response


class SwaggerDocsView(SpectacularSwaggerSplitView):
    template_name = "agency/api_docs.html"
    authentication_classes = []
    permission_classes = [AllowAny]
