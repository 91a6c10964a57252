"""zarrjvm's benchmarks: `make bench` (python -m bench). Results go to bench/results/<date>.{json,md} and PNG plots."""
