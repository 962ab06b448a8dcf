"""Shared by the bench scripts: serve the portal with gunicorn and put load on it.

The load generator is ``wrk`` when it is installed (``apt-get install wrk``),
because it costs the shared CPU far less than the server it measures; without
it a pool of Python threads with keep-alive connections does the same job.
Either way each request picks a random target (path and cookie) from a list.
"""

import contextlib
import gzip
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """One request: a GET by default. A body holding ``TOKEN`` gets it
    replaced with a new random UUID in each request (a form's submit token,
    so that no two posts are the same one resent); ``tail`` follows the body
    as it is (one large file's bytes, shared by many targets rather than
    copied into each). ``expect`` is the only status that counts as an
    answer; anything else is an error."""

    TOKEN: ClassVar[str] = "@@BENCH-TOKEN-0123456789abcdef@@"

    path: str
    cookie: str = ""
    method: str = "GET"
    body: bytes = b""
    content_type: str = ""
    expect: int = 200
    tail: bytes = b""

    def body_parts(self) -> tuple[bytes, ...]:
        return tuple(self.body.split(self.TOKEN.encode()))


@dataclass(frozen=True)
class LoadResult:
    name: str
    tool: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@contextlib.contextmanager
def gunicorn(
    *,
    app: str,
    host: str,
    port: int,
    env: dict[str, str],
    workers: int,
    worker_class: str = "gthread",
    threads: int = 4,
    ready_path: str = "/",
) -> Iterator[subprocess.Popen]:
    """Run gunicorn until the block ends; wait until it answers first."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        app,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--keep-alive",
        "10",
        "--log-level",
        "warning",
        "--chdir",
        str(BASE_DIR),
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    ensure_port_free(host, port)
    process = subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True)
    try:
        _wait_until_serving(host, port, ready_path, process)
        yield process
    finally:
        # The whole process group is ours: gunicorn's master and its workers.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def ensure_port_free(host: str, port: int) -> None:
    """Refuse to go on when something already listens on the port: another
    server (another bench run, say) would answer in our gunicorn's place and
    be measured instead."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn: TIME_WAIT is fine
        try:
            probe.bind((host, port))
        except OSError as error:
            raise RuntimeError(f"{host}:{port} is already in use ({error.strerror}): pass another --port") from None


