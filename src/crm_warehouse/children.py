"""Child processes that end with their parent.

A refresh killed outright (SIGKILL from a scheduler's timeout or the OOM killer) runs
no cleanup; its ingest workers and its dbt process would live on, holding its output
pipes, temporary files and the warehouse's DuckDB lock. On Linux each child asks the
kernel to kill it when its parent ends (prctl PR_SET_PDEATHSIG); elsewhere this is a
no-op.
"""

from __future__ import annotations

import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Call in the child (a pool initializer, or subprocess's preexec_fn)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent ended before the request took effect
        os._exit(1)
