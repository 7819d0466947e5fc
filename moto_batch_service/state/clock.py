"""Now, in epoch milliseconds: the one clock the package reads.

It is the clock moto's state manager reads (``managed_state_model.datetime``), so freezegun,
time-machine, or a test that replaces that ``datetime`` move every time the package stores
or compares: ``createdAt``, the lifecycle's steps, timeouts, time-limit actions, the seeding
helpers. The operations, the lifecycle and the helpers call ``clock.now_ms()`` through this
module, so a test that replaces ``now_ms`` here steers all of them at once.
"""

from __future__ import annotations

from .._moto.common import state_now

__all__ = ["now_ms"]


def now_ms() -> int:
    """Now, in epoch milliseconds (the unit of every timestamp on the wire), by the clock
    moto's state manager reads (a naive datetime is local time, as ``datetime.now()``)."""
    return int(state_now().timestamp() * 1000)
