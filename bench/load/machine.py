"""The machine a load run ran on, and who used its CPU during a step (from /proc):
the gunicorn processes, the PostgreSQL server's processes, the load generator, the other
processes the run started (nginx, PgBouncer, the print worker), and the rest (whatever
else ran on the machine: other people's tests, here)."""

import os
import platform
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROC = Path("/proc")


def cpu_model(cpuinfo: str) -> str:
    """The first "model name" of /proc/cpuinfo (or "unknown CPU")."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model") and value.strip():
            return " ".join(value.split())
    return "unknown CPU"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def memory_gb(meminfo: str) -> float:
    match = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    return round(int(match.group(1)) / 1024 / 1024, 1) if match else 0.0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def describe() -> dict[str, object]:
    return {
        "hostname": socket.gethostname(),
        "cores": cores(),
        "cpu_model": cpu_model(_read(PROC / "cpuinfo")),
        "memory_gb": memory_gb(_read(PROC / "meminfo")),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def machine_slug(machine: dict[str, object]) -> str:
    """Hostname, cores and CPU model, for a file name: vm-2cores-amd-epyc."""
    return f"{slug(str(machine['hostname']))}-{machine['cores']}cores-{slug(str(machine['cpu_model']))}"


def load_average() -> list[float]:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


# --- CPU use ------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    text = _read(PROC / str(pid) / "stat")
    if not text:
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    return text[text.rfind(")") + 2 :].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def parent_pid(pid: int) -> int | None:
    """The parent of a process of this machine; None when there is no such process."""
    fields = _stat_fields(pid)
    return int(fields[1]) if fields else None


def command_name(pid: int) -> str:
    """The process's command name (/proc/<pid>/comm), empty when there is none."""
    return _read(PROC / str(pid) / "comm").strip()


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children(current))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """User and system time of the processes (their own, not their children's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def tree_cpu_seconds(pid: int) -> float:
    """User and system time of the process and all its descendants, with that of the
    children each has already waited for: a child that ended between two samples
    (a database backend replaced on reconnecting, a restarted worker) still counts.
    (The time of a child that ended moves into its parent's cutime and cstime when
    the parent reaps it, so each second is counted once.)"""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in process_tree(pid):
        fields = _stat_fields(member)
        if fields:
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, over all cores."""
    line = _read(PROC / "stat").splitlines()[0].split()
    values = [int(value) for value in line[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values[:8]) - idle) / ticks, sum(values[:8]) / ticks


@dataclass(frozen=True)
class CpuSample:
    server: float  # CPU seconds of the server's process tree
    loadgen: float  # of the load generator
    database: float  # of the PostgreSQL server: the postmaster's tree
    busy: float  # of the whole machine
    total: float
    # of each other process tree the run started (the proxy, the pooler, the worker)
    others: dict[str, float] = field(default_factory=dict)

    @classmethod
    def take(
        cls,
        server_pid: int | None,
        database_pid: int | None = None,
        other_pids: dict[str, int] | None = None,
    ) -> "CpuSample":
        busy, total = machine_cpu_seconds()
        return cls(
            server=tree_cpu_seconds(server_pid) if server_pid else 0.0,
            loadgen=cpu_seconds([os.getpid()]),
            database=tree_cpu_seconds(database_pid) if database_pid else 0.0,
            busy=busy,
            total=total,
            others={name: tree_cpu_seconds(pid) for name, pid in (other_pids or {}).items()},
        )


def cpu_shares(start: CpuSample, end: CpuSample) -> dict[str, Any]:
    """Each one's share of the machine's CPU between the samples, in percent of all
    cores: the server, the load generator, the PostgreSQL server (all its processes,
    backends that ended in between included), each other process the run started, and
    the rest (anything else on the machine)."""
    total = max(end.total - start.total, 1e-9)
    server = 100 * (end.server - start.server) / total
    loadgen = 100 * (end.loadgen - start.loadgen) / total
    database = 100 * (end.database - start.database) / total
    others = {
        name: 100 * (seconds - start.others.get(name, 0.0)) / total
        for name, seconds in end.others.items()
    }
    busy = 100 * (end.busy - start.busy) / total
    measured = server + database + loadgen + sum(others.values())
    return {
        "machine_busy_pct": round(busy, 1),
        "server_pct": round(server, 1),
        "database_pct": round(database, 1),
        "loadgen_pct": round(loadgen, 1),
        "others_pct": {name: round(share, 1) for name, share in others.items()},
        "rest_pct": round(max(busy - measured, 0.0), 1),
    }
