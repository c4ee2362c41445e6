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
    JA_BARE_DOING,
    JA_PLAN_ASKED,
    JA_POINTS_BACK,
    JA_PROPOSAL,
    LEAD,
    Found,
    base_form,
    japanese,
    sentences,
    without_due,
)
from summarize.grounding import COMMON, containment, tokens

#: Share of an answer's words found in the request it answers for it to be a repetition.
REPEATS = 0.5
#: How much more a request must name than a vague answer to be the task instead.
NAMES_MORE = 1.5
#: What the meeting will not do, as minutes say it: "we won't use it" → "not to use it".
_WE_NOT = re.compile(r"^we (?:won't|will not|shall not|are not going to|aren't going to)\s+",
                     re.IGNORECASE)
#: The speaker's own part in a sentence ("I will", "we'll", 「私のほうで」 「市民課で」).
_SELF = re.compile(r"^(?:agreed[.,]?|it(?:'s| is) decided,? (?:then)?[:,]?|I will|I'll|I can|"
                   # an answer's yes before its task: "Will do, I'll send them tomorrow."
                   r"(?:will do|can do|no problem|happy to)[,.!]|"
                   r"I'm going to|I am going to|"
                   r"we (?:will|shall|decide to|agree to)|we'll|we|let's|"
                   r"I move that we|I move that|I propose that we)\s+(?:also\s+)?",
                   re.IGNORECASE)
_JA_AGENT = re.compile(r"(?:私の(?:ほう|方)|私|こちら|当課|"
                       r"[一-龥ァ-ヶ]{1,8}(?:課|係|室|部|局|センター)|"
                       r"[一-龥ァ-ヶ]{1,8}(?:さん|くん|君)|"
                       r"[一-龥ァ-ヶ]{1,8}(?:さん|くん|君)?の(?:ほう|方|ところ))"
                       r"(?:で|から|が|より)(?:は|も)?、?")
#: The person a request is made to, named first (「田中さん、」「道路課長、」).
_JA_CALLED = re.compile(r"^[一-龥ァ-ヶ]{1,8}(?:さん|くん|君|課長|係長|部長|委員|局|課|係)(?:は)?、")
#: Whom a request is put to, within it: 「廃棄の一覧表は石田さん、作っておいて」.
_CALLED_WITHIN = re.compile(r"(?<=[はをも、])[一-龥ァ-ヶ]{1,8}(?:さん|くん|君)、")
#: A reason given before a decision (「〜額ですので、」「〜ため、」).
_REASON = re.compile(r"^[^、。]{2,40}(?:ので|ため|(?<=[るたいだす])から)、")
#: What a sentence is about, said first: 「看板は」.
_TOPIC = re.compile(r"^[^、。はが]{1,12}は(?=[^、。])")
#: A motion's question after the decision it puts (「〜とします。よろしいでしょうか。」).
_TAIL = re.compile(r"(?:よろしいでしょうか|いいですね|"
                   f"{JA_PLAN_ASKED}|"
                   # 「〜ということでよろしいですか」, not a request's 「〜てもよろしいですか」
                   r"(?:(?<=ことで)|(?<=もので)|(?<=こととして)|(?<=ものとして)|(?<![てで]))"
                   r"(?<!ても)(?<!でも)よろしいですか|"
                   r"(?:(?<=ことで)|(?<=もので))いいですか|"
                   r"よろしいですね|ご?異議(?:は)?(?:ありませんか|ございませんか))[。？?]?$")
#: What is left of a motion put as a question: 「〜とすることで、（ご異議ございませんか）」.
_MOVED = re.compile(r"(?:という|との)?(?:こと|もの|形|方向|方針)(?:で|に|として)[、,]?"
                    r"(?:[^、。]{1,8}として)?$")
#: The motion's opening condition: 「ほかにご意見がなければ、」「なければ、」.
_IF_NONE = re.compile(r"^[^、。]{0,12}(?:なければ|ないようでしたら|ないようですので)[、,]")
#: A choice put as a question (「会場は二階会議室でよろしいですか」) and agreed to: the
#: minutes state it (「会場は二階会議室とする」); a request's 「読んでよろしいですか」 is none.
_CHOSEN = re.compile(r"(?<=[一-龥ァ-ヶー0-9０-９])で(?:よろしい|いい)(?:です|でしょう)か[。？?]?$")
#: A task whose thing is its topic and that names no other (「勤務表は（私が）作る」「一覧は
#: 更新する」): the thing is what is done, 「勤務表を作る」 (a topic after a particle is none:
#: 「道路課とは調整する」「その方たちには連絡する」).
_TOPIC_DONE = re.compile(r"^([^、。をはが]{1,23}(?<![にとでへ])(?<!から)(?<!まで)(?<!より))は、?"
                         r"([^、。をが]{0,16}?(?:(?<!の)[てで]、[^、。をが]{0,12}?)?"
                         r"(?:する|[うくすつぬぶむるぐ]))。$")
#: The chair's preference as the decision: 「四月からにしたほうがいいね」 → 「四月からにする」.
_RATHER = re.compile(r"(?:した|する)ほうが(?:いい|よい|良い)(?:ね|です|でしょう|と思います)?"
                     r"(?=。|$)")
#: A decision reported as made (「表紙は成人式の写真に決定しました」「〜することに決まった」):
#: the minutes state it (「〜とする」「〜する」).
_DECIDED_AS = re.compile(r"(?P<doing>こと)?に(?:決定|決ま)(?:した|しました|いたしました|"
                         r"った|りました)。$|"
                         # 「第二土曜で決まりですね」
                         r"(?P<said>こと)?(?:で|に)決まり(?:です|だ)?(?:ね|よね|な)?。$")
