"""SQLAlchemy 2.0 typed models, one module per domain; importing this registers them all."""

from .base import Base
from .publishing import Case, CaseVersion
from .questions import QuestionRecord, UserEvent
from .staff import AuditLog, StaffUser
from .worksites import WarningChange, Worksite, WorksiteWarning

__all__ = [
    "AuditLog",
    "Base",
    "Case",
    "CaseVersion",
    "QuestionRecord",
    "StaffUser",
    "UserEvent",
    "WarningChange",
    "Worksite",
    "WorksiteWarning",
]
