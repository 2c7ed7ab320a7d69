"""Presentation, readable by people: figures (one module per figure family, in ``charts``), plain-language
readings of fitted results and the answer's sentences, tables for people with the data dictionary, shared links, and
the HTML report. Files live in :mod:`model.outputs`, serving in :mod:`model.serving`. It may read every lower layer;
nothing below imports it.
"""
