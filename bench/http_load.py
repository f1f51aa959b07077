"""A gunicorn server on loopback and load generators for it."""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    environment: dict[str, str], workers: int = 4, threads: int = 1, app: str = "wsgi:app"
) -> Iterator[int]:
    """Serve ``app`` (``module:variable``) on a free loopback port until the block ends; with
    ``threads`` above 1 each worker serves that many requests at once (gthread)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            app,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, **environment},
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_load(
    port: int,
    method: str,
    path: str,
    body: Callable[[int], dict[str, Any] | None],
    *,
    total: int,
    concurrency: int,
) -> dict[str, Any]:
    """Send ``total`` requests from ``concurrency`` keep-alive connections; requests per second."""
    counter = iter(range(total))
    lock = threading.Lock()
    statuses: Counter[int] = Counter()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            payload = body(number)
            data = json.dumps(payload).encode() if payload is not None else None
            headers = {"Content-Type": "application/json"} if data else {}
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] += 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"per_second": total / elapsed, "seconds": elapsed, "statuses": dict(statuses)}


def client_address(number: int) -> str:
    """A loopback address of its own for request ``number`` (Linux answers all of 127/8)."""
    return f"127.{1 + number // 65_025 % 254}.{number // 255 % 255}.{1 + number % 254}"


def timed_posts(
    port: int,
    path: str,
    body: Callable[[int], dict[str, Any]],
    numbers: "count[int]",
    *,
    seconds: float,
    concurrency: int,
) -> dict[str, Any]:
    """POST JSON for ``seconds`` from ``concurrency`` clients, each request on a new
    connection from a client address of its own (as new visitors arrive); request numbers are
    drawn from ``numbers``. Throughput, the statuses and the latency percentiles in ms."""
    lock = threading.Lock()
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    sent: list[int] = []
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop_at:
            with lock:
                number = next(numbers)
            data = json.dumps(body(number)).encode()
            started = time.perf_counter()
            connection = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=60, source_address=(client_address(number), 0)
            )
            connection.request(
                "POST", path, body=data, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            response.read()
            connection.close()
            took = (time.perf_counter() - started) * 1000
            with lock:
                statuses[response.status] += 1
                latencies.append(took)
                sent.append(number)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "statuses": dict(statuses),
        "numbers": sent,
    }
