"""Serving the app to many visitors: the fit worker pool and its queue (``fit_queue``), fit results kept on disk across
sessions and restarts (``stored_results``), the warm-up that fits the default views ahead of the first visitor
(``warmup``), and the precomputed answer a first visitor sees (``first_view``). Nothing here draws or words a result."""
