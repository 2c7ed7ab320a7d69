"""Robustness: does the answer survive other choices and past data? Model comparison (PSIS-LOO and
leave-future-out), the multiverse of defensible specifications on a local pool or a Dask cluster, backtests of past
forecasts, and the score-space model that fits the frontiers themselves.
"""
