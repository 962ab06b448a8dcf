#!/usr/bin/env python
"""The complaint post's 1 MB file, step by step, as a gunicorn worker handles it.

    .venv/bin/python bench/upload_steps.py                 # the body already received (a busy worker)
    .venv/bin/python bench/upload_steps.py --live          # read while the client is still sending
    .venv/bin/python bench/upload_steps.py --help

A child process sends ``complaint_pages.py``'s POST body (the form's fields
and one 1 MB PNG) over a loopback TCP connection; this process reads it
through gunicorn's own body reader (``Body`` over ``LengthReader`` over
``SocketUnreader``, as its sync worker does), builds Django's request, runs
it through the portal's middleware that reads bodies
(``WholeBodyMiddleware``, when the settings list it), parses the form, runs
the evidence field's checks and stores the file (``complaints.uploads``).
No database: only what the file costs. For each step (``request``:
building the request and reading the body whole, when the middleware is
listed; ``parse``: the form's fields and files, reading the rest of the
body; ``check``; ``store``; ``free``: closing the request) it prints the
median process CPU time and minor page faults over ``--runs`` posts, after
a warm-up. The files go to a temporary folder, removed at the end.

By default each post is wholly sent before reading starts, as when a worker
busy with other requests gets to it; ``--live`` reads while it arrives.
"""

import argparse
import os
import resource
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

STEPS = ("request", "parse", "check", "store", "free")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200, help="posts measured")
    parser.add_argument("--warmup", type=int, default=20, help="posts first, not measured")
    parser.add_argument("--live", action="store_true", help="read while the client is still sending")
    return parser.parse_args()


def configure_environment() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ["PORTAL_VAR_DIR"] = tempfile.mkdtemp(prefix="upload-steps-")
    os.environ["PORTAL_PRIVATE_MEDIA_ROOT"] = os.environ["PORTAL_VAR_DIR"]


def usage() -> tuple[float, int]:
    return time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def main() -> int:
    args = parse_args()
    configure_environment()
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIRequest
    from django.utils.module_loading import import_string
    from gunicorn.http.body import Body, LengthReader
    from gunicorn.http.unreader import SocketUnreader

    from bench.complaint_pages import evidence_file, form_fields, multipart
    from complaints.forms import EvidenceField
    from complaints.uploads import store

    boundary = "bench" + secrets.token_hex(8)
    head, tail = multipart(
        form_fields(reference="L1", event_id=1, csrf="x" * 32, token=secrets.token_hex(18)),
        file=evidence_file(),
        boundary=boundary,
    )
    body = head + tail
    body_readers = [
        import_string(path) for path in settings.MIDDLEWARE if path == "portal.middleware.WholeBodyMiddleware"
    ]
    field = EvidenceField()

    listener = socket.create_server(("127.0.0.1", 0))
    go_read, go_write = os.pipe()
    sent_read, sent_write = os.pipe()
    sender = os.fork()
    if sender == 0:
        connection = socket.create_connection(listener.getsockname())
        while os.read(go_read, 1) == b"g":
            connection.sendall(body)
            os.write(sent_write, b"s")
        os._exit(0)
    connection, _address = listener.accept()

    def one() -> dict[str, tuple[float, int]]:
        os.write(go_write, b"g")
        if not args.live:
            os.read(sent_read, 1)
        marks = [usage()]
        request = WSGIRequest(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/complaints/new/",
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
                "wsgi.input": Body(LengthReader(SocketUnreader(connection), len(body))),
                "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
                "CONTENT_LENGTH": str(len(body)),
            }
        )
        for reader in body_readers:
            reader(lambda request: None)(request)
        marks.append(usage())
        uploads = request.FILES.getlist("files")
        marks.append(usage())
        checked = field.clean(uploads)
        marks.append(usage())
        for item in checked:
            store(item)
        marks.append(usage())
        request.close()
        del request, uploads, checked
        marks.append(usage())
        if args.live:
            os.read(sent_read, 1)
        return {
            step: ((after[0] - before[0]) * 1000, after[1] - before[1])
            for step, before, after in zip(STEPS, marks[:-1], marks[1:], strict=True)
        }

    try:
        for _ in range(args.warmup):
            one()
        runs = [one() for _ in range(args.runs)]
    finally:
        os.write(go_write, b"q")
        os.waitpid(sender, 0)
        shutil.rmtree(os.environ["PORTAL_VAR_DIR"], ignore_errors=True)

    print(
        f"{len(body):,} bytes posted, {'read while arriving' if args.live else 'wholly received before reading'}; "
        f"body read whole first: {'yes' if body_readers else 'no'}; median of {args.runs} posts; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for step in (*STEPS, "total"):
        if step == "total":
            cpu = [sum(run[s][0] for s in STEPS) for run in runs]
            faults = [sum(run[s][1] for s in STEPS) for run in runs]
        else:
            cpu = [run[step][0] for run in runs]
            faults = [run[step][1] for run in runs]
        print(f"  {step:7} {statistics.median(cpu):6.2f} ms CPU  {statistics.median(faults):6.0f} minor faults")
    return 0


if __name__ == "__main__":
    sys.exit(main())
