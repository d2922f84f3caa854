"""TCP ports on 127.0.0.1 for the servers the load test or a test starts: a free one,
and waiting until a server listens on one."""

import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(
    port: int, process: "subprocess.Popen[bytes]", seconds: float = 10.0
) -> bool:
    """True once something accepts connections on the port; False when the process
    ended first or the time ran out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        if process.poll() is not None:
            return False
        time.sleep(0.1)
    return False
