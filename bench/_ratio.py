"""The one harness of the ratio benches: a page against the trivial page.

Every bench that holds a page to a share of the trivial one-query page's
requests per second measures it here, so that none can flatter:

* the trivial page and each measured page load the same server in
  interleaved windows (trivial, page, trivial, page, ...), and each page's
  ratio is taken against the trivial windows just before its own, so a
  change in what else runs on the shared machine hits both sides alike;
* beside requests per second it prints the server's CPU per request (user
  and system time of gunicorn's process group, read from ``/proc`` before
  and after each window), the load generator's own CPU per request and the
  1-minute load average at the end of each window;
* it runs the whole comparison at each worker count asked for (gunicorn
  sync workers, as the README's production command; 2 and 4 by default);
* it says where the load generator ran: on this host, against 127.0.0.1,
  with how many CPUs, and which tool.
"""

import argparse
import dataclasses
import datetime
import json
import os
import platform
import resource
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench._load import LoadResult, Target, ensure_port_free, fetch, gunicorn, run_load, tool_for

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Page:
    name: str
    targets: Sequence[Target]
    # What the first answer must contain to prove the page is the real one
    # (not a sign-in redirect or an error page); empty means the status alone.
    must_contain: bytes = b""
    # A reference (a floor, say) is measured and printed like any page but
    # not held to the bar.
    judged: bool = True


@dataclass
class Window:
    page: str
    workers: int
    round: int
    result: LoadResult
    server_cpu: float
    generator_cpu: float
    load1: float

    def per_request_ms(self, seconds: float) -> float:
        return 1000 * seconds / self.result.requests if self.result.requests else 0.0


@dataclass
class Figure:
    """One page at one worker count, against its paired trivial windows."""

    page: str
    workers: int
    rps: float
    trivial_rps: float
    ratio: float
    ratio_low: float
    ratio_high: float
    server_cpu_ms: float
    trivial_server_cpu_ms: float
    generator_cpu_ms: float
    p95_ms: float
    errors: int
    load1_low: float
    load1_high: float
    passed: bool | None


@dataclass
class Outcome:
    title: str
    where: str
    figures: list[Figure] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(figure.passed is not False for figure in self.figures)


def add_arguments(parser: argparse.ArgumentParser, *, port: int, concurrency: int = 16) -> None:
    group = parser.add_argument_group("load (bench/_ratio.py)")
    group.add_argument(
        "--workers", default="2,4", help="gunicorn sync worker counts to compare at, comma-separated (default 2,4)"
    )
    group.add_argument("--rounds", type=int, default=3, help="pairs of windows (trivial, page) per page")
    group.add_argument("--duration", type=float, default=10.0, help="seconds per window")
    group.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load per page first")
    group.add_argument("--concurrency", type=int, default=concurrency)
    group.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", str(port))))
    group.add_argument("--tool", default="auto", choices=["auto", "wrk", "python"], help="load generator")


def worker_counts(args) -> list[int]:
    return [int(value) for value in str(args.workers).split(",") if value.strip()]


def ensure_ports_free(args) -> None:
    ensure_port_free(HOST, args.port)


def group_cpu_seconds(pgid: int) -> float:
    """User and system CPU of every process in the process group (gunicorn's
    master and workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def generator_cpu_seconds(tool: str) -> float:
    """CPU of the load generator: this process's threads, or the finished
    ``wrk`` children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if tool == "wrk" else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def where(tool: str, concurrency: int) -> str:
    generator = "wrk (child processes)" if tool == "wrk" else f"Python threads in the bench process (pid {os.getpid()})"
    return (
        f"load generator: {generator}, {concurrency} keep-alive clients, on the same host as the server "
        f"({platform.node()}, to {HOST}), sharing its {os.cpu_count()} CPUs ({cpu_model()}) with the server, "
        f"PostgreSQL and whatever else runs"
    )


