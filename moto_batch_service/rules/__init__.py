"""AWS's rules on requests and values: statuses, operations, request members, outcomes.

Nothing here holds state or reaches moto; everything above may use it.
"""
