"""Shared helpers: timing, a benchmark database, the results table."""

from __future__ import annotations

import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.value / self.baseline


@dataclass(frozen=True)
class Check:
    """One target of issue 9 against what this run measured."""

    target: str
    measured: str
    met: bool


@dataclass
class BenchResult:
    title: str
    figures: list[Figure] = field(default_factory=list)
    target: str = ""
    checks: list[Check] = field(default_factory=list)


def timed(func: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


@contextmanager
def peak_memory():
    tracemalloc.start()
    box = {}
    try:
        yield box
    finally:
        box["peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def bench_database_url(tmp: Path) -> str:
    """BENCH_DATABASE_URL (PostgreSQL) when set, else a SQLite file in tmp."""
    from ai_register.config import _normalise_database_url

    url = os.environ.get("BENCH_DATABASE_URL")
    return _normalise_database_url(url) if url else f"sqlite:///{tmp / 'bench.db'}"


def machine() -> str:
    cpu, memory = platform.processor() or platform.machine(), ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{cpu} ({platform.machine()}), {os.cpu_count()} cores{memory}, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def render_markdown(results: list[BenchResult], command: str, date: str, notes: list[str] = ()) -> str:
    lines = [f"# Benchmark results\n\nMachine: {machine()}  \nDate: {date}  \nCommand: `{command}`\n"]
    lines.extend(f"- {note}" for note in notes)
    for result in results:
        lines.append(f"\n## {result.title}\n")
        if result.target:
            lines.append(f"Target: {result.target}\n")
        lines.append("| figure | value | baseline | ratio | note |\n|---|---|---|---|---|")
        for f in result.figures:
            baseline = f"{f.baseline:,.1f} {f.unit}" if f.baseline else "—"
            ratio = f"{f.ratio:.2f}" if f.ratio else "—"
            lines.append(f"| {f.name} | {f.value:,.1f} {f.unit} | {baseline} | {ratio} | {f.note} |")
    checks = [check for result in results for check in result.checks]
    if checks:
        lines.append("\n## Targets\n\n| target | this run | met |\n|---|---|---|")
        lines.extend(f"| {c.target} | {c.measured} | {'yes' if c.met else '**no**'} |" for c in checks)
        lines.append("\nWhere the time goes, and what was done and is left for the targets not met: "
                     "[docs/performance.md](../docs/performance.md).")
    return "\n".join(lines) + "\n"
