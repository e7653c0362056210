"""Timing requests against the bench server: sequential latencies and wrk throughput."""

from __future__ import annotations

import http.client
import itertools
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"  # the benchmark never talks to another machine
_BUST = itertools.count(1)


class RequestTimeout(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float


@dataclass
class Client:
    """One keep-alive connection to the bench server, with the cookies it was given."""

    port: int
    timeout: float
    cookies: dict[str, str] = field(default_factory=dict)
    _connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        headers = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            began = time.perf_counter()
            try:
                self._connection.request(method, path, body=body, headers=headers)
                reply = self._connection.getresponse()
                content = reply.read()
            except TimeoutError:
                self.close()
                raise RequestTimeout(path) from None
            except (http.client.HTTPException, ConnectionError, OSError):
                self.close()  # a kept-alive connection the server closed: once more, fresh
                if attempt == 2:
                    raise
                continue
            elapsed = (time.perf_counter() - began) * 1000
            replied = {k.lower(): v for k, v in reply.getheaders()}
            for cookie in reply.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if replied.get("connection", "").lower() == "close":
                self.close()
            return Response(reply.status, replied, content, elapsed)
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)


def busted(path: str) -> str:
    """`path` with a query parameter no cache has seen, so that the view itself answers."""
    return f"{path}{'&' if '?' in path else '?'}_bench={next(_BUST)}-{time.monotonic_ns()}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(share * 100) - 1]


def measure_page(
    client: Client,
    page: dict[str, Any],
    *,
    requests: int,
    budget: float,
    public_cache: bool,
) -> dict[str, Any]:
    """Time `requests` sequential uncached requests of one page (fewer if the page's time
    budget runs out), then, where it applies, a cached hit and a 304."""
    path, bust = page["path"], page.get("bust", True)
    result: dict[str, Any] = {**page, "samples": 0, "timeout": False}
    times: list[float] = []
    began = time.monotonic()
    response = None
    try:
        # One warm-up request, kept only when the page is slow (then it is no warmer).
        response = client.get(busted(path) if bust else path)
        if response.elapsed_ms > 1000:
            times.append(response.elapsed_ms)
        while len(times) < requests and time.monotonic() - began < budget:
            response = client.get(busted(path) if bust else path)
            times.append(response.elapsed_ms)
    except RequestTimeout:
        result.update(timeout=True, timeout_ms=client.timeout * 1000)
    if response is not None:
        result.update(
            status=response.status,
            bytes=len(response.body),
            queries=_int(response.headers.get("x-query-count")),
            etag=response.headers.get("etag"),
        )
    if times:
        result.update(samples=len(times), p50=percentile(times, 0.5), p95=percentile(times, 0.95))
    if result["timeout"] or not bust or response is None or response.status != 200:
        return result
    try:
        if public_cache:
            result["cached_p50"] = _repeat(client, path, {}, requests, budget)
        etag = client.get(path).headers.get("etag")
        if etag and client.get(path, {"If-None-Match": etag}).status == 304:
            result["etag"] = etag
            result["not_modified_p50"] = _repeat(
                client, path, {"If-None-Match": etag}, requests, budget
            )
    except RequestTimeout:
        pass
    return result


def _repeat(client: Client, path: str, headers: dict, requests: int, budget: float) -> float:
    client.get(path, headers)  # the first may fill the cache
    times, began = [], time.monotonic()
    while len(times) < requests and time.monotonic() - began < budget:
        times.append(client.get(path, headers).elapsed_ms)
    return percentile(times, 0.5)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


BUST_SCRIPT = """
local n = 0
local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. sep .. "_bench=" .. n .. "-" .. math.random(1, 1000000000))
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk(
    port: int,
    path: str,
    *,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
    bust: bool = False,
) -> float:
    """Requests per second that wrk gets from `path` (non-2xx/3xx answers count as errors)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory() as folder:
        if bust:
            script = Path(folder) / "bust.lua"
            script.write_text(BUST_SCRIPT)
            command += ["-s", str(script)]
        command.append(f"http://{HOST}:{port}{path}")
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 30, check=True
        ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise RuntimeError(f"wrk printed no rate:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if errors and int(errors.group(1)):
        raise RuntimeError(f"wrk got {errors.group(1)} error responses from {path}")
    return float(match.group(1))


def compare(
    port: int,
    name: str,
    target: dict[str, Any],
    baseline: dict[str, Any],
    *,
    rounds: int,
    seconds: int,
    connections: int,
) -> dict[str, Any]:
    """Baseline and target runs interleaved (b, t, b, t, ...), so that both see the same
    machine; the ratio is of their total requests per second."""
    target_rps, baseline_rps = [], []
    for _ in range(rounds):
        for side, results in ((baseline, baseline_rps), (target, target_rps)):
            results.append(
                wrk(
                    port,
                    side["path"],
                    seconds=seconds,
                    connections=connections,
                    headers=side.get("headers"),
                    bust=side.get("bust", False),
                )
            )
    mean_target, mean_baseline = statistics.fmean(target_rps), statistics.fmean(baseline_rps)
    return {
        "name": name,
        "target": target["label"],
        "baseline": baseline["label"],
        "target_rps": mean_target,
        "baseline_rps": mean_baseline,
        "target_runs": target_rps,
        "baseline_runs": baseline_rps,
        "ratio": mean_target / mean_baseline if mean_baseline else None,
    }
