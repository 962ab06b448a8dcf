"""The session flag that says an agency member passed both sign-in factors.

It lives in the registry, not beside the workspace's sign-in that sets it,
because pages outside the workspace check it too: the complaint evidence
download lets agency staff in only once they are verified.
"""

VERIFIED_SESSION_KEY = "agency_verified"
