"""The installation's dictionary (辞書): terms and correction rules, and applying the rules to a
stored meeting again."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Db, Number
from api.schemas import (
    DictionaryApplied,
    DictionaryChangeView,
    DictionaryEntryIn,
    DictionaryEntryView,
)
from gijiroku import dictionary, edits

router = APIRouter()


@router.get("/dictionary", response_model=list[DictionaryEntryView],
            summary="The installation's terms and rules, then the built-in ones")
def list_entries(db: Db) -> list[DictionaryEntryView]:
    return [DictionaryEntryView.of(e) for e in dictionary.entries(db)]


@router.post("/dictionary", status_code=201, response_model=DictionaryEntryView,
             summary="Add a term or a correction rule")
def add_entry(body: DictionaryEntryIn, db: Db) -> DictionaryEntryView:
    return DictionaryEntryView.of(dictionary.add_entry(
        db, body.kind, body.text, body.replacement, body.language, body.note))


@router.delete("/dictionary/{entry_id}", response_model=DictionaryEntryView,
               summary="Remove one of the installation's entries")
def remove_entry(entry_id: Number, db: Db) -> DictionaryEntryView:
    return DictionaryEntryView.of(dictionary.remove_entry(db, entry_id))


@router.post("/meetings/{meeting_id}/dictionary", response_model=DictionaryApplied,
             summary="Apply the correction rules to a stored meeting again",
             description="Lines edited by hand are left alone; each changed line is an entry "
                         "of the meeting's history and can be undone.")
def apply(meeting_id: str, db: Db) -> DictionaryApplied:
    changes = edits.apply_dictionary(db, meeting_id)
    return DictionaryApplied(changes=[
        DictionaryChangeView(number=c.number, before=c.before, after=c.after, rules=c.rules)
        for c in changes])