#: 「報告書の作成は委員長に一任願います」, agreed to: 「〜委員長に一任する」.
_ENTRUSTED = re.compile(r"(?:ご|御)?一任(?:を)?(?:お)?願い(?:いた)?"
                        r"(?:します|ます|たい(?:と存じます)?)[。]?$")
#: 「案Bでいく」: what the meeting goes with is what it decides, 「案Bとする」.
_GOING_WITH = re.compile(r"で(?:行|い)く。$|(?<!方向)で進める。$")
#: The decision formula around what was decided: 「〜することにしましょう」 → 「〜する」.
_SETTLING = re.compile(r"(?:こと|もの)(?:に|と|で)(?:いた)?し(?:ます|ましょう)|"
                       r"こと(?:で|に)決定(?:いた)?し(?:ます|ました)")
#: ...and its English words, up to the task ("Tom, can you update..." → "update...").
_EN_ASKING = re.compile(r"^.*?" + EN_ASKS.pattern + r"\s+", re.IGNORECASE)
#: Verbs that say little on their own ("have the quotes", "do it").
_LIGHT_VERBS = frozenset({"have", "do", "get", "make", "take", "handle", "sort", "look",
                          "into", "out", "up"})
_KANJI = re.compile(r"[一-龥]")
#: A sentence that asks (「ほかにございませんか。」 before the motion).
_QUESTION = re.compile(r"(?:か|\?|？)[。]?$")
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


def volitional(morpheme: Any) -> bool:
    """A verb in its volitional form (「回してもらおう」's もらおう, 「始めよう」)."""
    return bool(morpheme.part_of_speech()[0] == "動詞" and
                morpheme.part_of_speech()[5] == "意志推量形")


#: A potential verb's ending and the plain verb's it stands for: 回せる → 回す, 作れる → 作る.
_POTENTIAL_ENDS = dict(zip("えけげせてねべめれ", "うくぐすつぬぶむる", strict=True))


def potential(morpheme: Any) -> bool:
    """A verb in its potential form (「回せます」's 回せ, 「行けます」), which says what can be
    done: Sudachi gives it the plain verb as its normal form (回せる → 回す)."""
    form, normal = morpheme.dictionary_form(), morpheme.normalized_form()
    return morpheme.part_of_speech()[0] == "動詞" and form != normal and len(form) >= 3 and \
        form.endswith("る") and _POTENTIAL_ENDS.get(form[-2]) == normal[-1:]


def says_can(sentence: str) -> bool:
    """A Japanese sentence ending in what can be done (「応援をもらえれば回せます」), not what
    will be (「回します」)."""
    morphemes = list(_tokenizer().tokenize(sentence.strip().rstrip("。！!")))
    verbs = [m for m in morphemes if m.part_of_speech()[0] == "動詞"]
    return bool(verbs) and morphemes[-1].dictionary_form() == "ます" and \
        morphemes[-2] is verbs[-1] and potential(verbs[-1])


#: A task's subject said first: 「協賛金ですが、商店街への依頼文を作って配ります」.
_TOPIC_FIRST = re.compile(r"^([^、。はがを]{1,12})(?:ですが|なんですが|ですけど)、")
#: A task said as what the speaker means to do: 「六月の頭には配りたいと思います」.
_INTENDS = re.compile(r"たいと(?:思い|考え)(?:ます|ています|ております|る)?[。]?$")


def _intended(text: str) -> str:
    """A task said as an intention in the plain form of its doing: 「配りたいと思います」 →
    「配る」, 「準備したいと考えています」 → 「準備する」."""
    meant = _INTENDS.search(text)
    if meant is None:
        return text
    morphemes = list(_tokenizer().tokenize(text[:meant.start()]))
    if not morphemes or morphemes[-1].part_of_speech()[0] != "動詞":
        return text
    return "".join(m.surface() for m in morphemes[:-1]) + morphemes[-1].dictionary_form() + "。"


def plain(text: str) -> str:
    """A Japanese sentence ending in the polite form in the plain form (である調):
    「渡します」 → 「渡す」, 「ご報告いたします」 → 「報告する」, 「進めましょう」 → 「進める」."""
    body = text.rstrip("。 ")
    if (humbly := re.search(r"(?<=[一-龥])させていただきます$", body)) is not None:
        return body[:humbly.start()] + "する。"  # 「報告させていただきます」 → 「報告する」
    morphemes = list(_tokenizer().tokenize(body))
    past = len(morphemes) >= 3 and morphemes[-1].surface() == "た"
    if past:  # 「送付しました」: し + まし + た
        morphemes = morphemes[:-1]
    if len(morphemes) >= 3 and morphemes[-1].dictionary_form() == "ます" and \
            morphemes[-2].dictionary_form() in ("せる", "させる", "れる", "られる") and \
            morphemes[-3].part_of_speech()[0] == "動詞":
        # 「知らせます」 (知ら + せ + ます) → 「知らせる」, 「可決されました」 → 「可決された」
        helper = morphemes[-2].dictionary_form()
        return "".join(m.surface() for m in morphemes[:-2]) + \
            (helper[:-1] + "た" if past else helper) + "。"
    if morphemes and volitional(morphemes[-1]):
        # the chair's plain 「回してもらおう」 → 「回してもらう」
        return "".join(m.surface() for m in morphemes[:-1]) + \
            morphemes[-1].dictionary_form() + "。"
    if len(morphemes) < 2 or morphemes[-1].dictionary_form() != "ます" or \
            morphemes[-2].part_of_speech()[0] != "動詞":
        return text
    if len(morphemes) >= 4 and morphemes[-2].dictionary_form() in ("まいる", "参る", "いく",
                                                                   "おく", "置く") \
            and morphemes[-3].surface() == "て" and morphemes[-4].part_of_speech()[0] == "動詞":
        # 「取りまとめてまいります」 → 「取りまとめる」, 「発注しておきます」 → 「発注する」
        morphemes = [*morphemes[:-3], morphemes[-1]]
    verb = morphemes[-2]
    ending = morphemes[-1].surface() + ("た" if past else "")
    head = "".join(m.surface() for m in morphemes[:-2])
    base = verb.dictionary_form()
    if base in ("いたす", "致す"):
        base = "する"
    # a past: 「送付しました」 → 「送付した」, 「決まりました」 → 「決まった」
    if ending.startswith("ました"):
        done = _past(base, verb.part_of_speech()[4])
        if done is None:
            return text
        base = done
    if base in ("する", "した") and len(morphemes) >= 4 and \
            morphemes[-3].part_of_speech()[0] == "動詞" and morphemes[-4].surface() == "お" and \
            morphemes[-3].dictionary_form() != "願う":  # 「お願いします」 asks: it stays
        # 「お示しします」 → 「示す」
        head = "".join(m.surface() for m in morphemes[:-4])
        base = morphemes[-3].dictionary_form() if base == "する" else base
    head = re.sub(r"[ごお](?=[一-龥]{2,}$)", "", head)  # 「ご報告」 + する → 「報告」 + する
    return head + base + "。"


