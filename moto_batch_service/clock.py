"""Now, in epoch milliseconds: the clock the operations and the lifecycle read.

They call ``clock.now_ms()`` through this module, so a test that replaces ``now_ms`` here
steers the time of every operation at once. The seeding helpers read the wall clock
(``statuses.now_ms``) on their own.
"""

from __future__ import annotations

from .statuses import now_ms

__all__ = ["now_ms"]
