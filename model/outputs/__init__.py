"""Files the analysis writes for people and for later runs: posterior files with their settings (``posterior_files``),
tidy CSV and JSON exports with formulas neutralised and a data dictionary (``exports``), and figure images
(``figure_export``). Every write is atomic (model.core.files)."""