#: The plain past of a verb by how it conjugates (Sudachi's type): 書く → 書いた.
_GODAN_PAST = {"カ行": "いた", "ガ行": "いだ", "サ行": "した", "タ行": "った", "ラ行": "った",
               "ワア行": "った", "ナ行": "んだ", "バ行": "んだ", "マ行": "んだ"}


def _past(base: str, conjugation: str) -> str | None:
    """The plain past of a verb in its dictionary form (None: not known)."""
    if base.endswith("する"):
        return base[:-2] + "した"
    if conjugation.startswith(("上一段", "下一段")):
        return base[:-1] + "た"
    if conjugation == "カ行変格":
        return "きた" if base == "くる" else base[:-1] + "た"
    if base in ("行く", "いく"):
        return base[:-1] + "った"
    ending = _GODAN_PAST.get(conjugation.removeprefix("五段-"))
    return base[:-1] + ending if conjugation.startswith("五段") and ending else None


#: A reason clause in the polite form (「〜していますので、」「ご説明しますので、」).
_POLITE_REASON = re.compile(r"^([^、。]{2,40}?)ますので、")


def _without_reason(text: str) -> str:
    """A Japanese decision without the reason said before it (「積立金で賄えるので、」), but
    with the reason's topic where the decision has none of its own (「看板はすぐできるので、
    来週中に立てましょう」 → 「看板は来週中に立てましょう」)."""
    reason = _REASON.match(text)
    if reason is None:
        return text
    rest = text[reason.end():]
    topic = _TOPIC.match(reason.group(0))
    own = re.match(r"^[^、。]*?は", rest)
    return (topic.group(0) if topic and not own else "") + rest


def styled(text: str, style: str) -> str:
    """A Japanese item in the minutes' style: in である調 「〜することといたします」 becomes
    「〜する。」 and 「渡します」 「渡す。」; です・ます調 keeps what was said."""
    if style != "dearu" or not japanese(text):
        return text
    # a reason said politely inside the item: 「アンケートを取っていますので、」 → 「取っている
    # ので、」
    text = _POLITE_REASON.sub(lambda m: plain(m.group(1) + "ます。").rstrip("。") + "ので、", text)
    if _SETTLING.search(text):
        return _SETTLING.sub("", text).rstrip("。") + "。"
    # each sentence of an item said in several (「議場は調光対応にします。その分、〜」)
    return "".join(plain(part) if part.endswith("。") else part for part in sentences(text)[:-1]) \
        + plain(sentences(text)[-1] if sentences(text) else text)


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
        # 「チラシの原稿は、六月末までにお願いします」: the thing, not when
        head = without_due(_JA_AGENT.sub("", head)).rstrip("、 ")
        head = (head.removesuffix("を").removesuffix("は").removesuffix("も")
                .rstrip("、 ") + "をする")
    return head.rstrip("、") + "。"


#: What follows a verb's な when it says the thing must be done: 「お伝えしないとね」
#: 「出さなければなりません」「確認しなくてはいけない」「やらなきゃ」「決めないと」.
_DUTY_TAIL = re.compile(r"^(?:いと|ければ|くては|くちゃ|きゃ)(?:いけ(?:ない|ません)|"
                        r"なら(?:ない)|なりません|だめ(?:だ|です)?)?(?:ね|な|よ|よね)?[。！!]?$")


def _ja_duty(sentence: str) -> str | None:
    """What a Japanese sentence says must be done, as the task: 「その方たちには電話で時間の
    変更をお伝えしないとね」 → 「その方たちには電話で時間の変更を伝える。」."""
    morphemes = list(_tokenizer().tokenize(sentence.strip()))
    for i in range(1, len(morphemes)):
        if morphemes[i].dictionary_form() != "ない" or \
                morphemes[i].part_of_speech()[0] != "助動詞":
            continue
        tail = morphemes[i].surface()[1:] + "".join(m.surface() for m in morphemes[i + 1:])
        verb = morphemes[i - 1]
        if verb.part_of_speech()[0] != "動詞" or not _DUTY_TAIL.match(tail):
            continue
        start, base = i - 1, verb.dictionary_form()
        if base in ("する", "いたす") and i >= 3 and morphemes[i - 3].surface() == "お" and \
                morphemes[i - 2].part_of_speech()[0] == "動詞":  # 「お伝えし」 → 伝える
            start, base = i - 3, morphemes[i - 2].dictionary_form()
        return "".join(m.surface() for m in morphemes[:start]) + base + "。"
    return None


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
        return without_due(text)
    return EN_DUE.sub("", text).replace("  ", " ").strip()


