"""The seam: every private name of moto and botocore the package uses, and the adapters that
extend each moto generation. Nothing outside this folder touches moto's internals."""
