"""Typed shared state: the settings every page shares, and every session-state key the app owns, declared here.

Pages never index ``st.session_state`` with a string of their own: they use :class:`Key` (one prefix, ``fl_``), so a
newcomer finds every piece of session state in this file, and ``tests/test_architecture.py`` keeps it that way.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st
from pydantic import BaseModel, ConfigDict, Field

from model.data.openness import OPEN_DEFINITIONS
from model.lags.definitions import DEFINITIONS

PREFIX = "fl_"


class Key:
    """Every session-state key the app owns (widget keys excepted: Streamlit owns those)."""

    SETTINGS = PREFIX + "settings"  # the shared settings (SharedSettings)
    FIT_FORM = PREFIX + "fit_form"  # Trend fit's form (a FitSettings dump): the single-benchmark fit
    POOLED_FORM = PREFIX + "pooled_form"  # the Pooled page's form (a FitSettings dump)
    DATASET = PREFIX + "dataset"  # the data chosen on the Data page (an upload, or the embedded data)
    USER_OVERRIDES = PREFIX + "user_overrides"  # the user's open/closed corrections
    LIVE_AA = PREFIX + "live_aa"  # the data fetched from the AA API in this session
    LIVE_AA_CANCELLED = PREFIX + "live_aa_cancelled"  # the user cancelled the last AA API fetch
    LIVE_AA_FETCHED = PREFIX + "live_aa_fetched"  # the last AA API fetch's bytes and what it changes (refresh report)
    RESULTS = PREFIX + "results"  # the latest fit of each label (the pages that quote one)
    SESSION_FITS = PREFIX + "session_fits"  # every distinct fit of the session, for Downloads
    FIGURES = PREFIX + "figures"  # the figures shown, for export
    FIGURE_EXPORT = PREFIX + "figure_export"  # the last exported figure files
    SHARE_SETTINGS = PREFIX + "share_settings"  # Trend fit's settings as JSON, for Downloads
    MULTIVERSE = PREFIX + "multiverse"  # the last multiverse table
    BACKTEST_LAST = PREFIX + "backtest_last"  # the last backtest table
    TREND_HORIZON = PREFIX + "trend_horizon"  # Trend fit's forecast horizon
    COMPARE_CHOSEN = PREFIX + "compare_chosen"  # Compare's benchmarks
    ANSWER_BENCHMARK = PREFIX + "answer_benchmark"  # a benchmark chosen on the answer page itself (else the headline)
    SESSION_ID = PREFIX + "session_id"  # this session's place in the fit queue
    ENTRY_POINT_SEEN = PREFIX + "entry_point_seen"  # this session has run a page through the entry point
    QUERY_APPLIED = PREFIX + "query_applied"  # a shared link's settings were applied
    LINK_BENCHMARK = PREFIX + "link_benchmark"  # the benchmark a link named (to say when the data lack it)
    LINK_NOTICES = PREFIX + "link_notices"  # a link's values that were ignored
    POOLED_LINK = PREFIX + "pooled_link"  # a Pooled link, applied by the Pooled page

    @staticmethod
    def scoped(kind: str, *parts: object) -> str:
        """A key for one computed thing (a comparison, a backtest, a fit's last good result): ``fl_kind:part:…``."""
        return PREFIX + ":".join([kind, *map(str, parts)])


class SharedSettings(BaseModel):
    """The settings every page shares (the Data page and the sidebar set them). Validated on every assignment."""

    model_config = ConfigDict(validate_assignment=True, extra="ignore")

    source: str = "aa"
    open_definition: Literal[OPEN_DEFINITIONS] = "any"
    include_estimated: bool = True
    corrections: bool = True
    tolerance: float = Field(0.0, ge=0)
    benchmark: str = "intelligence_index_2026_10_10"
    #: Trend fit's last benchmark per data set (its label), so a switch of data and back restores it.
    benchmark_by_data: dict[str, str] = Field(default_factory=dict)
    lag_definition: Literal[DEFINITIONS] = "backward"
    follower: str = Field("open", min_length=1, max_length=200)
    leader: str = Field("closed", min_length=1, max_length=200)

    def update(self, **values) -> None:
        """Set several settings at once (each validated)."""
        for name, value in values.items():
            setattr(self, name, value)


#: The defaults, as a plain mapping (what a new session starts from).
DEFAULT_SETTINGS = SharedSettings().model_dump()
ATTRIBUTION = (
    "Data: Artificial Analysis, artificialanalysis.ai · Epoch AI, 'AI Benchmarking Hub', "
    "epoch.ai/benchmarks, CC BY 4.0 (and the third-party leaderboards named in its external files)."
)


def settings() -> SharedSettings:
    """The shared settings of this session (created once; a shared link is applied when it opens the session). A plain
    mapping put there by a test or an older session is validated into the typed settings."""
    value = st.session_state.get(Key.SETTINGS)
    if isinstance(value, SharedSettings):
        return value
    shared = SharedSettings.model_validate({**DEFAULT_SETTINGS, **(value or {})})
    st.session_state[Key.SETTINGS] = shared
    if value is None:
        from model.presentation.links import is_shared_link

        if is_shared_link({k: st.query_params[k] for k in st.query_params}):
            from model.analysis import FitSettings
            from ui.links import apply_query_params, show_link_notices

            # A shared link may open on any page: apply it to the Trend fit settings right away.
            apply_query_params(st.session_state.setdefault(Key.FIT_FORM, FitSettings().model_dump()), shared)
            show_link_notices()
    return shared
