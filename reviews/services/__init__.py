"""The review workflow: assignment (by hand or balanced), saving answers without
lost updates, submitting, consensus, revision requests and appeals. Every score
change lands in `ScoreChange`; views show `ReviewError.message` to the user."""

from reviews.services.answers import (  # noqa: F401
    AnswerInput,
    _check_can_work,
    _is_lock_timeout,
    _lock_timeouts_as_stale,
    _locked_review,
    _save_locked,
    _saved_elsewhere,
    _validate,
    reopen_review,
    save_answers,
    save_form,
    submission_of,
    submit_review,
)
from reviews.services.appeals import decide_appeal, file_appeal
from reviews.services.assignment import (  # noqa: F401
    BalanceResult,
    _notify_assigned,
    assign,
    balance,
    conflict_reason,
    loads,
    missing,
)
from reviews.services.conflicts import answered_counts, declare_conflict
from reviews.services.consensus import (
    DISAGREEMENT,
    all_reviews_in,
    can_adjudicate,
    current_value,
    disagreements,
    record_consensus,
    submitted_levels,
)
from reviews.services.core import (  # noqa: F401
    ReviewError,
    StaleReview,
    _admins,
    _lead,
    _officials,
    _when,
)
from reviews.services.revisions import request_revision

__all__ = [
    "DISAGREEMENT",
    "AnswerInput",
    "BalanceResult",
    "ReviewError",
    "StaleReview",
    "all_reviews_in",
    "answered_counts",
    "assign",
    "balance",
    "can_adjudicate",
    "conflict_reason",
    "current_value",
    "decide_appeal",
    "declare_conflict",
    "disagreements",
    "file_appeal",
    "loads",
    "missing",
    "record_consensus",
    "reopen_review",
    "request_revision",
    "save_answers",
    "save_form",
    "submission_of",
    "submit_review",
    "submitted_levels",
]
