"""The Streamlit glue between the pages and the library: typed shared state (``state``), the data a page shows with
its caches (``data``), shared widgets and panels (``widgets``), fit orchestration (``fits``), shared links (``links``)
and routing with the page guard (``routing``). It may import ``model``; ``model`` never imports it; pages import it
and hold no logic of their own beyond describing the page. No statistics here."""
