"""Data in: one module per input format (embedded data, user CSV, AA API, AA page payload, Epoch export), all
ending in the one validation (:mod:`~model.data.validation`) that yields the tidy score table; the benchmark catalogue,
which models count as open (:mod:`~model.data.openness`), coverage tables, the upload dispatcher, and the script that
builds ``data/`` from the raw public files.
"""
