"""The dictionary stage: the correction rules applied to the lines once speakers are found
(line numbers are final then, so the history of what changed points at the right lines)."""

from __future__ import annotations

import logging

from gijiroku.edits import apply_dictionary
from gijiroku.stages.base import StageContext

log = logging.getLogger(__name__)


class DictionaryStage:
    """Correction rules (misheard -> meant) on every line no person edited."""

    name = "dictionary"
    weight = 0.01

    def run(self, context: StageContext) -> None:
        changes = apply_dictionary(context.engine, context.meeting_id)
        if changes:
            log.info("dictionary corrected %d line(s) of meeting %s", len(changes),
                     context.meeting_id)


__all__ = ["DictionaryStage"]
