"""Frontier Lag: how far open-weights LLMs trail closed ones, and when, if ever, the gap closes.

The package is layered, lowest first; a module imports only its own layer and those below it
(``tests/test_architecture.py`` enforces this):

- ``core``: the user-facing error, the time axis, every limit;
- ``data``: formats in, one validated tidy table out (schema, validation, catalogue, openness, loaders, build script);
- ``lags``: the frontier-lag engine (frontiers, lags on a grid and at events, across-benchmark means, the OLS baseline);
- ``bayes``: Bayesian trend models of the lag (priors, observations, model classes, the sampling engine, crossing dates,
  diagnostics, summaries);
- ``robustness``: what changes the answer and whether it held up (model comparison, multiverse, backtests, score space);
- ``presentation``: plot data and figures, plain-language readings, the report, exports;
- top level: ``analysis`` (the one fit path every page, the CLI, the multiverse and backtests use) and ``cli``.

Nothing here imports streamlit: the whole analysis runs headless through ``python -m model``.
"""
