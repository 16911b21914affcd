"""Join the publishing and analytics branches into one head

The two branches were built side by side from 0001; from here on migrations form one line,
so `alembic heads` shows a single revision and new work simply follows 0004.

Revision ID: 0004_merge
Revises: 0002_publishing, 0003_analytics
Create Date: 2026-11-26
"""

from collections.abc import Sequence

revision: str = "0004_merge"
down_revision: str | Sequence[str] | None = ("0002_publishing", "0003_analytics")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
