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

from summarize.cues import EN_ASKS, EN_DUE, JA_DUE, LEAD, Found, japanese, sentences
from summarize.grounding import COMMON, tokens

#: The speaker's own part in a sentence ("I will", "we'll", 「私のほうで」 「市民課で」).
_SELF = re.compile(r"^(?:agreed[.,]?|it(?:'s| is) decided,? (?:then)?[:,]?|I will|I'll|I can|"
                   r"I'm going to|I am going to|"
                   r"we (?:will|shall|decide to|agree to)|we'll|we|let's|"
                   r"I move that we|I move that|I propose that we)\s+(?:also\s+)?",
                   re.IGNORECASE)
_JA_AGENT = re.compile(r"(?:私のほう|私|こちら|当課|[一-龥ァ-ヶ]{1,8}(?:課|係|室|部|センター)|"
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
#: A request's own words: 「〜してください」 「〜してもらえますか」, "could you".
_JA_ASKING = re.compile(r"(?:て|で)(?:ください|下さい|もらえますか|いただけますか|くれますか|"
                        r"もらえませんか|いただけませんか|(?:もらって|いただいて)(?:も)?"
                        r"(?:いい|よろしい)(?:です|でしょう)か)|ようお願い(?:いた)?します|"
                        r"を?お願い(?:いた)?します|を(?:お)?願い(?:ます|いたします)")
#: ...and its English words, up to the task ("Tom, can you update..." → "update...").
_EN_ASKING = re.compile(r"^.*?" + EN_ASKS.pattern + r"\s+", re.IGNORECASE)
#: Verbs that say little on their own ("have the quotes", "do it").
_LIGHT_VERBS = frozenset({"have", "do", "get", "make", "take", "handle", "sort", "look",
                          "into", "out", "up"})
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
    found = _JA_ASKING.search(sentence)
    if not found:
        return None
    head = sentence[:found.start()]
    if found.group(0).startswith(("て", "で")):  # the verb in its て form before it
        morphemes = list(_tokenizer().tokenize(head))
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


def _without_due(text: str) -> str:
    """The task without its deadline (「十月末までに」「今週中に」, "by Friday"); a meeting it
    is to be reported at (「次回の委員会で報告する」) is part of the task."""
    if japanese(text):
        return re.sub(f"(?:{JA_DUE.pattern})(?:まで(?:に)?|に(?!ついて))、?", "",
                      text).replace("、、", "、")
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


def stands_alone(item: Found, said: dict[int, str], style: str = "dearu") -> str:
    """The sentence the minutes give `item` (`said`: the meeting's lines by number)."""
    sentence = item.sentence
    if item.kind == "action" and item.context and (
            _POINTS_BACK.search(sentence) or _says_little(_without_due(_unprefaced(sentence)))):
        asked = [s for s in sentences(said.get(item.context[0], ""))
                 if _JA_ASKING.search(s) or _EN_ASKING.search(s)]
        if asked:
            sentence = asked[-1]
    parts = sentences(sentence)
    if item.kind == "action" and len(parts) > 1:
        # 「手続きは私のほうで進めます。今月末までに見積もりを取り直して起案します。」: the
        # sentence that says what is done, not who does it
        parts = [max(parts, key=len)]
    text = _TAIL.sub("", _unprefaced(" ".join(parts))).strip()
    if japanese(text) and item.kind == "decision":
        text = _REASON.sub("", text)  # 「積立金で賄えるので、〜」: the decision, not why
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
