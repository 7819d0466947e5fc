"""``python -m moto_batch_service``: run moto's server with service jobs (see ``server``)."""

from .server import main

main(prog="python -m moto_batch_service")