def _says_little(text: str) -> bool:
    """A task that names hardly anything ("the quotes", 「それをやる」, 「当たってみる」, 「今日と
    明日で連絡する」: no noun but when and the doing itself): the request it answers says it
    better."""
    if japanese(text):
        return len(re.sub(r"[^\u3040-\u30ff\u4e00-\u9fff]", "", text)) < 6 or \
            not _ja_things(text)
    return len(tokens(text) - COMMON - _LIGHT_VERBS) < 2


def _ja_things(text: str) -> list[str]:
    """The nouns a Japanese text names as things: not when (今日, 来週, 中旬), not a count,
    not the noun of its doing (連絡 in 「連絡します」)."""
    morphemes = list(_tokenizer().tokenize(text))
    return [m.surface() for i, m in enumerate(morphemes)
            if m.part_of_speech()[0] == "名詞" and m.part_of_speech()[1] != "数詞"
            and m.part_of_speech()[2] not in ("副詞可能", "助数詞可能")
            and not (i + 1 < len(morphemes) and m.part_of_speech()[2] == "サ変可能"
                     and morphemes[i + 1].dictionary_form() in ("する", "いたす", "致す"))]


def _unprefaced(text: str) -> str:
    """`text` without its opening connectives and the speaker's own part ("Then we",
    "Okay, I'll", 「それでは、」), however they are stacked (up to three)."""
    for _ in range(3):
        text = _SELF.sub("", _WE_NOT.sub("not to ", LEAD.sub("", text.strip()))).strip()
    return text


def _asked_in(line: str) -> str | None:
    """The request a line makes (its last), if any; a bare one (「田村さん、お願いしていい？」)
    asks for what the sentence before it says must be done."""
    said = sentences(line)
    asked = [i for i, s in enumerate(said) if JA_ASKS.search(s) or _EN_ASKING.search(s)]
    if not asked:
        return None
    last = asked[-1]
    request = _ja_request(_JA_CALLED.sub("", _unprefaced(said[last]))) if japanese(line) else None
    if request is not None and last > 0 and not _ja_things(request) and \
            (duty := _ja_duty(said[last - 1])) is not None:
        return duty
    return said[last]


def _paper_of(answer: str, request: str) -> str | None:
    """An answer that names only a kind of paper (「案を作ります」), as that paper of what the
    request is about: 「チラシの作成は庶務で担当してください」「八月二十日までに案を作ります」 →
    「チラシの案を作ります」."""
    task = _without_due(_unprefaced(answer))
    about = _REQUEST_TOPIC.match(_JA_CALLED.sub("", _unprefaced(request)))
    if not japanese(task) or not re.match(r"(?:案|資料|原稿|書類)を", task) or about is None:
        return None
    thing = re.sub(r"の([一-龥]{2})$", lambda m: "" if _verbal_noun(m.group(1)) else m.group(0),
                   about.group(1))
    if _SOMEONE.search(thing):
        return None
    paper = task.split("を", 1)[0]
    # 「田中さんの資料は〜直してもらえますか」「資料を直します」: the paper is the topic
    return thing + task[len(paper):] if thing.endswith(paper) else f"{thing}の{task}"


#: What may say which thing a noun is, just before it: 「応援の」, 「三月号に載せる」.
_MODIFIER = re.compile(r"(?:の|[るたうくすつぬむぶぐい])$")


def _named_as_asked(task: str, request: str) -> str | None:
    """An answer whose thing is bare (「原稿を広報課に出します」「依頼文を回します」), with the
    words the request said it with: 「広報の三月号に載せる原稿を作ってくれる？」 → 「広報の三月
    号に載せる原稿を広報課に出す」, 「応援の依頼は〜出しておいて」 → 「応援の依頼文を回す」."""
    bare = re.match(r"([一-龥ァ-ヶー]{2,6})を", task)
    if bare is None:
        return None
    noun = bare.group(1)
    asked = _JA_CALLED.sub("", _unprefaced(request))
    for stem in (noun, noun[:-1]) if len(noun) >= 3 else (noun,):
        for clause in re.split(r"[、。？?！!]", asked):
            at = clause.find(stem)
            said_with = clause[:at] if at > 0 else ""
            if len(said_with) >= 2 and _MODIFIER.search(said_with) and \
                    japanese(said_with) and not _SOMEONE.search(said_with.rstrip("の")):
                return said_with + task
    return None


def _of_the_topic(request: str, sentence: str, said: dict[int, str], line: int) -> str:
    """A request that names only its doing (「手配をする」), as the doing of what the sentence
    said before it (`sentence`, in line `line`) was about: 「看板は来週中に立てましょう。森田
    さん、手配をお願いします」 → 「看板の手配をする」."""
    bare = re.fullmatch(r"([一-龥]{2,3})をする。", request)
    if bare and _verbal_noun(bare.group(1)) and (topic := _TOPIC.match(
            LEAD.sub("", _said_before(sentence, said, line)))) is not None:
        return f"{topic.group(0).removesuffix('は')}の{request}"
    return request


#: A request about what was just said: 「それは」「その件は」「これは」.
_POINTING = re.compile(r"^(?:(?:では|じゃあ|それでは)[、,]?)?(?:それ|その件|これ|そちら)は")


def _pointed_at(said: dict[int, str], request: int) -> tuple[str, int] | None:
    """What a request that points back (「それは〜に連絡してもらえますか」) is about: the
    statement the line before it opens with, plain (「防犯灯が二本切れている」), and its line."""
    earlier = [n for n in said if n < request]
    if not _POINTING.match(said.get(request, "").strip()) or not earlier:
        return None
    first = (sentences(said[max(earlier)]) or [""])[0]
    statement = LEAD.sub("", first)
    if not japanese(statement) or _QUESTION.search(statement) or \
            not re.search(r"(?:ています|ております|ました)。?$", statement):
        return None
    return plain(statement).rstrip("。"), max(earlier)


