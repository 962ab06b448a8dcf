"""Evidence files from the complaint page. They are served by
``complaints.evidence.evidence_response``, as the borrower's and the
agency's downloads are, so the security headers cannot drift apart."""

from django.http import Http404
from django.utils.translation import gettext

from complaints.evidence import evidence_response
from complaints.models import Complaint, Evidence


def complaint_evidence_response(*, complaint: Complaint, token: str, viewer, now):
    """The file of the evidence row ``token`` on ``complaint``; 404 for a
    token of another complaint. The caller has checked ``viewer`` may see
    evidence and this complaint."""
    evidence = Evidence.objects.filter(complaint=complaint, token=token).first()
    if evidence is None:
        raise Http404(gettext("No such file on this complaint."))
    return evidence_response(evidence=evidence, viewer=viewer, now=now)
