"""What is stored per account and region: the resources, their indexes, the clock, listings."""
