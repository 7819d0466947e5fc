"""Console script ``moto-batch-service-server``: moto's server with the service-job API.

Takes moto_server's options (``-H/--host``, default 127.0.0.1; ``-p/--port``, default 5000
or ``$MOTO_PORT``; ``--reload``, ``-s/--ssl``, ...). Every AWS service moto emulates is
served, and the AWS Batch service-job operations with them.
"""

from __future__ import annotations

import sys

from . import register

HELP = ("-h", "--help")


def main(argv: list[str] | None = None, prog: str = "moto-batch-service-server") -> None:
    """Run moto's server with this package registered; ``--help`` shows ``prog`` as the
    command in its usage line."""
    register()
    from moto.server import main as moto_server_main

    args = sys.argv[1:] if argv is None else argv
    if not any(arg in HELP or (len(arg) > 2 and "--help".startswith(arg)) for arg in args):
        moto_server_main(args)
        return
    # moto's parser names the program after sys.argv[0] (a path to __main__.py under -m).
    # Help exits before the server starts, so a restart by the reloader never reads it.
    script = sys.argv[0] if sys.argv else ""
    sys.argv[:1] = [prog]
    try:
        moto_server_main(args)
    finally:
        sys.argv[:1] = [script]


if __name__ == "__main__":
    main()
