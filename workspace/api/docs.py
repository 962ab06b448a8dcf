"""The API's schema and its documentation page, served with the bundled
(sidecar) Swagger UI assets: nothing is loaded from a CDN, and the page's
own script comes from a separate URL so the strict CSP needs no exception
for inline script."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    api_version = "v1"
    # Public, and no authentication at all: DRF's default Basic
    # authentication would otherwise check passwords here, unthrottled.
    authentication_classes = []
    permission_classes = [AllowAny]


class SwaggerDocsView(SpectacularSwaggerSplitView):
    template_name = "agency/api_docs.html"
    authentication_classes = []
    permission_classes = [AllowAny]
