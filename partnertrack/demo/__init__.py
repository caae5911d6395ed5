"""The demo partnership, its believable rating series, and the caseload generator for benchmarks."""