def _wait_until_serving(host: str, port: int, path: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            status, _body = fetch(host, port, Target(path))
        except OSError:
            time.sleep(0.3)
            continue
        if status < 500:
            return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {host}:{port} within {timeout:.0f} s")


def fetch(host: str, port: int, target: Target, *, language: str = "zh-hans") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(target.method, target.path, body=_body(target), headers=_headers(target, language))
        response = connection.getresponse()
        body = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return response.status, body
    finally:
        connection.close()


def _headers(target: Target, language: str) -> dict[str, str]:
    # As a browser asks: pages that are served compressed pay for it here too.
    headers = {"Accept-Language": language, "Accept-Encoding": "gzip, deflate"}
    if target.cookie:
        headers["Cookie"] = target.cookie
    if target.content_type:
        headers["Content-Type"] = target.content_type
    if target.method != "GET":
        # The token's hex form has the placeholder's length, so the length is known.
        headers["Content-Length"] = str(len(target.body) + len(target.tail))
    return headers


def _body(target: Target, parts: tuple[bytes, ...] | None = None) -> list[bytes] | None:
    if target.method == "GET":
        return None
    parts = parts or target.body_parts()
    head = uuid.uuid4().hex.encode().join(parts) if len(parts) > 1 else target.body
    return [head, target.tail] if target.tail else [head]


def run_load(
    *,
    name: str,
    host: str,
    port: int,
    targets: Sequence[Target],
    duration: float,
    concurrency: int,
    tool: str = "auto",
) -> LoadResult:
    """Load the server for ``duration`` seconds from ``concurrency`` clients."""
    tool = tool_for(targets, tool)
    if tool == "wrk":
        return _run_wrk(name, host, port, targets, duration, concurrency)
    return _run_threads(name, host, port, targets, duration, concurrency)


def tool_for(targets: Sequence[Target], tool: str = "auto") -> str:
    """``wrk`` when asked for or installed, unless a target is not a plain
    GET (the wrk script sends GETs only): then Python threads."""
    only_gets = all(target.method == "GET" for target in targets)
    if tool == "auto":
        return "wrk" if shutil.which("wrk") and only_gets else "python"
    if tool == "wrk" and not only_gets:
        raise ValueError("the wrk script sends GETs only: use --tool python for posts")
    return tool


WRK_SCRIPT = r"""
local targets = {}
local next_id = 1
local threads = {}

setup = function(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

init = function(args)
  not_ok = 0
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t(.*)$")
    table.insert(targets, {path, cookie})
  end
  math.randomseed(os.time() * 1000 + thread_id)
end

request = function()
  local target = targets[math.random(#targets)]
  local headers = {["Accept-Language"] = "zh-hans", ["Accept-Encoding"] = "gzip, deflate"}
  if target[2] ~= "" then headers["Cookie"] = target[2] end
  return wrk.format("GET", target[1], headers)
end

-- Anything but 200 is an error, as with the Python clients (this script
-- sends GETs only, each expecting 200): a redirect to the sign-in page (a
-- lost session) must not pass for a fast status page.
response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local unexpected = 0
  for _, thread in ipairs(threads) do unexpected = unexpected + thread:get("not_ok") end
  io.write(string.format(
    "BENCH requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p95_us=%d p99_us=%d\n",
    summary.requests, summary.duration, unexpected,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _run_wrk(name, host, port, targets, duration, concurrency) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as directory:
        script = Path(directory) / "targets.lua"
        script.write_text(WRK_SCRIPT)
        listing = Path(directory) / "targets.tsv"
        listing.write_text("".join(f"{t.path}\t{t.cookie}\n" for t in targets))
        threads = max(1, min(concurrency, os.cpu_count() or 1))
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{concurrency}",
                f"-d{max(1, round(duration))}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://{host}:{port}/",
                "--",
                str(listing),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    match = re.search(r"^BENCH (.*)$", completed.stdout, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"unexpected wrk output:\n{completed.stdout}\n{completed.stderr}")
    figures = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    return LoadResult(
        name=name,
        tool="wrk",
        requests=figures["requests"],
        errors=figures["status_errors"] + figures["socket_errors"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
    )


def _run_threads(name, host, port, targets, duration, concurrency) -> LoadResult:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start_gate = threading.Barrier(concurrency + 1)
    stop_at = [0.0]

    parts = {id(target): target.body_parts() for target in targets if target.method != "GET"}

    def client(index: int) -> None:
        rng = random.Random(index)
        connection = http.client.HTTPConnection(host, port, timeout=30)
        mine = latencies[index]
        start_gate.wait()
        while time.perf_counter() < stop_at[0]:
            target = targets[rng.randrange(len(targets))]
            body = _body(target, parts.get(id(target)))
            began = time.perf_counter()
            try:
                connection.request(target.method, target.path, body=body, headers=_headers(target, "zh-hans"))
                response = connection.getresponse()
                response.read()
                if response.status != target.expect:
                    errors[index] += 1
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
                continue
            mine.append(time.perf_counter() - began)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + duration
    start_gate.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    merged = sorted(latency for per_client in latencies for latency in per_client)
    return LoadResult(
        name=name,
        tool="python threads",
        requests=len(merged),
        errors=sum(errors),
        seconds=seconds,
        p50_ms=_percentile(merged, 50) * 1000,
        p95_ms=_percentile(merged, 95) * 1000,
        p99_ms=_percentile(merged, 99) * 1000,
    )


def _percentile(ordered: Sequence[float], percent: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return ordered[index]


def print_results(results: Sequence[LoadResult], *, file=sys.stdout) -> None:
    print(
        f"{'':28} {'req/s':>9} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}", file=file
    )
    for result in results:
        print(
            f"{result.name:28} {result.rps:9.1f} {result.p50_ms:10.1f} {result.p95_ms:8.1f} "
            f"{result.p99_ms:8.1f} {result.requests:9d} {result.errors:7d}",
            file=file,
        )
