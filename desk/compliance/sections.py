"""Every counted section of the report by its key, for the desk's links."""

from . import complaints, conduct, extensions, notices, requests, sla

SECTIONS = {
    section.key: section
    for section in (
        notices.SECTION,
        sla.SECTION,
        conduct.SECTION,
        conduct.CONTACTS,
        complaints.BY_CATEGORY,
        complaints.BY_FINDING,
        extensions.SECTION,
        requests.FILED,
        requests.DUE,
    )
}
