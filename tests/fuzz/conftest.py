"""tests/fuzz/ holds the differential fuzzer (run as a script, see fuzz_torch.py), not tests;
tests/test_fuzz_smoke.py exercises it under pytest."""

collect_ignore_glob = ["*.py"]
