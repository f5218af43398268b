"""Benchmarks at Union scale and beyond: a seeded data set generator (generate.py), the
gap engine outside Dagster (engine.py), a plain-pandas peer (peer_pandas.py) and the
run that measures them against each other (run.py, `make bench`). See BENCHMARKS.md."""
