"""How service jobs move: the tracker, capacity, dispatch, the lifecycle, training jobs."""
