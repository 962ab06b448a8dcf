"""The desk's permission names, what each desk role holds, and the checks
that both the admin (to decide what to offer) and the services (to enforce
it) ask.

The permissions themselves stay declared where Django needs them, on
``Complaint.Meta`` and ``desk.models.DeskPermission.Meta``; everything else
names them from here.
"""

# Declared on complaints.Complaint.
SUPERVISE_COMPLAINT = "complaints.supervise_complaint"
VIEW_COMPLAINT_EVIDENCE = "complaints.view_complaint_evidence"

# Declared on desk.DeskPermission.
VIEW_DASHBOARD = "desk.view_dashboard"
ADD_COMPLAINT_NOTE = "desk.add_complaint_note"
EXPORT_COMPLAINTS = "desk.export_complaints"
ESCALATE_COMPLAINT = "desk.escalate_complaint"
EXTEND_BEYOND_FIRST = "desk.extend_beyond_first"
LIFT_ACCOUNT_HOLD = "desk.lift_account_hold"
APPROVE_AGENCY_EXTENSION = "desk.approve_agency_extension"
SUSPEND_PARTY = "desk.suspend_party"
# Not "view_…": every desk role holds every view permission, and this one is
# for supervisors and auditors only.
READ_COMPLIANCE_REPORT = "desk.read_compliance_report"
# The files attached to borrowers' requests (disputes, plans, the lender's
# verification documents).
READ_REQUEST_EVIDENCE = "desk.read_request_evidence"
# Sensitive personal information (PIPL art. 28): a vulnerability's category,
# the borrower's words about it and its files. Supervisors only: they review
# vulnerabilities (DOMAIN §7) and so decide them; every view is logged with
# its reason. Auditors read everything else, not this (PIPL art. 6: no more
# than the purpose needs).
READ_SENSITIVE_INFORMATION = "desk.read_sensitive_information"
# Declared on borrowerrequests.BorrowerRequest: acting on borrowers' requests.
HANDLE_BORROWER_REQUEST = "borrowerrequests.change_borrowerrequest"

# Handling complaints day to day.
TRIAGE_PERMISSIONS = (
    VIEW_DASHBOARD,
    ADD_COMPLAINT_NOTE,
    EXPORT_COMPLAINTS,
    "complaints.change_complaint",
    VIEW_COMPLAINT_EVIDENCE,
    "complaints.change_triageitem",
    HANDLE_BORROWER_REQUEST,
    READ_REQUEST_EVIDENCE,
)
# Everything a triage agent does, plus what only a supervisor decides:
# escalations, second extensions, holds, agencies' extension requests,
# suspensions and the policies the desk runs on.
SUPERVISOR_PERMISSIONS = TRIAGE_PERMISSIONS + (
    ESCALATE_COMPLAINT,
    EXTEND_BEYOND_FIRST,
    LIFT_ACCOUNT_HOLD,
    APPROVE_AGENCY_EXTENSION,
    SUSPEND_PARTY,
    READ_COMPLIANCE_REPORT,
    READ_SENSITIVE_INFORMATION,
    "agencies.add_agency",
    "agencies.change_agency",
    "agencies.add_collector",
    "agencies.change_collector",
    "agencies.add_authorisednumber",
    "agencies.change_authorisednumber",
    "loans.add_assignment",
    "loans.change_assignment",
    SUPERVISE_COMPLAINT,
    "complaints.change_agencyticket",
    "complaints.change_hold",
    "complaints.add_slapolicy",
    "complaints.change_slapolicy",
    "complaints.add_category",
    "complaints.change_category",
    "borrowerrequests.change_requestslapolicy",
    "notices.add_noticerule",
    "notices.change_noticerule",
    "notices.add_stagenoticerule",
    "notices.change_stagenoticerule",
    "notices.add_noticetemplate",
    "notices.change_noticetemplate",
    "businesscalendar.add_calendaroverride",
    "businesscalendar.change_calendaroverride",
    "businesscalendar.delete_calendaroverride",
    "businesscalendar.change_workinghours",
)
# Reading everything the desk reads, besides every "view" permission.
AUDITOR_PERMISSIONS = (VIEW_DASHBOARD, VIEW_COMPLAINT_EVIDENCE, READ_COMPLIANCE_REPORT, READ_REQUEST_EVIDENCE)


def user_may_grant_second_extension(user) -> bool:
    """A complaint's second extension, past the policy's first limit, is a
    supervisor's decision (the domain's extension rule)."""
    return bool(user and user.is_active and user.has_perm(EXTEND_BEYOND_FIRST))


def user_may_read_compliance_report(user) -> bool:
    """The monthly compliance report is for supervisors and auditors, who
    answer to the regulator for it."""
    return bool(user and user.is_active and user.has_perm(READ_COMPLIANCE_REPORT))


def user_may_read_sensitive_information(user) -> bool:
    """A vulnerability's category, words and files, and deciding it."""
    return bool(user and user.is_active and user.has_perm(READ_SENSITIVE_INFORMATION))
