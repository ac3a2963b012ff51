"""PhEval runner for osteodx (see README.md)."""
