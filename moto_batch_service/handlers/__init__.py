"""Where requests come in: the handler methods (JSON in, backend, JSON out) and endpoints."""
