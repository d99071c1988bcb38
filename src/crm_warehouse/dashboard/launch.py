"""Starting the dashboard: `streamlit run app.py` on the serving copy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

from crm_warehouse.dashboard.db import ENV_DASHBOARD_DATABASE

APP = Path(__file__).with_name("app.py")


def streamlit_command(port: int, address: str, *, headless: bool = True) -> list[str]:
    """The command line that serves the app on `address:port`, with Streamlit's usage
    statistics off and no file watcher (a served dashboard, not a development one)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true" if headless else "false",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--theme.base",
        "light",
    ]


def dashboard_environment(serving: Path) -> dict[str, str]:
    env = dict(os.environ)
    env[ENV_DASHBOARD_DATABASE] = str(serving.resolve())
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    return env


def start(serving: Path, port: int, address: str, *, headless: bool = True) -> subprocess.Popen:
    """Start the dashboard in the background (tests, benchmarks); the caller stops it."""
    return subprocess.Popen(
        streamlit_command(port, address, headless=headless),
        env=dashboard_environment(serving),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def serve(serving: Path, port: int, address: str, *, headless: bool = True) -> NoReturn:
    """Replace this process with the dashboard's server (so stopping this process, by
    Ctrl+C or a signal to its pid, stops the server: no orphaned child)."""
    command = streamlit_command(port, address, headless=headless)
    os.execve(command[0], command, dashboard_environment(serving))
