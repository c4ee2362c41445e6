"""An item's sentence as it stands in the minutes: the sentence that said it, without what
belongs elsewhere or nowhere.

Said 「それでは、端末はA社の機種を採用することにしましょう。」, the decision reads 「端末は
A社の機種を採用する。」; said 「契約の手続きは私のほうで進めます。今月末までに見積もりを
取り直して起案します。」, the task reads 「見積もりを取り直して起案する」 (the owner and the
deadline have columns of their own); said "Tom, can you update the runbook?" — "Yes, I'll do
it by Friday.", the task reads "Update the runbook". Japanese in である調 takes the verb's
dictionary form (Sudachi's analysis); です・ます調 keeps the polite form.

The model may state an item better (`summarize.stepwise`); this is what the minutes say when
it does not, and what its statement is checked against.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from summarize.cues import (
    EN_ASKS,
    EN_DUE,
    JA_ASKS,
    JA_DUE,
    JA_PROPOSAL,
    LEAD,
    Found,
    japanese,
    sentences,
)
from summarize.grounding import COMMON, containment, tokens

#: Share of an answer's words found in the request it answers for it to be a repetition.
REPEATS = 0.5
#: How much more a request must name than a vague answer to be the task instead.
NAMES_MORE = 1.5
#: The speaker's own part in a sentence ("I will", "we'll", 「私のほうで」 「市民課で」).
_SELF = re.compile(r"^(?:agreed[.,]?|it(?:'s| is) decided,? (?:then)?[:,]?|I will|I'll|I can|"
                   r"I'm going to|I am going to|"
                   r"we (?:will|shall|decide to|agree to)|we'll|we|let's|"
                   r"I move that we|I move that|I propose that we)\s+(?:also\s+)?",
                   re.IGNORECASE)
_JA_AGENT = re.compile(r"(?:私のほう|私|こちら|当課|[一-龥ァ-ヶ]{1,8}(?:課|係|室|部|局|センター)|"
                       r"[一-龥ァ-ヶ]{1,8}(?:さん|くん|君)|"
                       r"[一-龥ァ-ヶ]{1,8}(?:さん|くん|君)?のほう)"
                       r"(?:で|から|が|より)(?:は)?、?")
#: The person a request is made to, named first (「田中さん、」「道路課長、」).
_JA_CALLED = re.compile(r"^[一-龥ァ-ヶ]{1,8}(?:さん|くん|君|課長|係長|部長|委員)、")
#: A reason given before a decision (「〜額ですので、」「〜ため、」).
_REASON = re.compile(r"^[^、。]{2,40}(?:ので|ため|から)、")
#: A motion's question after the decision it puts (「〜とします。よろしいでしょうか。」).
_TAIL = re.compile(r"(?:よろしいでしょうか|いいですね|ご?異議ありませんか)[。？?]?$")
#: The decision formula around what was decided: 「〜することにしましょう」 → 「〜する」.
_SETTLING = re.compile(r"(?:こと|もの)(?:に|と|で)(?:いた)?し(?:ます|ましょう)|"
                       r"こと(?:で|に)決定(?:いた)?し(?:ます|ました)")
#: ...and its English words, up to the task ("Tom, can you update..." → "update...").
_EN_ASKING = re.compile(r"^.*?" + EN_ASKS.pattern + r"\s+", re.IGNORECASE)
#: Verbs that say little on their own ("have the quotes", "do it").
_LIGHT_VERBS = frozenset({"have", "do", "get", "make", "take", "handle", "sort", "look",
                          "into", "out", "up"})
#: An answer whose object is a word for whatever was asked (「資料を」「書類は」), or "have"
#: something done ("I'll have a draft out by Friday").
_VAGUE = re.compile(r"^(?:資料|書類|それ|結果|内容|案|もの)(?:を|は|も)|^have\b", re.IGNORECASE)
#: An answer that points at the request instead of saying the task ("I'll do it").
_POINTS_BACK = re.compile(r"\b(?:it|that|those|them|this|these|her|him|one)\b|"
                          r"そのように|それ|その点|そちら", re.IGNORECASE)


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def plain(text: str) -> str:
    """A Japanese sentence ending in the polite form in the plain form (である調):
    「渡します」 → 「渡す」, 「ご報告いたします」 → 「報告する」, 「進めましょう」 → 「進める」."""
    body = text.rstrip("。 ")
    morphemes = list(_tokenizer().tokenize(body))
    past = len(morphemes) >= 3 and morphemes[-1].surface() == "た"
    if past:  # 「送付しました」: し + まし + た
        morphemes = morphemes[:-1]
    if len(morphemes) < 2 or morphemes[-1].dictionary_form() != "ます" or \
            morphemes[-2].part_of_speech()[0] != "動詞":
        return text
    if len(morphemes) >= 4 and morphemes[-2].dictionary_form() in ("まいる", "参る", "いく") \
            and morphemes[-3].surface() == "て" and morphemes[-4].part_of_speech()[0] == "動詞":
        # 「取りまとめてまいります」 → 「取りまとめる」
        morphemes = [*morphemes[:-3], morphemes[-1]]
    verb = morphemes[-2]
    ending = morphemes[-1].surface() + ("た" if past else "")
    head = "".join(m.surface() for m in morphemes[:-2])
    base = verb.dictionary_form()
    if base in ("いたす", "致す"):
        base = "する"
    if ending.startswith("ました"):  # a past: only する's (決する, 送付する) is certain
        if not base.endswith("する"):
            return text
        base = base[:-2] + "した"
    if base in ("する", "した") and len(morphemes) >= 4 and \
            morphemes[-3].part_of_speech()[0] == "動詞" and morphemes[-4].surface() == "お":
        # 「お示しします」 → 「示す」
        head = "".join(m.surface() for m in morphemes[:-4])
        base = morphemes[-3].dictionary_form() if base == "する" else base
    head = re.sub(r"[ごお](?=[一-龥]{2,}$)", "", head)  # 「ご報告」 + する → 「報告」 + する
    return head + base + "。"


def styled(text: str, style: str) -> str:
    """A Japanese item in the minutes' style: in である調 「〜することといたします」 becomes
    「〜する。」 and 「渡します」 「渡す。」; です・ます調 keeps what was said."""
    if style != "dearu" or not japanese(text):
        return text
    if _SETTLING.search(text):
        return _SETTLING.sub("", text).rstrip("。") + "。"
    return plain(text)


def _ja_request(sentence: str) -> str | None:
    """A Japanese request as the task it asks for: 「まとめてもらえますか」 → 「まとめる」."""
    found = JA_ASKS.search(sentence)
    if not found:
        return None
    head = sentence[:found.start()]
    honorific = re.fullmatch(r"[おご](?!願)([一-龥]{1,4})(し?)(?:ください|下さい|いただきたい|"
                             r"いただけますか|願います)", found.group(0))
    if honorific:  # 「お示しいただきたい」 → 「示す」, 「ご確認ください」 → 「確認する」
        stem, verbal = honorific.groups()
        if not verbal:
            return head.rstrip("、") + stem + "する。"
        morphemes = list(_tokenizer().tokenize(stem + "します"))
        if not morphemes or morphemes[0].part_of_speech()[0] != "動詞":
            return None
        return head.rstrip("、") + morphemes[0].dictionary_form() + "。"
    if found.group(0).startswith(("て", "で")):  # the verb in its て form before it
        # analysed with its て (「まとめ」 alone reads as a noun)
        morphemes = list(_tokenizer().tokenize(head + found.group(0)[0]))[:-1]
        if not morphemes or morphemes[-1].part_of_speech()[0] != "動詞":
            return None
        head = "".join(m.surface() for m in morphemes[:-1]) + morphemes[-1].dictionary_form()
    elif found.group(0).startswith("を") or (found.group(0).endswith("お願いします")
                                            and not found.group(0).startswith("よう")):
        # 「説明は、公園緑地課でお願いします」 → 「説明をする」
        head = _JA_AGENT.sub("", head).rstrip("、 ")
        head = (head.removesuffix("を").removesuffix("は").removesuffix("も")
                .rstrip("、 ") + "をする")
    return head.rstrip("、") + "。"


def _ja_proposal(sentence: str) -> str | None:
    """A Japanese proposal as what it proposes: 「図書館を追加したいと考えています」 → 「図書館を
    追加する」, 「二回に増やしてはどうでしょうか」 → 「二回に増やす」."""
    found = JA_PROPOSAL.search(sentence)
    if not found:
        return None
    head = sentence[:found.start()]
    if found.group(0).startswith("を提案"):
        return head + "とする。"
    # analysed with what follows the verb (「追加し」 alone may read as a noun)
    joint = "たい" if found.group(0).startswith("たい") else found.group(0)[0]
    morphemes = list(_tokenizer().tokenize(head + joint))[:-1]
    if not morphemes or morphemes[-1].part_of_speech()[0] != "動詞":
        return None
    return "".join(m.surface() for m in morphemes[:-1]) + morphemes[-1].dictionary_form() + "。"


def _without_due(text: str) -> str:
    """The task without its deadline (「十月末までに」「今週中に」, "by Friday"); a meeting it
    is to be reported at (「次回の委員会で報告する」) is part of the task."""
    if japanese(text):
        # 「試算を、次回までにお示し」 → 「試算をお示し」: the comma went with the deadline
        return re.sub(f"(?:(?<=[をはもが])、)?(?:{JA_DUE.pattern})(?:まで(?:に)?|に(?!ついて))、?",
                      "", text).replace("、、", "、")
    return EN_DUE.sub("", text).replace("  ", " ").strip()


def _says_little(text: str) -> bool:
    """A task that names hardly anything ("the quotes", 「それをやる」): the request it
    answers says it better."""
    if japanese(text):
        return len(re.sub(r"[^\u3040-\u30ff\u4e00-\u9fff]", "", text)) < 6
    return len(tokens(text) - COMMON - _LIGHT_VERBS) < 2


def _unprefaced(text: str) -> str:
    """`text` without its opening connectives and the speaker's own part ("Then we",
    "Okay, I'll", 「それでは、」), however they are stacked (up to three)."""
    for _ in range(3):
        text = _SELF.sub("", LEAD.sub("", text.strip())).strip()
    return text


def _asked_in(line: str) -> str | None:
    """The request a line makes (its last), if any."""
    asked = [s for s in sentences(line) if JA_ASKS.search(s) or _EN_ASKING.search(s)]
    return asked[-1] if asked else None


def _task(text: str) -> str:
    """A Japanese task less the connectives, the deadline, the doer and whom it is asked of."""
    return _JA_AGENT.sub("", _without_due(_JA_CALLED.sub("", _unprefaced(text))))


def _named(text: str) -> int:
    """How much a Japanese task names: its kana and kanji."""
    return len(re.sub(r"[^\u3040-\u30ff\u4e00-\u9fff]", "", _task(text)))


def _answer_part(sentence: str) -> str:
    """Of an answer's sentences, the one that says what is done (the longest), not who does
    it: 「手続きは私のほうで進めます。今月末までに見積もりを取り直して起案します。」"""
    return max(sentences(sentence) or [sentence], key=len)


def stands_alone(item: Found, said: dict[int, str], style: str = "dearu") -> str:
    """The sentence the minutes give `item` (`said`: the meeting's lines by number)."""
    sentence = item.sentence
    if item.kind == "action" and item.context:
        asked = _asked_in(said.get(item.context[0], ""))
        answer = _answer_part(sentence)
        if asked and (
                _POINTS_BACK.search(sentence)
                or _says_little(_without_due(_unprefaced(answer)))
                # 「移行の手順書はまとめてもらえますか」「はい、手順書はまとめておきます」: a
                # clerk writes what was asked when the answer repeats less of it
                or (japanese(answer) and (request := _ja_request(_unprefaced(asked)))
                    and _named(request) > _named(plain(answer))
                    and containment(_task(answer), asked) >= REPEATS)
                # 「資料をまとめて提出します」, "I'll have a draft out": the request names it
                or (_VAGUE.search(_task(answer) if japanese(answer) else _unprefaced(answer))
                    and (not japanese(answer) or (
                        (request := _ja_request(_unprefaced(asked)))
                        and _named(request) >= NAMES_MORE * _named(plain(answer)))))):
            sentence = asked
    parts = sentences(sentence)
    if item.kind == "action" and len(parts) > 1:
        parts = [_answer_part(sentence)]
    text = _TAIL.sub("", _unprefaced(" ".join(parts))).strip()
    if japanese(text) and item.kind == "decision":
        text = _REASON.sub("", text)  # 「積立金で賄えるので、〜」: the decision, not why
        text = _ja_proposal(text) or text  # a proposal the chair approved
    if japanese(text):
        text = _JA_CALLED.sub("", text)
        asked_for = _ja_request(text)
        if asked_for and item.kind == "action":
            text = asked_for
        if item.kind == "action":
            text = _JA_AGENT.sub("", _without_due(text))
        return styled(text, style).strip("、 ") or item.sentence
    text = _EN_ASKING.sub("", text).rstrip("?").strip()
    if item.kind == "action":
        text = _without_due(text).rstrip(" .") or text
    return (text[0].upper() + text[1:]) if text else item.sentence


__all__ = ["plain", "stands_alone", "styled"]
