"""Console script ``moto-batch-service-server``: moto's server with the service-job API.

Takes moto_server's options (``-H/--host``, default 127.0.0.1; ``-p/--port``, default 5000
or ``$MOTO_PORT``; ``--reload``, ``-s/--ssl``, ...). Every AWS service moto emulates is
served, and the AWS Batch service-job operations with them.
"""

from __future__ import annotations

import sys

from . import register


def main(argv: list[str] | None = None) -> None:
    """Run moto's server with this package registered."""
    register()
    from moto.server import main as moto_server_main

    moto_server_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
