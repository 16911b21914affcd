"""Pure FAQ matching engine: no Flask, no database, no other project imports."""

from wx_backend.matching.engine import Matcher, Weights
from wx_backend.matching.types import Candidate, Decision, Document, Outcome, Thresholds

__all__ = ["Candidate", "Decision", "Document", "Matcher", "Outcome", "Thresholds", "Weights"]
