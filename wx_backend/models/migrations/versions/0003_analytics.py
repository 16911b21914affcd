"""analytics: worksites, warnings, question_log day and dashboard indexes

Revision ID: 0003_analytics
Revises: 0001_foundation
Create Date: 2026-11-26 12:39:52.798895
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003_analytics'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = ('analytics',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('warning_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksite_code', sa.String(length=32), nullable=False),
    sa.Column('level_from', sa.String(length=8), nullable=False),
    sa.Column('level_to', sa.String(length=8), nullable=False),
    sa.Column('users', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning_change'))
    )
    with op.batch_alter_table('warning_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warning_change_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_change_worksite_code'), ['worksite_code'], unique=False)

    op.create_table('worksite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('township', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('contractor', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('contact', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('wechat_qr_ticket', sa.String(length=200), nullable=True),
    sa.Column('wechat_qr_url', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worksite')),
    sa.UniqueConstraint('code', name=op.f('uq_worksite_code'))
    )
    with op.batch_alter_table('worksite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksite_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_worksite_township'), ['township'], unique=False)

    op.create_table('worksite_warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksite_code', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('users', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worksite_warning')),
    sa.UniqueConstraint('worksite_code', name=op.f('uq_worksite_warning_worksite_code'))
    )
    # The local calendar day of each question: added empty, filled from created_at (China
    # keeps UTC+8 all year), then made required.
    with op.batch_alter_table('question_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day', sa.Date(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE question_log SET day = (created_at AT TIME ZONE 'Asia/Shanghai')::date")
    else:
        op.execute("UPDATE question_log SET day = date(created_at, '+8 hours')")
    with op.batch_alter_table('question_log', schema=None) as batch_op:
        batch_op.alter_column('day', existing_type=sa.Date(), nullable=False)
        batch_op.create_index('ix_question_log_dashboard', ['day', 'topic', 'source', 'outcome', 'feedback', 'user_pseudonym'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('question_log', schema=None) as batch_op:
        batch_op.drop_index('ix_question_log_dashboard')
        batch_op.drop_column('day')

    op.drop_table('worksite_warning')
    with op.batch_alter_table('worksite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksite_township'))
        batch_op.drop_index(batch_op.f('ix_worksite_created_at'))

    op.drop_table('worksite')
    with op.batch_alter_table('warning_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warning_change_worksite_code'))
        batch_op.drop_index(batch_op.f('ix_warning_change_created_at'))

    op.drop_table('warning_change')