def _said_before(sentence: str, said: dict[int, str], line: int) -> str:
    """The sentence said just before `sentence` (in line `line` or the line before)."""
    parts = sentences(said.get(line, ""))
    if sentence in parts and parts.index(sentence) > 0:
        return parts[parts.index(sentence) - 1]
    earlier = [n for n in said if n < line]
    return (sentences(said[max(earlier)]) or [""])[-1] if earlier else ""


def _task(text: str) -> str:
    """A Japanese task less the connectives, the deadline, the doer and whom it is asked of."""
    return _JA_AGENT.sub("", _without_due(_JA_CALLED.sub("", _unprefaced(text))))


def _named(text: str) -> int:
    """How much a Japanese task names: its kana and kanji."""
    return len(re.sub(r"[^\u3040-\u30ff\u4e00-\u9fff]", "", _task(text)))


#: A question about a subject: 「大掃除はいつにしますか」 → 大掃除.
_ASKED_ABOUT = re.compile(r"(?:^|[、。])([^、。？?]{1,16}?)は、?"
                          r"(?:いつ|どこ|どう|何|誰|どちら|いくら)"
                          r"[^。]*?(?:か|？|\?)[。？?]?$")


#: What a request is about, said first: 「値上げの理由は、〜していただきたい」.
_REQUEST_TOPIC = re.compile(r"^([^、。はがを]{2,16})(?<![にでとへ])(?<!から)(?<!まで)(?<!より)"
                            r"は[、,]?")
#: Making something known, which is about something: 「お知らせします」「ご報告します」.
_CONVEYS = re.compile(r"(?:知らせ|伝え|連絡|通知|説明|周知|案内|報告|示し|相談|回答|答え)"
                      r"(?:いた)?(?:し)?(?:ます|する|る)?[。]?$")
#: A task that says only whom something is told (「市民課には話す」): what is told is left
#: to the line before.
_TOLD_ONLY = re.compile(r"([^、。をはがで]{1,12}(?:に|へ))(?:は|も)?((?:話|伝え|連絡|相談|説明|"
                        r"お願い|言)(?:し|っ)?(?:て(?:おき|おく|おきます)|ます|する|す|る|う)?)。?")
#: A topic that is whom a request is put to (「事務局は、」「課長は、」), not a thing.
_SOMEONE = re.compile(r"(?:私|こちら|課|係|室|部|局|センター|さん|くん|君|長)$")
#: A request put as "would you mind doing it": the doing.
_EN_MIND = re.compile(r"mind (\w+ing)\b", re.IGNORECASE)


_ACTED_ON = re.compile(r"([一-龥ァ-ヶー々]{2,}|[一-龥ァ-ヶー々ぁ-ん]*?[一-龥ァ-ヶ][ぁ-ん]{0,2})を")


def _object_of(line: str) -> str | None:
    """The thing a line last says is acted on (「見積もりを取ってから考えよう」 → 見積もり): the
    noun run before its last を, when that is a thing."""
    runs = [run for sentence in sentences(line) for run in _ACTED_ON.findall(sentence)]
    for run in reversed(runs):
        things = _noun_runs(run)
        if not things or not run.endswith(things[-1]) or not _ja_things(things[-1]):
            continue
        # a thing, not a doing (「予約をしておいて」 names what is done, not to what)
        last = list(_tokenizer().tokenize(things[-1]))[-1]
        return None if last.part_of_speech()[2] == "サ変可能" else things[-1]
    return None


def _asked_about(line: str) -> str | None:
    """What the line's closing question asks about, if it asks when, where, how or what."""
    found = _ASKED_ABOUT.search(line.strip())
    return found.group(1) if found else None


def _doing(text: str) -> str | None:
    """What a Japanese task does: its last verb, or the noun before its する (通知, 送る)."""
    morphemes = [m for m in _tokenizer().tokenize(text.rstrip("。"))
                 if m.part_of_speech()[0] in ("動詞", "名詞")]
    if not morphemes:
        return None
    last = morphemes[-1]
    if last.dictionary_form() in ("する", "いたす", "致す") and len(morphemes) > 1 and \
            morphemes[-2].part_of_speech()[0] == "名詞":
        return morphemes[-2].surface()
    return last.dictionary_form() if last.part_of_speech()[0] == "動詞" else None


def _same_doing(one: str | None, other: str | None) -> bool:
    """Two doings that are one: the same word, or a verb and a Sino-Japanese noun sharing
    its kanji (配る and 配布, 送る and 送付, 出す and 提出)."""
    if one is None or other is None:
        return False
    return one == other or bool(set(_KANJI.findall(one)) & set(_KANJI.findall(other)))


def _news(answer: str, asked: str) -> int:
    """How many nouns an answer names that the request did not (「路面表示とガードパイプの
    設置を含めて検討し」 adds to what was asked; 「全議員へ通知します」 does not)."""
    return sum(1 for m in _tokenizer().tokenize(answer)
               if m.part_of_speech()[0] == "名詞" and m.part_of_speech()[1] != "数詞"
               and len(m.surface()) > 1 and m.surface() not in asked)


def _answer_part(sentence: str) -> str:
    """Of an answer's sentences, the one that says what is done (the longest, less a reason;
    not one that points back), not who does it: 「手続きは私のほうで進めます。今月末までに
    見積もりを取り直して起案します。」; 「原稿は私が書きます。締め切りが一月二十日なので、
    それまでに出します。」"""
    parts = sentences(sentence) or [sentence]
    return max(parts, key=lambda s: (not JA_POINTS_BACK.search(s),
                                     not _VAGUE.search(_without_due(LEAD.sub("", s))),
                                     len(_REASON.sub("", s))))


#: A task said as its noun's doing: 「会場の手配は（私のほうで）やります」.
_DOING = re.compile(r"(.+?)の([一-龥]{2,4})(?:は|も)、?(?:すぐ(?:に)?|早速|早急に|至急)?"
                    r"(やる|する|行う|担当する|やります|します|行います|担当します)。?")
