"""pytest plugin (entry point ``pytest11``): importing it registers the package."""

from __future__ import annotations

import moto_batch_service  # noqa: F401  (import registers the routes)