def compare(
    *,
    title: str,
    trivial: Page,
    pages: Sequence[Page],
    bar: float,
    args,
    env: dict[str, str],
    p95_bar_ms: float | None = None,
    bar_workers: Sequence[int] | None = None,
    between_windows: Callable[[], None] | None = None,
    checks: Sequence[Page] = (),
) -> Outcome:
    """Serve the portal at each worker count and load the trivial page and
    each page in turn (T, P1, T, P2, ... per round). ``bar`` (and
    ``p95_bar_ms``) are judged at ``bar_workers`` (default: every count).
    ``between_windows`` runs before each window, outside its time."""
    tool = tool_for([target for page in (trivial, *pages) for target in page.targets], args.tool)
    outcome = Outcome(title=title, where=where(tool, args.concurrency))
    counts = worker_counts(args)
    judged = set(bar_workers or counts)
    for workers in counts:
        with gunicorn(
            app="bench.wsgi_bench:application",
            host=HOST,
            port=args.port,
            env=env,
            workers=workers,
            worker_class="sync",
            ready_path=trivial.targets[0].path,
        ) as process:
            # Each page (and each extra check) must answer as itself before any load.
            for page in (trivial, *pages, *checks):
                _check(page, args.port)
            for page in (trivial, *pages):
                if args.warmup:
                    if between_windows:
                        between_windows()
                    _load(page, args, tool, args.warmup)
            for round_number in range(1, args.rounds + 1):
                for page in pages:
                    for measured in (trivial, page):
                        if between_windows:
                            between_windows()
                        window = _window(measured, args, tool, process.pid, workers, round_number)
                        outcome.windows.append(window)
                        _print_window(window)
        for page in pages:
            outcome.figures.append(
                _figure(
                    outcome.windows,
                    trivial,
                    page,
                    workers,
                    bar if workers in judged and page.judged else None,
                    p95_bar_ms if page.judged else None,
                )
            )
    report(outcome, bar=bar, p95_bar_ms=p95_bar_ms, judged=judged, args=args)
    return outcome


def _check(page: Page, port: int) -> None:
    target = page.targets[0]
    status, body = fetch(HOST, port, target)
    if status != target.expect or (page.must_contain and page.must_contain not in body):
        raise RuntimeError(f"{page.name}: {target.method} {target.path} answered {status}, not the page itself")


def _load(page: Page, args, tool: str, seconds: float) -> LoadResult:
    return run_load(
        name=page.name,
        host=HOST,
        port=args.port,
        targets=page.targets,
        duration=seconds,
        concurrency=args.concurrency,
        tool=tool,
    )


def _window(page: Page, args, tool: str, pgid: int, workers: int, round_number: int) -> Window:
    server_before = group_cpu_seconds(pgid)
    generator_before = generator_cpu_seconds(tool)
    result = _load(page, args, tool, args.duration)
    return Window(
        page=page.name,
        workers=workers,
        round=round_number,
        result=result,
        server_cpu=group_cpu_seconds(pgid) - server_before,
        generator_cpu=generator_cpu_seconds(tool) - generator_before,
        load1=os.getloadavg()[0],
    )


def _print_window(window: Window) -> None:
    result = window.result
    print(
        f"  sync x{window.workers} round {window.round}  {window.page:28} {result.rps:8.1f} req/s  "
        f"p95 {result.p95_ms:7.1f} ms  server CPU {window.per_request_ms(window.server_cpu):6.2f} ms/req  "
        f"errors {result.errors}  load {window.load1:.2f}",
        flush=True,
    )


def _rate(windows: Sequence[Window]) -> float:
    seconds = sum(w.result.seconds for w in windows)
    return sum(w.result.requests for w in windows) / seconds if seconds else 0.0


def _cpu_ms(windows: Sequence[Window], attribute: str) -> float:
    requests = sum(w.result.requests for w in windows)
    return 1000 * sum(getattr(w, attribute) for w in windows) / requests if requests else 0.0


