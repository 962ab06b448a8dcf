"""How long /readyz takes with every service up, in-process through the
whole middleware stack: goal p95 under 50 ms (a load balancer asks every
few seconds, from every node).

    .venv/bin/python bench/readiness.py              # 2,000 calls
    .venv/bin/python bench/readiness.py --calls 500

Uses PostgreSQL (``DATABASE_URL``, default database ``bench_readiness``,
created and migrated if needed) and Redis for the cache and the broker
(``REDIS_URL``, default database 3 of the local server); stamps beat's
heartbeat first so every check can pass. All checks run on one connection,
as in a web process: the statements are prepared after their second run.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL_P95_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_readiness")
    from bench import status_page

    status_page.configure_environment()
    status_page.ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from common.heartbeat import heartbeat_stamp

    call_command("migrate", verbosity=0)
    heartbeat_stamp(now=timezone.now())
    client = Client()
    for _warm_up in range(50):
        client.get("/readyz")
    timings = []
    for _call in range(args.calls):
        started = time.perf_counter()
        response = client.get("/readyz")
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            print(f"/readyz answered {response.status_code}: {response.content.decode()}")
            return 1
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"/readyz, {args.calls} calls in-process: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms")
    print(f"goal: p95 under {GOAL_P95_MS:.0f} ms: {'met' if p95 < GOAL_P95_MS else 'MISSED'}")
    return 0 if p95 < GOAL_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
