"""A bounded HTTP load client, run as its own process: a fixed number of threads, each sending one
request at a time (a new connection per request, as gunicorn's sync workers close them), for a
fixed time after a warm-up. Reads its job as JSON on stdin, prints the figures as JSON on stdout.

    {"host": "127.0.0.1", "port": 8000, "paths": ["/a", ...], "headers": {...},
     "concurrency": 8, "warmup": 2, "duration": 15}

Latencies are measured from before connecting to the end of reading the body.
"""

from __future__ import annotations

import http.client
import json
import random
import resource
import sys
import threading
import time
from collections import Counter


def _worker(job: dict, seed: int, start_at: float, stop_at: float, out: list, statuses: Counter,
            lock: threading.Lock) -> None:
    rng = random.Random(seed)
    paths, headers = job["paths"], {**job.get("headers", {}), "Connection": "close"}
    latencies, counts = [], Counter()
    while True:
        began = time.perf_counter()
        if began >= stop_at:
            break
        connection = http.client.HTTPConnection(job["host"], job["port"], timeout=30)
        try:
            connection.request("GET", rng.choice(paths), headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError as exc:
            status = f"error:{exc.__class__.__name__}"
        finally:
            connection.close()
        ended = time.perf_counter()
        if began >= start_at:
            latencies.append(ended - began)
            counts[status] += 1
    with lock:
        out.extend(latencies)
        statuses.update(counts)


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(job: dict) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    now = time.perf_counter()
    start_at = now + job.get("warmup", 2)
    stop_at = start_at + job["duration"]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    threads = [threading.Thread(target=_worker, args=(job, n, start_at, stop_at, latencies, statuses, lock))
               for n in range(job.get("concurrency", 8))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    ordered = sorted(latencies)
    ok = sum(count for status, count in statuses.items() if status == 200)
    return {
        "requests": len(ordered),
        "ok": ok,
        "statuses": {str(k): v for k, v in statuses.items()},
        "rps": len(ordered) / job["duration"],
        "p50_ms": _percentile(ordered, 0.50) * 1000,
        "p95_ms": _percentile(ordered, 0.95) * 1000,
        "p99_ms": _percentile(ordered, 0.99) * 1000,
        "client_cpu_s": (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime),
    }


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
