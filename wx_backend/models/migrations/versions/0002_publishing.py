"""publishing: staff users, audit log, case explainers and their versions

Revision ID: 0002_publishing
Revises: 0001_foundation
Create Date: 2026-11-26 12:38:50.804562
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002_publishing'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = ('publishing',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=32), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_user_username'))
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_created_at'), ['created_at'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('target_type', sa.String(length=32), nullable=False),
    sa.Column('target_id', sa.String(length=128), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_audit_log_actor_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_audit_log_target', ['target_type', 'target_id'], unique=False)

    op.create_table('case_explainer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('related_faq', sa.JSON(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('published_date', sa.Date(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('submitted_version_id', sa.Integer(), nullable=True),
    sa.Column('live_version_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=8), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('staff_edited', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.Column('useful_count', sa.Integer(), nullable=False),
    sa.Column('not_useful_count', sa.Integer(), nullable=False),
    sa.Column('wechat_media_id', sa.String(length=128), nullable=False),
    sa.Column('wechat_publish_id', sa.String(length=128), nullable=False),
    sa.Column('wechat_pushed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_case_explainer_author_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_explainer')),
    sa.UniqueConstraint('slug', name=op.f('uq_case_explainer_slug'))
    )
    with op.batch_alter_table('case_explainer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_explainer_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_explainer_live_version_id'), ['live_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_explainer_status'), ['status'], unique=False)

    op.create_table('case_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('related_faq', sa.JSON(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('published_date', sa.Date(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_case_version_author_id_staff_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_explainer.id'], name=op.f('fk_case_version_case_id_case_explainer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_version')),
    sa.UniqueConstraint('case_id', 'number', name=op.f('uq_case_version_case_id'))
    )
    with op.batch_alter_table('case_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_version_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_version_created_at'), ['created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_version_created_at'))
        batch_op.drop_index(batch_op.f('ix_case_version_case_id'))

    op.drop_table('case_version')
    with op.batch_alter_table('case_explainer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_explainer_status'))
        batch_op.drop_index(batch_op.f('ix_case_explainer_live_version_id'))
        batch_op.drop_index(batch_op.f('ix_case_explainer_created_at'))

    op.drop_table('case_explainer')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target')
        batch_op.drop_index(batch_op.f('ix_audit_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_created_at'))

    op.drop_table('staff_user')
