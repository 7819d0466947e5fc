"""moto's CloudWatch Logs, as far as training-job logs write to it: events stored at the
times the package's clock gives them.

moto's public ``LogsBackend.put_log_events`` drops, as AWS does, every event more than 14
days older or 2 hours newer than moto's own clock. A training job writes its lines at the
times of its attempt's moves, which follow the package's clock (a test may set it anywhere):
those lines go to the log group itself, as moto's ``put_log_events`` does with the events it
keeps. Everything else the logs use (``create_log_group``, ``create_log_stream``) is moto's
public ``LogsBackend``.
"""

from __future__ import annotations

from typing import Any


def write_events(backend: Any, group: str, stream: str, events: list[dict[str, Any]]) -> None:
    """Store ``events`` (``timestamp`` in epoch milliseconds, ``message``) at the end of a log
    stream of moto's Logs ``backend``, whatever moto's clock says; they reach the group's
    subscription filters as any event does. KeyError if the group does not exist,
    moto's ResourceNotFoundException if the stream does not."""
    backend.groups[group].put_log_events(stream, events)
