"""Letters services: producing letters, delivering them, and reviewing responses.

The respond flow (contract 1) uses ``response_draft_submit`` and ``response_draft_input``.
"""

from putright.letters.services.review import (
    response_draft_approve,
    response_draft_input,
    response_draft_return,
    response_draft_submit,
)

__all__ = [
    "response_draft_approve",
    "response_draft_input",
    "response_draft_return",
    "response_draft_submit",
]
