"""Requests borrowers make that bind collectors (DOMAIN §7).

Entry points for the layers above (pages, desk, workspace, demo):

- :mod:`borrowerrequests.services`: ``request_file`` (in force from its
  receipt, with a dated receipt), staff decisions (``request_acknowledge``,
  ``request_start_review``, ``request_accept``, ``request_refuse``,
  ``dispute_verify``, ``dispute_correct``, ``plan_accept``, ``plan_offer``),
  the borrower's moves (``request_withdraw``, ``plan_offer_accept``,
  ``dispute_escalate``, ``consent_revoke``), ``request_evidence_response``
  and the beat sweep ``requests_sweep``.
- :mod:`borrowerrequests.selectors`: scoped reads for the borrower, staff
  deadlines by the complaints' SLA state rule, and what an agency may know.
- :mod:`borrowerrequests.receipts`: the receipt as structured data.

Effects are :class:`loans.models.Restriction` rows with the source
``request:<reference>``; the conduct rulebook enforces them.
"""
