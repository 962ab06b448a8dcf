"""The agency REST API: /api/v1/... (namespace versioning), its OpenAPI
schema at /api/schema/ and documentation at /api/docs/."""

from django.urls import include, path

from .api import tickets, views
from .api.docs import SchemaView, SwaggerDocsView

v1_patterns = [
    path("tickets/", tickets.TicketListView.as_view(), name="tickets"),
    path("tickets/<str:reference>/", tickets.TicketDetailView.as_view(), name="ticket"),
    path("tickets/<str:reference>/responses/", tickets.TicketResponseView.as_view(), name="ticket_responses"),
    path("tickets/<str:reference>/extension-requests/", tickets.TicketExtensionView.as_view(), name="ticket_extension"),
    path(
        "tickets/<str:reference>/evidence/<str:token>/",
        tickets.TicketEvidenceView.as_view(),
        name="ticket_evidence",
    ),
    path("contact-events/", views.ContactEventBatchView.as_view(), name="contact_events"),
    path("scheduled-measures/", views.ScheduledMeasureBatchView.as_view(), name="scheduled_measures"),
    path("contact-preferences/", views.ContactPreferenceListView.as_view(), name="contact_preferences"),
    path("conduct-breaches/", views.ConductBreachListView.as_view(), name="conduct_breaches"),
    path("account-restrictions/", views.AccountRestrictionListView.as_view(), name="account_restrictions"),
]

urlpatterns = [
    path("v1/", include((v1_patterns, "v1"), namespace="v1")),
    path("schema/", SchemaView.as_view(), name="api_schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api_schema"), name="api_docs"),
]
