"""One turn of conversation: a message and its context in, an Answer out (no WeChat XML here)."""

from wx_backend.dialogue.brain import Brain, get_brain
from wx_backend.dialogue.engine import Dialogue
from wx_backend.dialogue.types import Answer, ArticleLink, Incoming

__all__ = ["Answer", "ArticleLink", "Brain", "Dialogue", "Incoming", "get_brain"]
