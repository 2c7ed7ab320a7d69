"""Bayesian trend models of the lag: priors as validated config objects, observations with censoring bounds,
one class per trend model (each builds its PyMC graph, names its parameters and draws its trend), the sampling engine
(nutpie, with a compile cache so a prior change never recompiles), crossing dates, diagnostics with a plain verdict,
summary rows, and the background warm-up.
"""
