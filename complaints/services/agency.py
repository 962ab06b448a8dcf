"""The agency workspace's import path for the agency's own services, which
live with their concepts: the response on the ticket, the request for more
time with the extensions."""

from .extensions import agency_extension_request
from .tickets import agency_response_submit

__all__ = ["agency_extension_request", "agency_response_submit"]
