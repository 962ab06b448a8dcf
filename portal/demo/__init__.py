"""The demo world and the demo content of each app.

It lives in the project package because it touches every app: the world
(``world``) is written as the lender's feed and imported like real data, then
each module here adds what its app shows in the demo (``load(stdout=...)``,
safe to run again) and the lines it adds to the guide (``guide(base_url=...)``).
"""