#: 「案内を送るのは（私が）やっておく」: the doing said before のは.
_DOING_SAID = re.compile(r"(.+?[うくすつぬぶむる])のは、?"
                         r"(?:やる|する|やっておく|しておく|担当する)。?")
#: A noun that says when (「来年度予算」「四月分」): never the full name of another.
_WHEN = re.compile(r"年度|[年月日週]|[前今来昨翌]")
#: How many lines before an item a noun it shortens may have been said in full.
BEFORE = 3


def _verbal_noun(word: str) -> bool:
    """A Sino-Japanese noun that takes する (手配, 作成, 確認)."""
    morphemes = list(_tokenizer().tokenize(word))
    return len(morphemes) == 1 and morphemes[0].part_of_speech()[2] == "サ変可能"


def _ends_in_noun(text: str) -> bool:
    """Whether a Japanese text ends in a noun (「六月十八日の夜」)."""
    morphemes = list(_tokenizer().tokenize(text))
    return bool(morphemes) and morphemes[-1].part_of_speech()[0] == "名詞"


def _as_doing(text: str) -> str:
    """「会場の手配はやる。」 → 「会場の手配をする。」, 「チラシの作成は担当します。」 →
    「チラシの作成をします。」: what is done, not who does it (the words kept as said, so
    the line still carries them)."""
    if (said := _DOING_SAID.fullmatch(text)) is not None:
        return said.group(1) + "。"
    found = _DOING.fullmatch(text)
    if not found or not _verbal_noun(found.group(2)):
        return text
    polite = found.group(3).endswith("ます")
    return f"{found.group(1)}の{found.group(2)}を{'します' if polite else 'する'}。"


def _noun_runs(text: str) -> list[str]:
    """The compound nouns of a Japanese text (「各課の操作研修」 → 各課, 操作研修); numbers
    and counters end a run."""
    runs: list[str] = []
    current = ""
    for morpheme in _tokenizer().tokenize(text):
        pos = morpheme.part_of_speech()
        if pos[0] in ("名詞", "接頭辞") and pos[1] != "数詞" and pos[2] != "助数詞可能":
            current += morpheme.surface()
            continue
        if current:
            runs.append(current)
        current = ""
    return [*runs, current] if current else runs


def _in_full(text: str, before: dict[int, str]) -> tuple[str, list[int]]:
    """A noun the item shortens from its full name said just before (「研修」 after 「操作
    研修」, 「掲示板」 after 「庁内掲示板」) said in full, as a clerk writes it; with the
    lines (of `before`, by number) the full names come from."""
    said = [(number, run) for number, line in before.items() for run in _noun_runs(line)]
    sources: list[int] = []
    for run in dict.fromkeys(_noun_runs(text)):
        fuller = [(number, x) for number, x in said
                  if len(run) >= 2 and x.endswith(run) and len(x) > len(run) and x not in text
                  and not _WHEN.search(x)]
        # only a noun said bare: 「今年度の予算」 is no shortened 「来年度予算」
        bare = re.search(f"(?:^|(?<=[、。「]))(?<!の){re.escape(run)}", text)
        if fuller and bare:
            number, full = fuller[-1]
            text = text[:bare.start()] + full + text[bare.end():]
            sources.append(number)
    return text, sources


#: The matter before the meeting, as the chair puts it: 「日程第一、市道の維持管理について議題と
#: いたします」「本日は部活動の地域移行について、執行部から説明を受けます」「議案第五号を議題と
#: いたします」.
_AGENDA = re.compile(r"([^、。]{2,40}?)(?:について|に関して|に係る件)[、,]?[^。]{0,24}?"
                     r"(?:議題と|説明を受け|報告を受け|審査|審議|協議|お諮り|決め(?:ます|たい))|"
                     r"([^、。]{2,40}?)を議題と")
_AGENDA_LEAD = re.compile(r"^(?:本日は|今日は|次に|まず|では|それでは|これより|ただいまから)[、,]?")
#: What a decision calls the matter before the meeting.
_THIS_MATTER = re.compile(r"本件|本案")
#: A bill by its number: 「第一号議案」「議案第五号」「請願第2号」.
_BILL = re.compile(r"(?:第[〇一二三四五六七八九十百0-9０-９]+号(?:議案|請願|陳情)|"
                   r"(?:議案|請願|陳情)第[〇一二三四五六七八九十百0-9０-９]+号)")
#: The bill's title where the chair puts it: 「第一号議案、二学期の給食費の改定について、〜」.
_BILL_TITLE = re.compile(r"^[、,\s]*([^、。]{2,40}?)(?:について|に関して|の件)")


def _agenda(said: dict[int, str], before: int) -> tuple[str, int] | None:
    """The matter last put before the meeting ahead of line `before`, and its line."""
    for number in sorted((n for n in said if n < before), reverse=True):
        if (subject := _agenda_in(said[number])) is not None:
            return subject, number
    return None


def _bill_title(said: dict[int, str], before: int, bill: str) -> tuple[str, int] | None:
    """The title the chair gave bill `bill` when putting it, ahead of line `before`."""
    for number in sorted((n for n in said if n < before), reverse=True):
        at = said[number].find(bill)
        if at >= 0 and (title := _BILL_TITLE.match(said[number][at + len(bill):])):
            return title.group(1), number
    return None


def _agenda_in(line: str) -> str | None:
    """The matter a line puts before the meeting (「〜について議題といたします」), if any."""
    for sentence in sentences(line):
        if (found := _AGENDA.search(sentence)) is not None:
            subject = _AGENDA_LEAD.sub("", found.group(1) or found.group(2)).strip()
            if subject and not _THIS_MATTER.search(subject):
                return subject
    return None


