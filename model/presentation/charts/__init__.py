"""Plotly figures, one module per family: frontiers and lags, fitted trends, robustness checks; shared style."""
