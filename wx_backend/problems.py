"""One error type for content that fails validation in several places at once."""

from __future__ import annotations

from collections.abc import Sequence


class ProblemsError(ValueError):
    """Every problem found, each naming where (file or line) and which field."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
