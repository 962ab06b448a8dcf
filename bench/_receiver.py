"""An agency's webhook endpoint for the benches: answers 200 at once and
records when each event arrived (``time.time()``, the clock the database
stamps), by its ``X-Event-Id``."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, *, queue_size: int = 256):
        self.arrivals: dict[str, float] = {}
        arrivals = self.arrivals

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrivals.setdefault(self.headers.get("X-Event-Id", ""), time.time())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = queue_size
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
