"""The frontier-lag engine: frontiers as step functions, the lag of a follower group behind a leader group on
a date grid and at the events that move the follower's frontier (with censoring statuses), lags of many benchmarks and
their across-benchmark mean, and the least-squares baseline of the June 2026 analysis. Pure pandas and numpy.
"""
