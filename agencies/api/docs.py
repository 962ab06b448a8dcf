"""The API's schema and its documentation page, served with the bundled
(sidecar) Swagger UI assets: nothing is loaded from a CDN, and the page's
own script comes from a separate URL so the strict CSP needs no exception
for inline script."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    api_version = "v1"


class SwaggerDocsView(SpectacularSwaggerSplitView):
    template_name = "agency/api_docs.html"
