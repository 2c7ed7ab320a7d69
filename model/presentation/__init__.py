"""Presentation, readable by people: figures (one module per figure family, in ``charts``), plain-language
readings of fitted results, the HTML report, and exports (formula-safe CSV, figure images). It may read every
lower layer; nothing below imports it.
"""