#: The matter a line opens: 「市民会館の空調の件、見積もりはそろいましたか」 ...
_MATTER = re.compile(r"^(?:では|それでは|次に|まず)?[、,]?([^、。はがを]{2,20}?)の件"
                     r"(?:[、,]|ですが|ですけ(?:れ)?ど(?:も)?|で[、,])")
#: ... within this many lines before the decision, and with no other matter put since.
MATTER_LINES = 12


def _matter(said: dict[int, str], before: int) -> tuple[str, int] | None:
    """The matter the last line ahead of `before` that opens one names, and its line."""
    for number in sorted((n for n in said if n < before), reverse=True)[:MATTER_LINES]:
        if (found := _MATTER.search(said[number].strip())) is not None:
            return found.group(1), number
        if (agenda := _agenda_in(said[number])) is not None:
            # 「年末の夜警について決めます」; a bill is decided by its number, and what is
            # decided after it is another matter
            return None if _BILL.search(said[number]) else (agenda, number)
    return None


def stands_alone(item: Found, said: dict[int, str], style: str = "dearu") -> str:
    """The sentence the minutes give `item` (`said`: the meeting's lines by number)."""
    return worded(item, said, style)[0]


def _request_says_it(sentence: str, answer: str, asked: str) -> bool:
    """The request an answer takes on says the task better than the answer does (`answer`:
    the answer's sentence that says what is done, `asked`: the request)."""
    if _POINTS_BACK.search(sentence) or _says_little(_without_due(_unprefaced(answer))):
        return True
    if not japanese(answer):  # "I'll have a draft out": the request names it
        return bool(_VAGUE.search(_unprefaced(answer)))
    request = _ja_request(_unprefaced(asked))
    if not request:
        return False
    named, own = _named(request), _named(plain(answer))
    # 「移行の手順書はまとめてもらえますか」「はい、手順書はまとめておきます」: a clerk writes
    # what was asked when the answer repeats less of it
    if named > own and containment(_task(answer), asked) >= REPEATS:
        return True
    # 「明日中に全議員へ通知します」 for 「決定した日程を各議員に文書で通知してください」: the
    # same doing, and the request says what is done
    if named > own and _same_doing(_doing(request), _doing(plain(_without_due(answer)))) \
            and _news(_task(answer), asked) <= 1:
        return True
    # 「お知らせには雨の場合の流れも載せておいてください」「お知らせは私が担当なので、直して
    # おきます」: the answer, less why, names nothing the request did not
    core = _without_reason(_task(answer))
    topic = re.match(r"^([^、。]{1,12})は、?", core)
    if named > own and JA_BARE_DOING.match(core[topic.end():] if topic else core) and \
            (topic is None or topic.group(1) in asked):
        return True
    # 「資料をまとめて提出します」: the answer's object is a word for whatever was asked
    return bool(_VAGUE.search(_task(answer))) and named >= NAMES_MORE * own


