"""When the package comes into being: at the moment moto itself loads its batch service.

Importing the package imports nothing of moto. It puts a small finder at the front of
``sys.meta_path`` that watches two of moto's modules by name and, right after moto has
executed one of them (and before moto reads it), hands it to ``install.extend``:

- ``moto.batch.urls``: moto's batch route table, loaded by moto at the first Batch request
  (under ``mock_aws``, on a moto server, on a ``ThreadedMotoServer``). The service-job
  routes, the queue and tag route wrappers, the default transition and the direct routes
  are installed then.
- ``moto.moto_api._internal.urls``: moto's ``/moto-api/`` route table; the steering route
  is added to it.
- ``moto.sagemaker.responses``: moto's SageMaker handlers; ``StopTrainingJob`` is added
  (``stop_training``). Loading it stays moto's business (or the first dispatch's).
- ``moto.moto_server.werkzeug_app``: moto's server; its apps for batch leave gzip bodies to
  the package's handlers, which inflate them with a cap.

A module moto loaded before the package was imported is extended at import. A helper,
fixture or backend used before any Batch request loads ``moto.batch.urls`` itself
(``activate``), and so the same installation runs.

The package never breaks moto: when the extender finds a moto it cannot extend (or fails in
any way), nothing of moto has been changed, the reason is kept, a warning says so once, and
``activate`` (every helper, fixture and backend) raises ``IncompatibleMotoError`` with it.
Nothing raises inside moto's import of its module.

The bottom layer: stdlib and ``exceptions`` only. ``__init__`` hands it the extender, so that
the installer (the top layer) is imported only when moto loads a module.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Callable

from ..exceptions import IncompatibleMotoError

BATCH_URLS = "moto.batch.urls"
MOTO_API_URLS = "moto.moto_api._internal.urls"
SAGEMAKER_RESPONSES = "moto.sagemaker.responses"
SERVER_APP = "moto.moto_server.werkzeug_app"
WATCHED = (BATCH_URLS, MOTO_API_URLS, SAGEMAKER_RESPONSES, SERVER_APP)
# A name each watched module defines once moto has executed it.
_LOADED = {
    BATCH_URLS: "url_paths",
    MOTO_API_URLS: "url_paths",
    SAGEMAKER_RESPONSES: "SageMakerResponse",
    SERVER_APP: "create_backend_app",
}

_lock = threading.RLock()
# The module object of each watched name that has been extended: a module moto executes
# again (dropped from sys.modules and imported anew, as pytester's in-process runs do) is a
# new object, extended in its turn.
_extended: dict[str, ModuleType] = {}
_refusal: str | None = None  # why the package stepped aside, if it did
log = logging.getLogger("moto_batch_service")


class MotoBatchServiceWarning(UserWarning):
    """The package stepped aside: the installed moto is one it cannot extend."""


Extender = Callable[..., None]
_extender: Extender | None = None  # install.extend, reached through __init__ (see install())


def _extend(name: str, module: ModuleType, *, loading: bool) -> None:
    """Extend moto's module ``name`` once per module object. ``loading``: moto is building
    it right now (a server may hold its app lock), so running servers are left alone."""
    with _lock:
        if _extended.get(name) is module:
            return
        _extended[name] = module  # once, whatever the outcome
        if _refusal is not None:
            return  # stepped aside: moto stays as it is
        assert _extender is not None, "install() names the extender first"
        try:
            _extender(name, module, refresh_servers=not loading)
        except IncompatibleMotoError as error:
            step_aside(str(error))
        except Exception as error:  # never raise inside moto's import of its own module
            step_aside(
                f"extending {name} failed ({type(error).__name__}: {error}); moto is left as it is"
            )


def step_aside(reason: str) -> None:
    """Leave moto as it is from now on, say why once, and keep the reason for ``activate``."""
    global _refusal
    with _lock:
        if _refusal is not None:
            return
        _refusal = reason
    log.warning("moto_batch_service is inactive: %s", reason)
    try:
        warnings.warn(reason, MotoBatchServiceWarning, stacklevel=2)
    except Exception:  # a warnings filter that raises must not break moto's import
        pass


def refusal() -> str | None:
    """Why the package stepped aside, or None while it extends moto (or has not tried)."""
    return _refusal


class _Finder:
    """A meta path finder that finds nothing itself: it only wraps the loading of the
    watched modules so that they are extended right after moto executes them."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in WATCHED:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: ModuleSpec | None = finder.find_spec(fullname, path, target)
            if spec is not None:
                loader: Any = spec.loader
                if loader is not None and hasattr(loader, "exec_module"):
                    loader.exec_module = _then_extend(fullname, loader.exec_module)
                return spec
        return None


def _then_extend(name: str, exec_module: Any) -> Any:
    def exec_then_extend(module: ModuleType) -> None:
        exec_module(module)
        _extend(name, module, loading=True)

    return exec_then_extend


_finder = _Finder()


def install(extender: Extender | None = None) -> None:
    """Watch moto's modules (once); extend the ones moto has loaded already.

    ``extender(name, module, refresh_servers=...)`` extends one of them: ``__init__`` names
    it (``install.extend``, imported only when a watched module loads) at import.
    """
    global _extender
    with _lock:
        if extender is not None:
            _extender = extender
        if not any(finder is _finder for finder in sys.meta_path):
            sys.meta_path.insert(0, _finder)
        for name in WATCHED:
            module = sys.modules.get(name)
            if module is not None and getattr(module, _LOADED[name], None) is not None:
                _extend(name, module, loading=False)


def activate() -> None:
    """Bring the service-job API into being now (idempotent, cheap once done): loads moto's
    batch service the way moto does at its first Batch request.

    Raises ``IncompatibleMotoError`` if the package stepped aside (a moto it cannot extend).
    """
    if BATCH_URLS not in _extended or _extended[BATCH_URLS] is not sys.modules.get(BATCH_URLS):
        install()
        # Not under ``_lock``: another thread may be importing the module right now, and its
        # import ends by taking ``_lock`` (``_extend``).
        _extend(BATCH_URLS, importlib.import_module(BATCH_URLS), loading=False)
    if _refusal is not None:
        raise IncompatibleMotoError(_refusal)