def _figure(windows, trivial: Page, page: Page, workers: int, bar: float | None, p95_bar_ms) -> Figure:
    mine = [w for w in windows if w.workers == workers]
    # Each page window is paired with the trivial window measured just before it.
    pairs = [
        (mine[i - 1], w) for i, w in enumerate(mine) if w.page == page.name and i and mine[i - 1].page == trivial.name
    ]
    base = [pair[0] for pair in pairs]
    measured = [pair[1] for pair in pairs]
    ratios = [m.result.rps / t.result.rps if t.result.rps else 0.0 for t, m in pairs]
    rps, trivial_rps = _rate(measured), _rate(base)
    ratio = rps / trivial_rps if trivial_rps else 0.0
    p95 = max(w.result.p95_ms for w in measured)
    errors = sum(w.result.errors for w in (*measured, *base))
    passed = None
    if bar is not None:
        passed = ratio >= bar and errors == 0 and (p95_bar_ms is None or p95 < p95_bar_ms)
    loads = [w.load1 for w in (*base, *measured)]
    return Figure(
        page=page.name,
        workers=workers,
        rps=rps,
        trivial_rps=trivial_rps,
        ratio=ratio,
        ratio_low=min(ratios),
        ratio_high=max(ratios),
        server_cpu_ms=_cpu_ms(measured, "server_cpu"),
        trivial_server_cpu_ms=_cpu_ms(base, "server_cpu"),
        generator_cpu_ms=_cpu_ms(measured, "generator_cpu"),
        p95_ms=p95,
        errors=errors,
        load1_low=min(loads),
        load1_high=max(loads),
        passed=passed,
    )


def report(outcome: Outcome, *, bar: float, p95_bar_ms: float | None, judged, args, file=sys.stdout) -> None:
    print(file=file)
    print(outcome.title, file=file)
    print(
        f"server: gunicorn sync workers {args.workers}, {os.cpu_count()} CPUs; {args.rounds} rounds of "
        f"(trivial, page) windows of {args.duration:.0f} s per page after {args.warmup:.0f} s warm-up",
        file=file,
    )
    print(outcome.where, file=file)
    print(file=file)
    print(
        f"{'page':28} {'workers':>7} {'req/s':>8} {'trivial':>8} {'ratio':>6} {'(windows)':>11} "
        f"{'CPU ms/req':>10} {'trivial':>7} {'loadgen':>7} {'p95 ms':>7} {'errors':>6} {'load avg':>10}",
        file=file,
    )
    for f in outcome.figures:
        verdict = "not judged" if f.passed is None else ("PASS" if f.passed else "FAIL")
        print(
            f"{f.page:28} {f.workers:>7} {f.rps:8.1f} {f.trivial_rps:8.1f} {f.ratio:6.2f} "
            f"{f.ratio_low:5.2f}-{f.ratio_high:<5.2f} {f.server_cpu_ms:10.2f} {f.trivial_server_cpu_ms:7.2f} "
            f"{f.generator_cpu_ms:7.2f} {f.p95_ms:7.1f} {f.errors:6d} "
            f"{f.load1_low:4.1f}-{f.load1_high:<4.1f}  {verdict}",
            file=file,
        )
    bars = f"ratio >= {bar:.2f}" + (f", p95 < {p95_bar_ms:.0f} ms" if p95_bar_ms else "")
    print(f"bar: {bars}, no errors, at sync x{','.join(map(str, sorted(judged)))}", file=file)
    print(f"{'PASS' if outcome.passed else 'FAIL'}", file=file)


def save(outcome: Outcome, *, name: str, args) -> Path:
    """Keep the figures next to the scripts (bench/results/ is not committed)."""
    directory = BASE_DIR / "bench" / "results"
    directory.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{name}-{stamp}.json"
    payload = {
        "arguments": {key: value for key, value in vars(args).items() if isinstance(value, str | int | float | bool)},
        "title": outcome.title,
        "where": outcome.where,
        "figures": [dataclasses.asdict(figure) for figure in outcome.figures],
        "windows": [{**dataclasses.asdict(window), "rps": window.result.rps} for window in outcome.windows],
    }
    path.write_text(json.dumps(payload, indent=2))
    print(f"figures saved to {path.relative_to(BASE_DIR)}")
    return path