def worded(item: Found, said: dict[int, str], style: str = "dearu") -> tuple[str, list[int]]:
    """`stands_alone`'s sentence, with the lines before the item it also draws on (a noun
    said in full there): the item cites them too."""
    sentence = item.sentence
    if item.kind == "action" and item.context:
        asked = _asked_in(said.get(item.context[0], ""))
        answer = _answer_part(sentence)
        if asked and _request_says_it(sentence, answer, asked):
            sentence = _paper_of(answer, asked) or asked
    parts = sentences(sentence)
    if item.kind == "decision" and len(parts) > 1:  # 「ほかにございませんか。それでは、〜」
        parts = [part for part in parts[:-1] if not _QUESTION.search(part)] + parts[-1:]
    if item.kind == "action" and len(parts) > 1:
        parts = [_answer_part(sentence)]
    text = _unprefaced(("" if japanese(sentence) else " ").join(parts))
    if item.kind == "decision":
        text = _ENTRUSTED.sub("一任する。", _CHOSEN.sub("とする。", text))
    text = _TAIL.sub("", text).strip()
    if japanese(text) and item.kind == "decision":
        # 「積立金で賄えるので、〜」: the decision, not why; its topic stays (「看板はすぐ
        # できるので、来週中に立てましょう」 → 「看板は来週中に立てる」)
        text = _without_reason(text)
        text = _ja_proposal(text) or text  # a proposal the chair approved
        text = _IF_NONE.sub("", text)  # 「異論がなければ、三日間で実施します」
        bare = text.rstrip("。")
        if _MOVED.search(bare):  # 「〜とすることで、（ご異議ございませんか）」
            text = _MOVED.sub("", bare).rstrip("、, ")
            # 「河川敷に変更ということで」: the doing said as its noun; 「日程は六月十八日の夜
            # ということで」: what it is to be
            last = re.search(r"[一-龥]{2}$", text)
            text += "する。" if last and _verbal_noun(last.group(0)) else (
                "とする。" if _ends_in_noun(text) else "。")
        text = _RATHER.sub("する", text)
    if japanese(text):
        text = _CALLED_WITHIN.sub("", _JA_CALLED.sub("", text))
        asked_for = _ja_request(text) or _ja_duty(text)
        if asked_for and item.kind == "action":
            text = _of_the_topic(asked_for, item.sentence, said, item.lines[0]) \
                if item.lines else asked_for
        if item.kind == "action":
            text = _intended(_TOPIC_FIRST.sub(r"\1について、", _JA_AGENT.sub(
                "", _without_due(text))))
            if item.context:  # 「原稿を広報課に出します」 for 「広報の三月号に載せる原稿を〜」
                text = _named_as_asked(text, said.get(item.context[0], "")) or text
        earlier = [n for n in sorted(said) if item.lines and n < item.lines[0]][-BEFORE:]
        drawn: list[int] = []
        if item.kind == "action" and earlier and not item.context and not _ja_things(text) \
                and (thing := _object_of(said.get(earlier[-1], ""))):
            text, drawn = f"{thing}を{text}", [earlier[-1]]  # 「来週までに集めます」
        elif item.kind == "action" and item.context and not re.search(r"[をは]", text) and \
                _CONVEYS.search(text) and \
                (about := _REQUEST_TOPIC.match(_unprefaced(said.get(item.context[0], "")))) and \
                not _SOMEONE.search(about.group(1)):
            # 「値上げの理由は、保護者に伝わるようにしていただきたい」「八月中に各家庭へ文書で
            # お知らせします」: what is made known is what was asked about
            text = f"{about.group(1).removesuffix('について')}について{text}"
        elif item.kind == "action" and item.context and not re.search(r"[をは]", text) and \
                _CONVEYS.search(text) and \
                (told := _pointed_at(said, item.context[0])) is not None:
            # 「防犯灯が二本切れています」「それは市の担当に連絡してもらえますか」: what is
            # made known is what the line before said
            text, drawn = f"{told[0]}ことを{text}", [told[1]]
        elif item.kind == "action" and earlier and not item.context and \
                (whom := _TOLD_ONLY.fullmatch(text)) is not None and \
                (proposed := [p for p in sentences(said.get(earlier[-1], ""))
                              if JA_PROPOSAL.search(p)]) and \
                (whole := _ja_proposal(proposed[-1])) is not None:
            # 「窓口でチラシを渡してもらうのはどうでしょう」「市民課には私から話しておきます」:
            # what is told about is what was just proposed: its thing (the proposal itself is
            # the decision), or the whole of it
            thing = _object_of(proposed[-1])
            told_about = f"{thing}について" if thing else f"{whole.rstrip('。')}ことを"
            text = f"{told_about}{whom.group(1)}{whom.group(2)}"
            drawn = [earlier[-1]]
        topic = _asked_about(said.get(earlier[-1], "")) if earlier and \
            item.kind == "decision" else None
        has_topic = bool(re.match(r"[^、。]{1,16}?は", text))
        if topic and topic not in text and not has_topic:
            text = f"{topic}は{text}"  # 「大掃除はいつにしますか」「二十六日の午後に」
        elif item.kind == "decision" and item.lines and not has_topic and \
                (matter := _matter(said, item.lines[0])):
            # 「市民会館の空調の件、見積もりは…」…「二番目の会社にお願いしましょう」
            # (「仮設トイレを二か所増やす」 has its thing: the matter is where, 「〜では」)
            joint = "では" if "を" in text else "は"
            text, drawn = f"{matter[0]}{joint}{text}", [*drawn, matter[1]]
        text = _as_doing(styled(text, style).strip("、 "))
        if text and not text.endswith(("。", "？", "！", "?", "!")):
            text += "。"  # a proposal's words, its question cut off
        if item.kind == "action" and style == "dearu":
            text = _TOPIC_DONE.sub(r"\1を\2。", text)
        if item.kind == "decision" and style == "dearu":
            text = _GOING_WITH.sub("とする。", text)
            text = _DECIDED_AS.sub(
                lambda m: "。" if m.group("doing") or m.group("said") else "とする。", text)
        text, sources = _in_full(text,
                                 {n: said[n] for n in [*earlier, *item.context] if n in said})
        if item.kind == "decision" and item.lines and _THIS_MATTER.search(text) and \
                (matter := _agenda(said, item.lines[0])) is not None:
            # 「本件は執行部の説明のとおり了承する」: the minutes name the matter
            text = _THIS_MATTER.sub(matter[0], text, count=1)
            sources.append(matter[1])
        elif item.kind == "decision" and item.lines and (bill := _BILL.search(text)) and \
                (title := _bill_title(said, item.lines[0], bill.group(0))) is not None and \
                title[0] not in text:
            # 「第一号議案は原案のとおり決定する」: the minutes give the bill its title
            text = text[:bill.end()] + f"（{title[0]}）" + text[bill.end():]
            sources.append(title[1])
        if topic and earlier[-1] not in sources and topic in text:
            sources.append(earlier[-1])
        sources += [n for n in drawn if n not in sources]
        return (text, sources) if text else (item.sentence, [])
    text = _EN_ASKING.sub("", text).rstrip("?").strip()
    if (minded := _EN_MIND.match(text)) is not None:  # "(would you) mind emailing everyone"
        text = base_form(minded.group(1)) + text[minded.end():]
    drawn_on: list[int] = []
    if item.kind == "action":
        text = _without_due(text).rstrip(" .") or text
        earlier = [n for n in sorted(said) if item.lines and n < item.lines[0]]
        if not item.context and earlier and (named := _EN_PRONOUN_DONE.fullmatch(text)) and \
                (thing := _en_things(said[earlier[-1]])):
            # "…if Priya sends me the dates." "Will do, I'll send them tomorrow."
            text, drawn_on = f"{named.group(1)} {thing}{named.group(3) or ''}", [earlier[-1]]
    return ((text[0].upper() + text[1:]) if text else item.sentence), drawn_on


#: An English task done to "them": "send them", "put them up". ("it" is left as said: the
#: line before names too many things one could mean.)
_EN_PRONOUN_DONE = re.compile(r"(\w+) (them)((?: \w+)?)", re.IGNORECASE)


def _en_things(line: str) -> str | None:
    """The last things an English line names with "the" ("the dates")."""
    things = re.findall(r"\bthe ((?:[a-z-]+ ){0,2}?[a-z-]+)(?=[.,;:!?]|$| (?:to|for|from|by|on|"
                        r"in|at|of|with|if|and|or|but|before|after|when|once)\b)", line.lower())
    for thing in reversed(things):
        last = thing.split()[-1]
        if last.endswith("s") and not last.endswith("ss"):
            return f"the {thing}"
    return None


__all__ = ["plain", "stands_alone", "styled", "volitional", "worded"]
