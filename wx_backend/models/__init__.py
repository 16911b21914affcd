"""SQLAlchemy 2.0 typed models, one module per domain; importing this registers them all."""

from .base import Base
from .questions import QuestionRecord, UserEvent

__all__ = ["Base", "QuestionRecord", "UserEvent"]
