"""Fault injection for the recovery tests.

With CRM_KILL_AT=<point> (or <point>:<n>) in the environment, the process kills itself
with SIGKILL the n-th time (default the first) it passes that point: no cleanup, no
`finally`, no flush, like a power cut or the OOM killer. Unset, each point costs one
environment lookup. The points are named where they are called:

    ingest.file_committed   after a file's rows, rejects and manifest row committed
    build.staging_built     after the staging step of `crm build`, before the rest
    publish.copied          the new serving copy written beside the old one, not renamed
    publish.previous_kept   the old copy kept as the rollback copy, the new not renamed
"""

from __future__ import annotations

import os
import signal

ENV = "CRM_KILL_AT"
_passed: dict[str, int] = {}


def point(name: str) -> None:
    """Die here when CRM_KILL_AT names this point (and this is its n-th pass)."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    target, _, count = wanted.partition(":")
    if target != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
