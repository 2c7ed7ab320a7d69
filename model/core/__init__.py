"""Foundation shared by every layer: the one error a user sees (:class:`~model.core.errors.DataError`),
the time axis (days, months, years in one place) and every limit the project enforces (data size, uploads, sampler
settings). Nothing here imports another part of the project.
"""
