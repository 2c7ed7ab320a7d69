"""Bayesian trend models of the lag: priors as validated config objects, observations with censoring bounds,
one class per trend model (each builds its PyMC graph, names its parameters and draws its trend; their shared base in
``series_base``), the NUTS sampling (``sampling``: nutpie, with a compile cache so a prior change never recompiles),
the compile-free engine (``importance``), stacking across the models (``stacking``, ``model_weights``,
``stacking_pooled``), crossing dates, diagnostics with a plain verdict, and summary rows. The warm-up that fits the
default views lives in :mod:`model.serving.warmup`.
"""
