"""The design table of a fit's ``model`` setting: each trend model on its own, or the stacked mixture of all four,
described by capabilities so nothing downstream tests a model's name."""

from __future__ import annotations

from dataclasses import dataclass

from model.bayes.trends import MODELS, STACKED


@dataclass(frozen=True)
class ModelChoice:
    """What a fit's ``model`` setting means, as capabilities (nothing downstream tests the name)."""

    members: tuple[str, ...]  # the trend models fitted
    combines: bool  # several members mixed into one answer (model.bayes.stacking)
    one_posterior: bool  # the draws are one model's posterior (a posterior file can hold them)
    preview_model: str  # whose priors the prior preview draws (the members share the line's)
    slow: bool  # fits for seconds (refits at every forecast origin): the worker pool runs it


#: The design table: each trend model on its own, and the stacked combination of all four.
MODEL_CHOICES: dict[str, ModelChoice] = {
    **{m: ModelChoice((m,), combines=False, one_posterior=True, preview_model=m, slow=False) for m in MODELS},
    STACKED: ModelChoice(MODELS, combines=True, one_posterior=False, preview_model="linear", slow=True),
}
#: Every model a fit may name: the trend models, and their stacked mixture.
FIT_MODELS = tuple(MODEL_CHOICES)
