"""The kinds of entry in a meeting's history, each with what it holds, whether it can be
undone, and how it reads to a clerk, in Japanese and English.

Every change a person (or a dictionary rule) makes is one `EditRow` of one of these kinds;
`describe` gives the sentence the history panel and the API show, so the page never has to
read the entries' payloads itself. Speakers are named as the page names them: the name a
person gave, else 話者2 / Speaker 2 (`speaker_label`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from gijiroku import audit, workflow
from gijiroku.accounts import acting
from gijiroku.storage import repository
from gijiroku.storage.tables import EditRow

#: How long a quoted text may be in a summary (the entry itself keeps all of it).
QUOTE = 40


def speaker_label(key: str | None, name: str | None, language: str) -> str:
    """How an unnamed speaker is called everywhere (the page, history, exports, CLI)."""
    if name:
        return name
    if not key:
        return "—"
    number = key[1:] if key[:1] == "S" and key[1:].isdigit() else key
    return f"話者{number}" if language == "ja" else f"Speaker {number}"


def _quote(text: Any, language: str) -> str:
    text = " ".join(str(text or "").split())
    if len(text) > QUOTE:
        text = text[:QUOTE - 1] + "…"
    return f"「{text}」" if language == "ja" else f"“{text}”"


@dataclass(frozen=True, slots=True)
class Context:
    """What a summary needs besides the entry: the meeting's speakers' names by key."""

    names: Mapping[str, str | None]
    language: str

    def speaker(self, key: str | None) -> str:
        return speaker_label(key, self.names.get(key or ""), self.language)


Summary = Callable[[EditRow, Context], str]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    #: entries of this kind can be undone (a replaced recording cannot)
    undoable: Callable[[EditRow], bool]
    summary: Summary


def _ja(context: Context, ja: str, en: str) -> str:
    return ja if context.language == "ja" else en


def _quoting(c: Context, ja: str, en: str, *texts: Any) -> str:
    """「ja：「a」 → 「b」」 or "en: “a” → “b”": what was changed, then the texts quoted."""
    quoted = " → ".join(_quote(text, c.language) for text in texts)
    return _ja(c, f"{ja}：{quoted}", f"{en}: {quoted}")


def _segment(edit: EditRow, c: Context) -> str:
    before, after, n = edit.before or {}, edit.after or {}, edit.target
    if before.get("text") != after.get("text"):
        if before.get("gap"):
            return _quoting(c, f"聞き取れなかった発言 #{n} に入力",
                            f"Line #{n}, unheard, typed in", after.get("text"))
        return _quoting(c, f"発言 #{n} を修正", f"Line #{n} corrected", before.get("text"),
                        after.get("text"))
    return _ja(c, f"発言 #{n} の話者：{c.speaker(before.get('speaker'))} → "
                  f"{c.speaker(after.get('speaker'))}",
               f"Line #{n} speaker: {c.speaker(before.get('speaker'))} → "
               f"{c.speaker(after.get('speaker'))}")


def _speaker(edit: EditRow, c: Context) -> str:
    was = speaker_label(edit.target, edit.before, c.language)
    now = speaker_label(edit.target, edit.after, c.language)
    return _ja(c, f"話者の名前：{was} → {now}", f"Speaker renamed: {was} → {now}")


def _item(label_ja: str, label_en: str) -> Summary:
    def summary(edit: EditRow, c: Context) -> str:
        label = _ja(c, label_ja, label_en)
        before, after = edit.before, edit.after
        if isinstance(before, list) or isinstance(after, list):  # before items had ids
            return _ja(c, f"{label}を変更（{len(before or [])}件 → {len(after or [])}件）",
                       f"{label}: {len(before or [])} → {len(after or [])} items")
        if before is None:
            return _quoting(c, f"{label}を追加", f"{label} added", after["text"])
        if after is None:
            return _quoting(c, f"{label}を削除", f"{label} deleted", before["text"])
        return _quoting(c, f"{label}を変更", f"{label} changed", before["text"],
                        after["text"])
    return summary


def _dictionary(edit: EditRow, c: Context) -> str:
    rules = "、".join(f"{heard}→{meant}" for heard, meant in (edit.after or {}).get("rules", []))
    return _ja(c, f"辞書の訂正で発言 #{edit.target} を修正（{rules}）",
               f"Line #{edit.target} corrected by the dictionary ({rules.replace('、', ', ')})")


def _lines(edit: EditRow, c: Context) -> str:
    before = [s["number"] for s in (edit.before or {}).get("lines", [])]
    after = [s["number"] for s in (edit.after or {}).get("lines", [])]
    numbers = ", ".join(f"#{n}" for n in dict.fromkeys([*before, *after]))
    action = edit.target
    if action == "merge":
        return _ja(c, f"発言 {numbers} を結合", f"Lines {numbers} merged")
    if action == "split":
        return _ja(c, f"発言 #{before[0]} を分割（{numbers}）",
                   f"Line #{before[0]} split ({numbers})")
    if action == "delete":
        return _ja(c, f"発言 {numbers} を削除", f"Line {numbers} deleted")
    if action == "insert":
        text = (edit.after or {}).get("lines", [{}])[0].get("text")
        return _quoting(c, f"発言 {numbers} を挿入", f"Line {numbers} inserted", text)
    if action == "speaker":
        who = c.speaker(((edit.after or {}).get("lines") or [{}])[0].get("speaker"))
        return _ja(c, f"発言 {numbers} の話者を{who}に変更",
                   f"Lines {numbers} given to {who}")
    if action == "replace":
        count = len(after)
        return _ja(c, f"置換（{count}行）",
                   f"Find and replace ({count} line{'s' if count != 1 else ''})")
    return _ja(c, f"発言 {numbers} を変更", f"Lines {numbers} changed")


def _speakers(edit: EditRow, c: Context) -> str:
    if edit.target == "add":
        key, _label, name = edit.after["speaker"]
        return _ja(c, f"話者を追加：{speaker_label(key, name, 'ja')}",
                   f"Speaker added: {speaker_label(key, name, 'en')}")
    key, _label, name = edit.before["speaker"]
    into = edit.before.get("into")
    return _ja(c, f"話者を統合：{speaker_label(key, name, 'ja')} → {c.speaker(into)}",
               f"Speakers merged: {speaker_label(key, name, 'en')} → {c.speaker(into)}")


def _person(edit: EditRow, c: Context) -> str:
    name = (edit.after or {}).get("name") or ""
    key = edit.target
    return _ja(c, f"話者を確認：{speaker_label(key, None, 'ja')} → {name}",
               f"Speaker confirmed: {speaker_label(key, None, 'en')} is {name}")


MARK_NAMES = {"withdrawn": ("取消し", "withdrawn"), "closed": ("秘密会", "closed session"),
              "personal": ("個人情報", "personal information")}


def _mark(edit: EditRow, c: Context) -> str:
    mark = edit.after if edit.after is not None else (edit.before or {})
    name = MARK_NAMES.get(mark.get("kind", ""), (mark.get("kind", ""),) * 2)
    last = mark.get("last_segment")
    where = f"#{mark.get('segment')}" + (f"–#{last}" if last else "")
    if edit.after is not None:
        return _quoting(c, f"発言 {where} に{name[0]}の印", f"Line {where} marked {name[1]}",
                        mark.get("text"))
    return _quoting(c, f"発言 {where} の{name[0]}の印を外す",
                    f"Line {where}: {name[1]} mark removed", mark.get("text"))


FACT_NAMES = {"title": ("タイトル", "title"), "date": ("日付", "date"),
              "place": ("場所", "place"), "kind": ("会議の種類", "kind of meeting"),
              "start_time": ("録音の開始時刻", "recording start time"),
              "summary": ("要約", "summary"), "agenda": ("議題", "agenda"),
              "reviewed": ("議事要旨の確認", "minutes reviewed")}
RECORD_NAMES = {"body": ("会議体", "body"), "session": ("会期", "session"),
                "number": ("号数", "sitting number"), "chair": ("議長", "chair"),
                "present": ("出席者", "present"), "absent": ("欠席者", "absent"),
                "officials": ("説明のため出席した者", "officials"),
                "staff": ("事務局職員", "secretariat staff"),
                "signers": ("署名議員", "signing members"), "style": ("書式", "style"),
                "proceedings": ("議事経過", "proceedings")}


def _meeting(edit: EditRow, c: Context) -> str:
    names = [FACT_NAMES.get(k, (k, k))[0 if c.language == "ja" else 1]
             for k in (edit.after or {})]
    return _ja(c, f"会議の情報を変更：{'、'.join(names)}",
               f"Meeting details changed: {', '.join(names)}")


def _record(edit: EditRow, c: Context) -> str:
    names = [RECORD_NAMES.get(k, (k, k))[0 if c.language == "ja" else 1]
             for k in (edit.after or {})]
    return _ja(c, f"会議録の情報を変更：{'、'.join(names)}",
               f"Council record changed: {', '.join(names)}")


def _recording(_edit: EditRow, c: Context) -> str:
    return _ja(c, "録音を差し替え（最初から処理し直し）",
               "Recording replaced (processed again from the start)")


def _always(_edit: EditRow) -> bool:
    return True


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("segment", _always, _segment),
    Kind("speaker", _always, _speaker),
    Kind("decisions", lambda e: bool(e.target), _item("決定事項", "Decision")),
    Kind("action_items", lambda e: bool(e.target), _item("今後の対応", "Action item")),
    Kind("dictionary", _always, _dictionary),
    Kind("lines", _always, _lines),
    Kind("speakers", _always, _speakers),
    Kind("person", _always, _person),
    Kind("mark", _always, _mark),
    Kind("meeting", _always, _meeting),
    Kind("record", _always, _record),
    Kind("recording", lambda _e: False, _recording),
)}


def record(session: Session, meeting_id: str, kind: str, target: str, before: Any,
           after: Any, *, touch: bool = True) -> EditRow:
    """The one way a change enters a meeting's history: an entry of one of `KINDS`, with
    what was there and what is now, by the person the request acts for (None: the
    installation: the command line, the single token, a dictionary rule). A change to an
    approved or published meeting is refused here, so the whole change is undone with it
    (`gijiroku.workflow`); every entry goes into the audit log. With `touch`, the
    meeting's `updated_at` moves on (other windows hear of the change)."""
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of history entry")
    workflow.check_unlocked(session, meeting_id)
    edit = EditRow(meeting_id=meeting_id, kind=kind, target=target, before=before,
                   after=after, author=acting().name)
    session.add(edit)
    if touch:
        repository.update_meeting(session, meeting_id)
    session.flush()
    audit.append(session, "edit", "meeting", meeting_id, {"kind": kind, "target": target,
                                                          "edit": edit.id})
    return edit


def undoable(edit: EditRow) -> bool:
    """Whether undo may be asked for: not undone yet, and of a kind that can be."""
    kind = KINDS.get(edit.kind)
    return edit.undone_at is None and kind is not None and kind.undoable(edit)


def describe(edit: EditRow, names: Mapping[str, str | None], language: str) -> str:
    """The entry as a clerk would say it, in `language` (ja, else English)."""
    kind = KINDS.get(edit.kind)
    context = Context(names, "ja" if language == "ja" else "en")
    if kind is None:
        return edit.kind
    return kind.summary(edit, context)


__all__ = ["KINDS", "Context", "Kind", "describe", "record", "speaker_label", "undoable"]
