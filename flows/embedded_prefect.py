"""The embedded Prefect server of a command that runs a flow without a Prefect server,
started first thing.

Without an API URL, Prefect starts a temporary server of its own when a flow first calls
its API: the command imports the server's application (2.5 s on this project's 2-core
machine) and only then starts it in a child process, which imports it again and opens its
database (about 6 s) while the command waits. Started here instead, before the command
imports the cycle, the same child process (the command line and environment of Prefect's
``SubprocessASGIServer``: uvicorn, the server's app factory, no UI, marked
``PREFECT__SERVER_EPHEMERAL=1``) comes up while the command imports the rest, and the
command never imports the server. The command then talks to it as to any Prefect server
(``PREFECT_API_URL``) and stops it at the end, as Prefect stops its own. The child also
ends when the command dies outright (``PR_SET_PDEATHSIG``); ``stop_stale_prefect_servers``
stays for one whose command was killed before that could be set.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# uvicorn's exit status when it cannot bind its port (another process took it meanwhile).
ADDRESS_IN_USE = 3
PORTS = range(8000, 9000)  # as Prefect's own temporary server


class EmbeddedServerFailed(RuntimeError):
    pass


class EmbeddedServer:
    """Prefect's temporary server as a child process of this command."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment
        self.previous_url = os.environ.get("PREFECT_API_URL")
        self.process, self.url = self._start()

    def _start(self) -> tuple[subprocess.Popen[bytes], str]:
        port = _free_port()
        process = subprocess.Popen(  # noqa: S603 - the interpreter running this command
            [
                sys.executable, "-m", "uvicorn",
                "--app-dir", str(_site_packages()),
                "--factory", "prefect.server.api.server:create_app",
                "--host", "127.0.0.1", "--port", str(port),
                "--log-level", "error", "--lifespan", "on",
            ],
            env=self.environment,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - no thread of ours runs yet
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/api"
        _use_api(url)
        return process, url

    def wait_until_up(self, timeout_s: float) -> None:
        """Return once the server answers its health check; start it again on another port
        if its port was taken meanwhile."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status = self.process.poll()
            if status == ADDRESS_IN_USE:
                self.process, self.url = self._start()
                continue
            if status is not None:
                raise EmbeddedServerFailed(f"Prefect's embedded server exited with status {status}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:  # noqa: S310 - our own local server
                    if answer.status == 200:
                        return
            except OSError:  # not listening yet (URLError is an OSError)
                pass
            time.sleep(0.1)
        raise EmbeddedServerFailed(
            f"Prefect's embedded server did not answer within {timeout_s:.0f} s "
            "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _use_api(self.previous_url)


def start_embedded_prefect_server() -> EmbeddedServer | None:
    """A temporary Prefect server for this command, unless Prefect has an API URL (the
    environment or the Prefect profile: a served deployment, a test's server) or may not
    start one. From now on ``PREFECT_API_URL`` names it; call ``ready`` before the first
    flow. It stops when the command exits, after Prefect has sent its last logs and events
    (``atexit`` runs last what registered first, as Prefect does for its own)."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return None
    server = EmbeddedServer(
        {
            **os.environ,
            **settings.to_environment_variables(exclude_unset=True),
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
    )
    atexit.register(server.stop)
    return server


def ready(server: EmbeddedServer | None) -> None:
    """Wait for the embedded server, if there is one (up to Prefect's own start-up timeout)."""
    if server is None:
        return
    from prefect.settings import get_current_settings

    server.wait_until_up(float(get_current_settings().server.ephemeral.startup_timeout_seconds))


def _use_api(url: str | None) -> None:
    """Prefect's API URL for the rest of this command (None: none). Prefect reads its
    settings once; ``refresh_global_settings_context`` has it read them again."""
    from prefect.context import refresh_global_settings_context

    if url is None:
        os.environ.pop("PREFECT_API_URL", None)
    else:
        os.environ["PREFECT_API_URL"] = url
    refresh_global_settings_context()


def _free_port() -> int:
    for _ in range(50):
        port = random.choice(PORTS)  # noqa: S311 - not a secret
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise EmbeddedServerFailed("no free port for Prefect's embedded server in 8000–8999")


def _site_packages() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent.parent


def _die_with_parent() -> None:
    """In the child, before it runs: the kernel sends it SIGTERM when this command dies
    (Linux; elsewhere the next run stops an orphan)."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
