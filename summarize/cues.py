"""Where a meeting settles something or someone takes a task on, found from the way meetings
speak, not by the model: the chair's settling formulae (「〜ことといたします」「〜に決定しま
した」「可決すべきものと決定」, "we award", "the motion carries"), a speaker committing to
a task (「〜を作成します」「承知しました」, "I will", "I'll"), a request (「〜してください」
「お願いします」, "could you") and the answer that takes it on.

Why rules: the embedded 1.5B model does not tell these lines apart. Asked to list them
(bench/minutes_classify.py), it listed runs of consecutive lines (Japanese: 5 of 13 reference
items, 39 of 44 listed lines carried none); asked line by line (`--per-line`), it called 94
of the 97 lines of the eight reference meetings a decision (2026-12-06). These formulae are
how meetings, council committees above all, state their outcomes; the rules decide what is
an item, the same on every server, and the model writes the summary (`summarize.stepwise`).

A found item carries its lines (the request and the answer that takes it on, or a motion and
the line that carries it), the speaker who owns a task, and the deadline as said in them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["decision", "action"]

#: Where a sentence ends.
SENTENCE = re.compile(r"(?<=[。？！?!])\s*|(?<=[.])\s+(?=[A-Z\"'])")
#: Words that open a sentence and add nothing to an item ("Then", 「それでは」).
LEAD = re.compile(r"^(?:(?:それでは|それなら|では|じゃあ|なお|あと|また|はい|ええ|それと|よって|"
                  r"(?:わかり|分かり|承知し|了解し)ました|"
                  r"それは|その件は|そちらは|[^、。]{1,12}におかれましては|"
                  # 「それで、協賛金ですが」「一点お願いですが、〜」
                  r"それで(?=[、,])|(?:一点|もう一点|一つ|ひとつ)?お願い(?:です|なんです)が(?=[、,])|"
                  r"(?:then|so|okay|ok|and|also|great|good|right|yes|sure)\b)[、,.!。]?\s*)+",
                  re.IGNORECASE)

# -- Japanese -------------------------------------------------------------------------------
#: The meeting settles something: 「〜ことといたします」「〜とします」「決定しました」
#: 「可決すべきものと決定」「〜ことにしましょう」「〜で進めましょう」.
JA_SETTLES = re.compile(
    r"(?:こと|もの)?(?:と|に)(?:いた)?し(?:ます|ました)[。]?$|"
    r"決定(?:いた)?し(?:ます|ました)|決(?:し|定し)ました|決まりました|"
    # 「第二土曜で決まりですね」, not 「それで決まりですね」, which only points back
    r"(?<!それ)(?<!これ)(?<!そちら)(?:で|に)決まり(?:です|だ)?(?:ね|よね|な)?[。！]?$|"
    r"(?:可決|否決|承認|了承|採択|不採択|認定)(?:すべきもの)?と(?:決定|決)|"
    r"(?:可決|否決|承認|了承|採択)(?:されました|いたしました|しました|します)|"
    r"(?:で|に|と)(?:進め|し|決め|いき)ましょう|ことに(?:なりました|決まりました)|"
    r"に変更(?:いた)?します")
#: The chair going with an option: 「予約は取らず、当日受付で行きます」.
JA_GOES_WITH = re.compile(r"で(?:行き|いき|進め)ます[。]?$")
#: The chair stating, from when, what the organisation will do (「今年は二月二十二日に休日相談
#: 会場を開設します」「四月から利用時間を延長します」): a Sino-Japanese doing ...
JA_INSTITUTES = re.compile(r"([一-龥]{2})(?:いた)?します[。]?$")
#: ... that is no one person's work (「報告します」「連絡します」: the chair's own tasks) ...
JA_OWN_WORK = frozenset({
    "報告", "連絡", "確認", "説明", "相談", "調整", "検討", "共有", "送付",
    "提出", "依頼", "紹介", "案内", "準備", "作成", "用意", "整理", "集計",
    "参考", "記録", "手配", "発送", "配布", "回収", "把握", "対応", "照会",
    "周知", "通知", "掲載", "起案", "要求", "申請", "協議", "審議", "質問",
    "発言", "答弁", "議論", "承知", "了解", "期待", "注意", "留意", "判断",
    "理解", "指示", "説得", "訪問", "出席", "参加", "欠席", "失礼", "遠慮",
})
#: ... said with when it starts or happens.
JA_WHEN = re.compile(r"今年度?|来年度?|本年度|今年|来月|今月|[0-9０-９〇一二三四五六七八九十]+月|"
                     r"[0-9０-９〇一二三四五六七八九十]+日|から[、,]?")
#: ... or with what is settled, left unsaid: 「じゃあ、日程は六月十八日の夜ということで。」
JA_SO_BE_IT = re.compile(r"(?<![、,])(?:ということ|ってこと)?で[。！]?$")
#: ... but not a close that points at nothing: 「じゃあ、そんなところで」「では、今日はこれで」.
JA_SO_LONG = re.compile(r"(?:そんな|こんな|そういう|その|この)(?:ところ|感じ|こと)?で[。！]?$|"
                        r"(?:以上|これ|それ|今日は|本日は)で[。！]?$")
#: The chair concluding (「では、」「それでは、」) with a plain future: 「では、稼働開始は
#: 七月一日に変更します」 settles it for the meeting.
JA_CONCLUDES = re.compile(r"^(?:それでは|では|それなら|じゃあ)[、,]")
#: The chair proposing what is done (「来月から試行しましょう」): the meeting's conclusion,
#: unless it defers or runs the meeting (「次回話しましょう」「始めましょう」「研修の形を決め
#: ましょう」, where 「A案に決めましょう」 decides).
JA_PROPOSES = re.compile(r"ましょう[。]?$")
#: Putting the matter off to another occasion: 「次回」「改めて」「持ち帰って」.
JA_PUTS_OFF = r"次回|改めて|持ち帰"
JA_DEFERS = re.compile(r"(?:始め|話し|話し合い|話をし|休憩し|移り|進み|確認し|考え|検討し|"
                       r"相談し|聞き|伺い|待ち|見守り|続け|を決め)ましょう[。]?$|" + JA_PUTS_OFF)
#: What a chair's plain 「〜しよう」 runs the meeting with, as JA_DEFERS's 「〜しましょう」 do.
JA_DEFERS_PLAIN = frozenset({"始める", "話す", "話し合う", "休憩する", "移る", "進む", "確認する",
                             "考える", "検討する", "相談する", "聞く", "伺う", "待つ", "見守る",
                             "続ける", "決める", "終わる", "入る"})
#: The chair approving what was just proposed (「追加する方向で結構です」「それでいいです」).
JA_APPROVES = re.compile(r"^(?:[^、。？?]{0,12}(?:で|方向で))?(?:結構|いい|よい|良い)です"
                         r"(?:ね)?[。！]?$|"
                         r"了承(?:します|しました|いたします)[。]?$")
#: A proposal made to the meeting: 「〜を追加したいと考えています」「〜してはどうでしょうか」.
JA_PROPOSAL = re.compile(r"たい(?:と(?:考えて|思って)(?:い|おり)ます|です)[。]?$|"
                         # 「〜を頼んでみるのはどうでしょう」「〜貼り出したらどうでしょうか」
                         r"(?:ては|では|たら|(?<=[うくすつぬむるぐぶ])のは)(?:どう|いかが)でしょう(?:か)?"
                         r"[。？?]?$|を提案(?:いた)?します[。]?$|"
                         # 「募集は七月一日から始めるのでどうでしょう」
                         r"(?<=[るた])(?:の|ということ)?でどう(?:でしょう|です)か?[。？?]?$")
#: A speaker takes a task on: 「私が」「私のほうで」「承知しました」 or a plain future
#: 「〜を作成します」「〜しておきます」「〜までに送付します」.
JA_TAKES_ON = re.compile(r"私が|私の(?:ほう|方)で|私から|こちらで|当課で|引き受けます|担当します|"
                         r"(?:承知|了解)(?:しました|いたしました|です)|かしこまりました|"
                         r"わかりました|分かりました")
#: A speaker naming themselves as the one who does it: with another sentence that says what
#: is done, this one only says who.
JA_WHO = re.compile(r"私が|私の(?:ほう|方)で|私から|こちらで|当課で|引き受けます|担当します")
#: A sentence ending in a verb of doing in the polite future (「作ります」「送付します」
#: 「まとめておきます」「ご報告いたします」)...
JA_WILL_DO = re.compile(r"ます[。]?$")
#: Sending the attendees something after the meeting (「記録にまとめて、皆さんにお送りします」):
#: the chair's own task too, never how the meeting is run (handing out now, 「お配りします」, is).
JA_TO_ALL = re.compile(r"(?:皆さん|皆様|みなさん|各委員|委員の皆[さ様]ま?|参加者|出席者)"
                       r"(?:に|へ)[^。]{0,12}?(?:お?送り|送付|お?届け|お?知らせ|連絡|共有)"
                       r"(?:いた)?(?:し)?ます[。]?$")
#: Passing something on to whoever is not in the room (「いただいたご意見は審議会に報告
#: させていただきます」): the chair's own task too, as with JA_TO_ALL.
JA_PASSES_ON = re.compile(r"(?:に|へ)(?:も)?(?:ご)?(?:報告|連絡|送付|提出|共有|回答|お伝え|"
                          r"お届け|お送り)(?:させていただき|いたし)ます[。]?$")
#: Trying to do something (「取ってみます」「当たってみます」).
JA_TRIES = re.compile(r"[てで]みます[。]?$")
#: ...but not a state, a thought or a wish (「思います」「考えています」「あります」
#: 「なります」「できます」「おります」).
JA_NOT_DOING = re.compile(r"(?:思い|考え|感じ|存じ|てい|でい|あり|なり|でき|お願いし|願い|ござい|"
                          r"おり|見込め|"
                          # a stance, not a doing: 「請願の趣旨には賛成いたします」
                          r"賛成(?:いた)?し|反対(?:いた)?し|"
                          r"について(?:お)?伺い|について(?:お)?尋ねし|質問し|"
                          # what others do for us (「ご説明いただきます」), not the humble
                          # 「報告させていただきます」
                          r"(?<!させて)いただき|くれ|言い|思われ|見られ|考えられ|いたしており|助かり|"
                          # how it looks, who is there: 「甘いように見えます」「十二組います」
                          r"見え|[組人名件台社]い|がい|"
                          r"求め|"
                          # what is heard said, not done: 「〜という声も周りで聞きます」
                          r"(?:という|との)(?:声|話|意見|こと)[^。]{0,10}?(?:聞き|耳にし)|"
                          # what happens, not what someone does: 「印刷費が上がります」
                          r"上がり|下がり|上回り|下回り|超え|出|増え|減り|かかり|掛かり|変わり|始まり|"
                          r"決まり|届き|間に合い|足り|残り|要り|済み|続き|動き|[さらわ]れ|てしまい|"
                          r"でしまい)"
                          r"ます[。]?$")
#: What is taken into account, neither decided nor a task: 「今日の意見は〜計画づくりの参考に
#: します」.
JA_NOTED = re.compile(r"参考に(?:いた)?し(?:ます|ました)[。]?$")
#: A sentence ending in a state or a refusal (「こちらで確認するのは難しいです」
#: 「私からは以上ありません」): whatever it names, nobody takes a task on.
JA_STATE = re.compile(r"(?:い|ない|ません|ではない|じゃない)です[。]?$|ません[。]?$")
#: A consequence under a condition (「補助を使えば、半分が出ます」「イラストの場合、〜」
#: 「このままだと、〜」): what would happen, not a task.
JA_IF = re.compile(r"(?:(?<!例)(?<!たと)[えけげせてねべめれ]ば|場合(?:は|には)?|(?<!それ)なら|"
                   r"まま(?:だ|で)と|(?<=[一-龥][うくすつぬむるぐぶ])と)、")
#: A presentation made as it is said (「〜について説明します」「事務局から報告します」), which
#: runs the meeting, unless it is promised for a later occasion (「来週の部長会議には私から
#: 報告します」, `due_in`): then it is the speaker's task.
JA_PRESENTS = re.compile(r"(?:について|から)(?:ご)?(?:説明|報告|提案|連絡|紹介)"
                         r"(?:(?:いた)?します|させていただきます)")
#: Acts of the meeting itself, done as they are said, never a task: 「説明します」
#: 「開会します」「終わります」.
JA_PROCEDURE = re.compile(JA_PRESENTS.pattern + "|"
                          r"(?:から|について)(?:の)?(?:確認|検討|議論|審査|協議|質疑)(?:を)?"
                          r"(?:行い|いた)?(?:し)?ます|(?:起立|挙手|発言|説明|答弁)を求め|"
                          r"(?:ここまで|これまで|以上)(?:に|と)(?:いた)?し(?:ます|ましょう)|"
                          r"(?:開会|閉会|散会|休憩|再開|開議|開催|始め|開き|終わり|終了|移り|入り)"
                          # 「本日はこれで閉会といたします」「終わりにします」
                          r"(?:と|に)?(?:いた)?(?:し)?ます[。]?$|(?:を|について[、,]?)議題と|質疑を終結|採決(?:いた)?します|"
                          r"(?:説明|発言|答弁)を求めます|申し上げます[。]?$|"
                          # 「始めさせていただきます」「ご説明させていただきます」
                          r"(?:開会|閉会|始め|終わら|終了|説明|紹介|進め)させていただきます|"
                          r"(?:から|より)(?:ご)?説明を(?:お)?願い|"
                          r"^(?:ご)?(?:説明|報告)(?:いた)?します[。]?$")
#: A proposal shown to the meeting as it is said (「〜延ばす案をお示しします」), unless it is
#: promised for later (「次の審議会でお示しします」, `due_in`).
JA_SHOWS = re.compile(r"(?:お|ご)示し(?:いた)?します[。]?$")
#: A line that explains a proposal to the meeting (「説明いたします。〜を上限とします。」):
#: what it says the proposal does is not yet decided.
JA_EXPLAINS = re.compile(r"^(?:[^、。]{0,20}について)?(?:ご)?(?:説明|報告)(?:いた)?します[。]|"
                         # a committee chair's report to the plenary: 「〜について、審査の
                         # 経過と結果をご報告申し上げます。委員会では〜と決定いたしました。」
                         r"^[^、。]{0,30}について、[^、。]{0,16}(?:ご)?(?:説明|報告)申し上げます[。]")
#: An answer that carries the motion just put: 「異議なし」「はい、それで結構です」.
JA_AGREES = re.compile(r"^(?:はい[、,]?)?(?:ご?異議(?:なし|ありません|ございません)|賛成|"
                       r"(?:それで|その(?:とおり|通り)で)?(?:結構|いい|よい|良い)です|"
                       r"異(?:存|論)(?:は)?(?:ありません|ございません)|了承(?:します|いたします)|"
                       # a bare yes to the motion just put, whatever it goes on to say
                       r"(?:はい|ええ)[。]?$)")
#: An answer that takes a request on: 「はい、」「承知しました。」, "Sure,", "Yes,".
ANSWERS_YES = re.compile(r"^(?:はい|ええ|承知|了解|わかりました|分かりました|かしこまりました|"
                         r"いいですよ|いいよ|大丈夫です|任せてください|お任せください|"
                         r"sure|yes|ok|okay|of course|will do|no problem|happy to|can do)\b",
                         re.IGNORECASE)
#: A request to someone: 「〜してください」「〜をお願いします」「〜してもらえますか」
#: 「確認をお願いできますか」「報告を願います」「お示しいただきたい」「ご確認ください」
#: (never 「よろしくお願いします」). The one pattern
#: of a Japanese request: `summarize.wording` cuts the task from where it starts.
JA_ASKS = re.compile(
    r"(?:て|で)(?:ください|下さい|(?:もらえ|いただけ|くれ)(?:ます|ません)(?:か|でしょうか)|"
    r"(?:もらって|いただいて)(?:も)?(?:いい|よろしい)(?:です|でしょう)か)|"
    r"(?:て|で)(?:いただき|もらい)たい|"
    r"[おご][一-龥]{1,4}(?<=[一-龥])し?(?:ください|下さい|いただきたい|いただけますか|願います)|"
    r"ようお願い(?:いた)?します|"
    r"(?<!よろしく)(?<!よろしくお)を?(?:お)?願い(?:いた)?(?:します|ます)|"
    r"を?お願いでき(?:ます|ません)(?:か|でしょうか)|"
    # said plainly (「出してもらえる？」), a thing asked for (「チラシをいただけますか」), a
    # proposal put as a question to whoever can do it (「半額にできないでしょうか」)
    r"(?:て|で)(?:もらえる|くれる|もらえない|くれない)[？?]|(?:お願い|頼ん)(?:して|で)(?:も)?いい[？?]|"
    r"を(?:いただけ|もらえ)(?:ます|ません)(?:か|でしょうか)|(?:でき|られ)ないでしょうか|"
    # an order: 「案をまとめてくれ」「回しておいてくれないか」「一覧表を作っておいて」
    r"(?:て|で)くれ(?:ない)?(?:か)?(?=[。！!？?]?$)|(?:て|で)(?:おいて|みて)(?:ね|よ)?(?=[。！!]?$)")
#: A sentence that points at what was said before it instead of saying it.
JA_POINTS_BACK = re.compile(r"そのように|それまで|それを|それで|その点|そちら")
#: A motion put to the meeting, and the answer that carries it.
JA_MOTION = re.compile(r"よろしいでしょうか|よろしいですか|よろしいですね|いいですね|"
                       # the council's 「報告書の作成は委員長に一任願います」
                       r"(?:ご|御)?一任(?:を)?(?:お)?願い|"
                       r"^(?:[^、。]{0,6}[、,])?(?:ご)?(?:異論|異議|意見)が(?:なければ|ないようでしたら)|"
                       r"(?:ご)?異議(?:は)?"
                       r"(?:ありませんか|ございませんか)|(?:起立|挙手)を求め|賛成の方")
#: Share of a decision's character pairs the motion just agreed to must say for the
#: decision to be its verdict.
ABOUT = 0.25
#: Words of four letters or more a chair's sentence shares with the motion to state it.
SHARED = 2
#: Letters before a motion's question (「〜ということで、よろしいでしょうか」) that say what
#: it puts, not only to whom (「協議会として」).
MOTION_SAYS = 12
#: A verdict that names the motion only by a short name: 「では試行実施を了承とします」,
#: 「本件を承認します」: the motion's words say what was decided.
JA_VERDICT = re.compile(r"^(?:ご?異議(?:なし|ない)と認め(?:ます)?[、,。]?)?(?:[^、。]{0,8}を)?"
                        r"(?:了承|承認|決定|可決|採択)(?:と)?(?:いた)?し(?:ます|ました)[。]?$")
#: The chair's yes to what another just asked to be settled (「会場は二階会議室でよろしい
#: ですか」「それでいきましょう」): decided as the question put it.
#: A plan put as a question: 「〜を延ばす案はどうでしょう」.
JA_PLAN_ASKED = r"(?:という)?案(?:は|で)どう(?:でしょう|です)か?"
JA_PUT = re.compile(r"(?:よろしい|いい)(?:です|でしょう)か[。？?]?$|"
                    f"{JA_PLAN_ASKED}[。？?]?$")
JA_AS_ASKED = re.compile(r"^(?:それ|そちら|その(?:案|形|方向|とおり|通り))で(?:いき|行き|進め|"
                         r"お願いし|決め)(?:ましょう|ます)|^そう(?:しましょう|します)[。]?$")
JA_CARRIED = re.compile(r"異議なしと認め|ご異議なし|賛成多数|全会一致|"
                        r"(?:起立|挙手)(?:多数|少数|全員)")

# -- English --------------------------------------------------------------------------------
EN_SETTLES = re.compile(
    r"\b(?:we (?:decide|agree|award|approve|adopt|will|shall)|"
    r"we'll (?!need|have to|see|talk|meet|be back|hear|decide|discuss|revisit|come back|"
    r"look|think|wait|check)|"
    r"let's (?:go with|go ahead|do|keep|use|adopt|make)|then we\b|agreed\b|"
    r"(?:is|are|was|were) (?:approved|adopted|agreed|carried|decided)|"
    r"(?:motion|proposal|item|resolution) (?:carries|passes|is carried|is approved)|"
    r"(?:^|, )we (?:keep|go with|stick with|stay with|hold|use|drop)\b|"
    r"\b(?:the )?(?:committee|board|council) (?:recommends|approves|agrees|decides|adopts|"
    r"resolves)\b|"
    r"(?:it's|it is) decided|(?<=\w) it is[.!]?$)", re.IGNORECASE)
#: Leave given by someone outside the meeting ("The council has agreed to let us put up
#: four signs"): reported to the meeting, not decided by it.
EN_PERMITTED = re.compile(r"\b(?:has|have|had) agreed to (?:let|allow)\b", re.IGNORECASE)
#: The chair stating what is done from when ("The backups move to the new unit from next
#: week"), as 「四月から利用時間を延長します」 (`JA_INSTITUTES`); not what someone did or may do.
EN_FROM_WHEN = re.compile(r"\b(?:from|starting|as of) (?:next|this|the \w+ of|tomorrow|monday|"
                          r"tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
                          r"march|april|may|june|july|august|september|october|november|"
                          r"december)\b", re.IGNORECASE)
EN_CONCLUDES = re.compile(r"(?:so|then|right|okay|ok|good|fine|great)\b[,.!]?\s", re.IGNORECASE)
EN_NOT_STATED = re.compile(r"\b(?:I|I'm|I'll|you|your|was|were|had|did|would|could|might|may|"
                           r"if|unless|maybe|perhaps)\b", re.IGNORECASE)
#: The chair proposing what is done ("So let's run the drive over three weeks"), unless it
#: runs the meeting or puts the matter off ("let's move on", "let's look at prices first").
EN_PROPOSES = re.compile(r"\blet's (?!not\b)\w+", re.IGNORECASE)
EN_DEFERS = re.compile(r"\blet's (?:start|begin|get started|get going|get underway|kick off|"
                       r"move on|turn|go on|go to|go back|"
                       r"take a (?:break|look)|look|see|talk|discuss|think|hear|wait|meet|"
                       r"come back|revisit|check|hold off|park|table|keep (?:it|this) short)\b|"
                       r"\b(?:first|later|next (?:week|month|time|meeting))\b", re.IGNORECASE)
EN_TAKES_ON = re.compile(r"\b(?:I will|I'll|I can|I'm going to|I am going to|will do|"
                         r"I'll take|leave it (?:with|to) me|I'm on it)\b", re.IGNORECASE)
#: What the speaker needs before they can act ("I'll need an updated quote before I can
#: release the money"): a condition put to others, not a task taken on.
EN_NEEDS = re.compile(r"\bI(?:'ll| will|'d| would) need (?!to\b)", re.IGNORECASE)
EN_ASKS = re.compile(r"\b(?:(?:could|can|would|will) (?:you|someone|somebody|anyone)|please)\b",
                     re.IGNORECASE)
EN_MOTION = re.compile(r"\bI (?:move|propose) that\b|\bany objections?\b|\bdoes anyone object\b|"
                       r"\b(?:okay|ok|fine|alright|all right) (?:for|with) (?:everyone|everybody|"
                       r"you all|all of you)\?|"
                       r"\b(?:is everyone|is everybody|are we all|are we|are you all) "
                       r"(?:okay|ok|happy|fine|agreed) with\b", re.IGNORECASE)
#: A motion's question as what it proposes: "Any objection to moving it to June?",
#: "Is everyone okay with spending three hundred on equipment?" (the -ing form's verb).
EN_MOTION_DOING = re.compile(r"\b(?:objections? to|(?:okay|ok|happy|fine|agreed) with) "
                             r"(\w+ing)\b(.*?)\?$", re.IGNORECASE)
#: An answer that agrees to a motion: "Fine with me.", "No objection.", "Agreed."
EN_AGREES = re.compile(r"^(?:yes,? |yeah,? |okay,? )?(?:agreed|fine (?:with|by) me|"
                       r"no objections?|none(?: here| from me)?|sounds good|happy with that|"
                       r"(?:that|it) works(?: for me)?|works for me|"
                       r"(?:that|it) (?:seems|sounds) (?:fair|fine|good|right|reasonable))"
                       r"[.!]?$", re.IGNORECASE)
EN_CARRIED = re.compile(r"\b(?:motion|proposal|resolution) (?:carries|passes|is carried)\b|"
                        r"\ball in favou?r\b|\b(?:that's|that is|it's|it is) (?:settled|agreed)\b",
                        re.IGNORECASE)
#: Questions, greetings and courtesies: never an item on their own.
EN_COURTESY = re.compile(r"^(?:good (?:morning|afternoon|evening)|thank(?:s| you)|welcome|"
                         r"hi\b|hello)|\?$|adjourned|meeting is (?:closed|open)|"
                         r"that's all|to order\b|quorum|\bwe(?:'re| are) done\b|"
                         r"that's it for (?:today|tonight|now)", re.IGNORECASE)
#: A greeting or a thanks (a request may be a question; it is never one of these).
GREETING = re.compile(r"ありがとう|お疲れさま|おはよう|よろしくお願い|^(?:good (?:morning|"
                      r"afternoon|evening)|thank(?:s| you)|welcome|hi\b|hello)", re.IGNORECASE)
JA_COURTESY = re.compile(r"[？?]|でしょうか[。]?$|ま(?:す|せん)か[。]?$|ですか[。]?$|"
                         r"ありがとうござ|お疲れさま|おはよう|よろしくお願い|^本日の議題|^次に")

# -- deadlines ------------------------------------------------------------------------------
_NUMERAL = "[0-9０-９〇一二三四五六七八九十]{1,3}"
#: What a meeting is called: 「委員会」「幹部会議」「理事会」「総会」.
JA_MEETING = r"委員会|会議|定例会?|審議会|協議会|理事会|役員会|総会|部会|打合せ|打ち合わせ"
JA_DUE = re.compile(
    f"(?:(?:来年|今年)?{_NUMERAL}月(?:{_NUMERAL}日|末|上旬|中旬|下旬|中|"
    r"の(?:頭|初め|はじめ|終わり))|"
    f"{_NUMERAL}日|"
    # 「再来週」「再来月」 whole, never read as 「来週」「来月」
    # 「来月の頭」「今月の終わり」 whole, never read as 「来月」 alone
    r"(?:今月|(?:再)?来月)の(?:頭|初め|はじめ|終わり)|"
    r"今月(?:末|中)|(?:再)?来月(?:末|中|上旬|中旬|下旬)?|今週(?:中|末)|(?:再)?来週(?:中|末|の.曜(?:日)?)?|"
    r"今週の.曜(?:日)?|"
    r"[月火水木金土日]曜(?:日)?|"
    r"年度内|年内|月内|明日|明後日|本日中|今日中|"
    # a meeting: 「次回の委員会」「次の審議会」「三月の幹部会議」
    f"(?:次回の?|次の|{_NUMERAL}月の)[一-龥]{{0,4}}?(?:{JA_MEETING}))"
    r"(?:まで(?:に)?)?")
#: What a deadline is said as, before its date: 「締め切り翌日の二十五日までに」.
JA_DUE_SAID_AS = r"(?:[一-龥ぁ-んァ-ヶー]{1,8}?(?:の)?(?:翌日|前日|当日|翌週|前週)の)"
EN_DUE = re.compile(
    r"\b(?:by|before|until) (?:the end of (?:next |this |the )?\w+|"
    r"(?:next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|the \w+ of \w+|"
    r"\w+ \d{1,2}(?:st|nd|rd|th)?|the \w+ (?:starts|begins|ends|opens)|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december) [\w-]+|tomorrow|the freeze|the meeting|they start|\w+)|"
    r"\b(?:tomorrow|this week|next week|today|a week ahead|end of (?:the )?\w+)\b",
    re.IGNORECASE)


@dataclass(slots=True)
class Found:
    """An item the rules found: its kind, the lines it rests on (the one that says it
    first), the sentence that says it, the speaker who owns a task, the deadline as said."""

    kind: Kind
    lines: list[int]
    sentence: str
    owner: str | None = None
    due: str | None = None
    context: list[int] = field(default_factory=list)  # lines before it that it answers


@dataclass(frozen=True, slots=True)
class Said:
    id: int
    speaker: str | None
    text: str


def speaker_id(speaker: str | None) -> str | None:
    """A transcript line's speaker as its id ("S2 (Ms. Suzuki)" -> "S2")."""
    return speaker.split(" ", 1)[0] if speaker else None


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.split(text) if s and s.strip()]


def japanese(text: str) -> bool:
    return bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text))


def settles(sentence: str, by_chair: bool = False) -> bool:
    """The sentence settles something for the meeting (`by_chair`: the chair said it)."""
    if japanese(sentence):
        if JA_PROCEDURE.search(sentence) or re.search(r"(?:思|考え)(?:い|て)", sentence):
            return False
        if JA_NOTED.search(sentence):
            return False
        if JA_WHO.search(sentence) and re.search(r"ように(?:いた)?します[。]?$", sentence):
            return False  # 「私のほうでも週に一度は声をかけるようにします」: a task
        if JA_PROPOSES.search(sentence) and JA_DEFERS.search(sentence):
            return False  # 「その件は次回にしましょう」
        return bool(JA_SETTLES.search(sentence)) or (by_chair and (
            (bool(JA_CONCLUDES.search(sentence)) and takes_on(sentence))
            or (bool(JA_PROPOSES.search(sentence)) and not JA_DEFERS.search(sentence))
            or _proposes_plainly(sentence)
            or bool(JA_GOES_WITH.search(sentence)) or _institutes(sentence)
            or (bool(JA_CONCLUDES.search(sentence)) and bool(JA_SO_BE_IT.search(sentence))
                and not JA_SO_LONG.search(sentence))))
    if sentence.rstrip().endswith("?") or EN_AGREES.match(sentence.strip()):
        return False  # a question; or "Agreed.", which says what only with the motion
    if re.match(r"\s*(?:if|unless)\b", sentence, re.IGNORECASE):
        return False  # what would happen: "If we keep the rent as it is we'll be short."
    if EN_PERMITTED.search(sentence):
        return False  # "The council has agreed to let us put up four signs": told, not decided
    return bool(EN_SETTLES.search(sentence)) or (
        by_chair and bool(EN_PROPOSES.search(sentence)) and not EN_DEFERS.search(sentence))


def _concludes_from_when(sentence: str, line: str) -> bool:
    """The chair, concluding ("Good.", "So,"), states what is done from when: "Good. The
    backups move to the new unit from next week." (A briefing's "From January, claims go
    through the online form" tells of a decision made elsewhere.)"""
    return not japanese(line) and bool(EN_CONCLUDES.match(line.strip())) and \
        bool(EN_FROM_WHEN.search(sentence)) and not EN_NOT_STATED.search(sentence) and \
        not sentence.rstrip().endswith("?")


def _proposes_plainly(sentence: str) -> bool:
    """The chair's plain 「では予備車を北分団に回してもらおう」: 「〜ましょう」 said plainly (a
    verb's volitional form), unless it runs the meeting (「始めよう」「次回考えよう」)."""
    from summarize.wording import _tokenizer, volitional  # Sudachi, loaded once

    morphemes = list(_tokenizer().tokenize(sentence.strip().rstrip("。！!")))
    if not morphemes or not volitional(morphemes[-1]):
        return False
    verb = morphemes[-1].dictionary_form()
    if verb == "する" and len(morphemes) > 1:
        verb = morphemes[-2].surface() + verb
    return verb not in JA_DEFERS_PLAIN and not re.search(JA_PUTS_OFF, sentence)


def _institutes(sentence: str) -> bool:
    """The chair's 「四月から利用時間を延長します」: what the organisation does from when."""
    doing = JA_INSTITUTES.search(sentence)
    return doing is not None and doing.group(1) not in JA_OWN_WORK and \
        bool(JA_WHEN.search(sentence[:doing.start()])) and not JA_WHO.search(sentence) and \
        not JA_IF.search(sentence)


def takes_on(sentence: str, by_chair: bool = False) -> bool:
    """The speaker takes a task on themselves. The chair's plain 「〜を行います」「〜と認め
    ます」 run the meeting (`by_chair`): only 「私が」「私のほうで」 make one of them a task."""
    if japanese(sentence):
        procedure = JA_PROCEDURE.search(sentence)
        if procedure and JA_PRESENTS.fullmatch(procedure.group(0)) and \
                _promised(sentence[:procedure.start()]):
            procedure = None  # 「来週の部長会議には私から報告します」: a report promised
        if procedure or JA_COURTESY.search(sentence) or JA_ASKS.search(sentence):
            return False
        if JA_STATE.search(sentence) or (JA_SHOWS.search(sentence) and not due_in(sentence)
                                         and "次" not in sentence):
            return False
        # the chair's 「見積もりを取ってみます」: a try is never how a meeting is run, nor is
        # what is done on a day (「打合せは十月四日に入れます」)
        return bool(JA_TAKES_ON.search(sentence)) or (
            (not by_chair or bool(JA_TRIES.search(sentence)) or _on_a_day(sentence)
             or bool(JA_TO_ALL.search(sentence)) or bool(JA_PASSES_ON.search(sentence))
             or _at_a_later_meeting(sentence))
            and _will_do(sentence))
    return bool(EN_TAKES_ON.search(sentence)) and not courtesy(sentence) and \
        not EN_NEEDS.search(sentence)


def _promised(before: str) -> bool:
    """`before` names when something is done (「来週の部長会議には」「次回の委員会で」), not
    when what is talked about began (「四月一日から始めた」)."""
    return any(not before[due.end():].startswith("から") for due in JA_DUE.finditer(before)
               if due.group(0))


def _at_a_later_meeting(sentence: str) -> bool:
    """The sentence names a later meeting to do it at or by (「まとめて次回の運営委員会に報告
    します」): the chair's own task, not how this meeting is run."""
    due = due_in(sentence)
    return due is not None and bool(re.search(r"次|[月週]の", due)) and \
        bool(re.search(JA_MEETING, due))


def _on_a_day(sentence: str) -> bool:
    """The sentence names a day to do it on or by (not a month, 「来月の研修について」, nor a
    meeting, 「次回の委員会で」)."""
    due = due_in(sentence)
    return due is not None and bool(re.search(r"日|曜", due)) and "次" not in due


def _will_do(sentence: str) -> bool:
    """A Japanese sentence in the polite future of a verb of doing (「作ります」), not a
    state, a thought, what would happen under a condition or what can be done (「回せます」)."""
    from summarize.wording import says_can  # Sudachi, loaded once

    return bool(JA_WILL_DO.search(sentence)) and not JA_NOT_DOING.search(sentence) and \
        not JA_NOTED.search(sentence) and not JA_IF.search(sentence) and \
        not says_can(sentence)


def accepts(sentence: str) -> bool:
    """A bare yes to a request ("Will do.", 「承知しました。」): the task is the request's."""
    bare = LEAD.sub("", sentence).strip(" 。.!！")
    if not bare:  # 「承知しました。」 is all LEAD (「わかりました、〜」 opens a sentence)
        return bool(re.search(r"(?:承知|了解|わかり|分かり)", sentence))
    return bool(re.fullmatch(r"(?:承知|了解)(?:しました|いたしました|です)|かしこまりました|"
                             r"いいですよ|いいよ|大丈夫です|(?:お)?任せ(?:て)?ください|"
                             r"わかりました|分かりました|will do|on it|i'm on it|i can do that|"
                             r"i'll do (?:it|that)|no problem", bare, re.IGNORECASE))


def asks(sentence: str) -> bool:
    """A request that someone do something."""
    if japanese(sentence):
        return bool(JA_ASKS.search(sentence)) and not JA_PROCEDURE.search(sentence)
    return bool(EN_ASKS.search(sentence))


def courtesy(sentence: str) -> bool:
    pattern = JA_COURTESY if japanese(sentence) else EN_COURTESY
    return bool(pattern.search(sentence.strip()))


def carries_motion(sentence: str) -> bool:
    pattern = JA_CARRIED if japanese(sentence) else EN_CARRIED
    return bool(pattern.search(sentence))


def is_motion(sentence: str) -> bool:
    pattern = JA_MOTION if japanese(sentence) else EN_MOTION
    return bool(pattern.search(sentence))


def due_in(text: str) -> str | None:
    """The deadline a text says (「二月十五日までに」 → 二月十五日, "by Friday"), if any."""
    text = unicodedata.normalize("NFKC", text) if not japanese(text) else text
    pattern = JA_DUE if japanese(text) else EN_DUE
    found = [m.group(0) for m in pattern.finditer(text)]
    if not found:
        return None
    # the last one said is the deadline ("in October ... by the end of September")
    due = found[-1]
    return re.sub(r"まで(?:に)?$", "", due).strip() or None


#: A decision that names nothing but the motion before it: 「そのように決定いたしました」.
JA_AS_MOVED = re.compile(r"^(?:その|この)?(?:ように|とおり|通り)|^(?:それ|これ|以上)で(?:決定|決)|"
                         r"^その(?:方針|方向|案|形)で(?:進め|いき|行き)(?:ます|ましょう)[。]?$")
#: A statement the chair puts to the meeting after deciding: 「〜ということでいいですか」.
JA_PUTS_STATED = re.compile(r"[^、。]{6,}、?(?:という|との)(?:こと|形)で(?:よろしい|いい)"
                            r"(?:です|でしょう)か[。？?]?$")
#: The chair's preference said just before a decision of the same line (「変更は四月からに
#: したほうがいいね。北地区は金曜で行きましょう。」): part of it.
JA_RATHER = re.compile(r"ほうが(?:いい|よい|良い)(?:ね|です|でしょう|と思います)?[。]?$")


def _as_moved(decided: list[str]) -> bool:
    """The decision says only that the motion before it was decided."""
    return bool(decided) and all(JA_AS_MOVED.search(LEAD.sub("", s)) for s in decided)


def _acknowledged(parts: list[str], by_chair: bool, after_other: bool) -> list[str]:
    """The chair's 「わかりました。〜で対応します。」 after another's advice: what the meeting
    will do (not the chair's own task: 「私のほうで」)."""
    if not (by_chair and after_other and len(parts) > 1 and accepts(parts[0])):
        return []
    return [s for s in parts[1:] if _will_do(s) and not JA_WHO.search(s) and not courtesy(s)
            and not JA_PROCEDURE.search(s) and not asks(s)]


def find(lines: list[Said], chair: str | None) -> list[Found]:
    """The decisions and tasks the lines state, in order, each once."""
    items: list[Found] = []
    asked: tuple[int, str | None] | None = None  # the last request: its line, its speaker
    motion: int | None = None  # the last motion put to the meeting
    agreed: int | None = None  # the line before, if it agreed to that motion
    for index, line in enumerate(lines):
        parts = sentences(line.text)
        explains = line.speaker != chair and bool(JA_EXPLAINS.search(line.text))
        decided = [s for s in parts if (settles(s, line.speaker == chair) or (
            line.speaker == chair and _concludes_from_when(s, line.text))) and not courtesy(s)
                   and not explains]
        if decided and line.speaker == chair and japanese(line.text):
            first = parts.index(decided[0])
            if first and JA_RATHER.search(parts[first - 1]):
                decided.insert(0, parts[first - 1])
            # 「議場は調光対応にします。その分、〜を吸収する、ということでいいですか。」: what
            # the chair puts after the decision is part of it
            decided += [s for s in parts[parts.index(decided[-1]) + 1:]
                        if JA_PUTS_STATED.search(s) and not JA_ASKS.search(s)]
        if not decided and japanese(line.text):
            decided = _acknowledged(parts, line.speaker == chair,
                                    bool(index) and lines[index - 1].speaker != chair)
        if decided and line.speaker == chair and index and \
                lines[index - 1].speaker != chair and \
                all(JA_AS_ASKED.search(LEAD.sub("", s)) for s in decided) and \
                (put := [s for s in sentences(lines[index - 1].text)
                         if JA_PUT.search(s) and not JA_ASKS.search(s)]):
            items.append(Found("decision", [lines[index - 1].id, line.id], _join(put)))
            decided = []
        as_moved = _as_moved(decided)
        carried = any(carries_motion(s) for s in parts) or (
            motion is not None and japanese(line.text) and as_moved)
        if as_moved and (carried or motion is None):
            decided = []  # the motion's words say what was decided
            if not carried and items and items[-1].kind == "decision" and \
                    line.id - items[-1].lines[-1] <= 3:  # 「異議なし」, then 「そのように決定」
                items[-1].lines.append(line.id)
        if agreed is not None and motion is not None and not carried:
            if decided and all(JA_VERDICT.search(LEAD.sub("", s)) for s in decided):
                # 「賛成です」「では試行実施を了承とします」: decided as the motion put it
                items.append(Found("decision", [motion, agreed, line.id],
                                   _motion_words(lines, motion)))
                decided = []
            elif decided and _about(_join(decided), _text(lines, motion)):
                # 「異議なし」「それでは、原案のとおり可決します」
                items.append(Found("decision", [motion, agreed, line.id], _join(decided)))
                decided = []
            elif decided:  # agreed to as put; the chair goes on to decide something else
                items.append(Found("decision", [motion, agreed], _motion_words(lines, motion)))
            elif line.speaker == chair and (restated := _restated(parts, lines, motion)):
                # "Yes, that seems fair." "Good, the rent goes up five pounds from next season."
                items.append(Found("decision", [motion, agreed, line.id], restated))
            else:  # 「はい、それで結構です」, and the chair went on: agreed there
                items.append(Found("decision", [motion, agreed], _motion_words(lines, motion)))
            motion = None
        if carried and motion is not None:  # the motion's words, or this line's own
            own = [s for s in decided if not carries_motion(s)] or [
                said for s in decided if (said := _after_carried(s))]
            if own and all(JA_VERDICT.search(LEAD.sub("", s)) for s in own):
                own = []  # 「異議なしと認め、了承といたします」: as the motion put it
            items.append(Found("decision", [motion, *([agreed] if agreed else []), line.id],
                               _join(own) if own else _motion_words(lines, motion)))
        elif carried and items and items[-1].kind == "decision" and \
                line.id - items[-1].lines[-1] <= 3 and not decided:
            items[-1].lines.append(line.id)  # "The motion carries." after the decision
        elif decided:
            items.append(Found("decision", [line.id], _join(decided)))
        elif line.speaker == chair and index and lines[index - 1].speaker != chair and \
                any(JA_APPROVES.search(s) for s in parts) and (proposed := [
                    s for s in sentences(lines[index - 1].text) if JA_PROPOSAL.search(s)]):
            # 「図書館と公民館を追加したいと考えています」「追加する方向で結構です」
            decided = proposed
            items.append(Found("decision", [lines[index - 1].id, line.id], _join(proposed)))
        # an answer that agrees to the motion just put: 「異議なし」「はい、それで結構です」
        agreed = line.id if motion is not None and index > 0 and \
            lines[index - 1].id == motion and line.speaker != chair and bool(parts) and \
            bool(JA_AGREES.search(parts[0]) or EN_AGREES.match(parts[0].strip())) else None
        if carried or decided:
            motion = None
        elif any(is_motion(s) for s in parts) and \
                (not japanese(line.text) or line.speaker == chair):
            motion = line.id
        answered = bool(index) and asked is not None and asked[1] != line.speaker and \
            lines[index - 1].id == asked[0]
        # the chair answering a request takes it on as anyone does (「お届けします」)
        commits = [s for s in parts if takes_on(s, line.speaker == chair and not answered)
                   and not settles(s, line.speaker == chair)]
        if answered and not commits and parts and ANSWERS_YES.search(parts[0]):
            # 「はい、…確認していただきます」; not what the answer thinks (「五、六人は集め
            # られると思います」)
            commits = [s for n, s in enumerate(parts) if not courtesy(s)
                       and not (n and re.search(r"(?:思い|考え)ます[。]?$", s))]
        if commits:
            told = [s for s in commits if not accepts(s)]
            if told or answered:
                context = [asked[0]] if answered and asked is not None else []
                tasks = _tasks(told) if told else [_join(
                    [s for s in sentences(_text(lines, context[0])) if asks(s)])]
                # a deadline the line sets for another's task is not this one's
                # (「市民課には私から話しておきます。原稿は年内に作ってください。」)
                others = [s for s in parts if asks(s) and s not in commits]
                for number, sentence in enumerate(tasks):
                    # the request answered belongs to the first task said
                    cited = context if number == 0 else []
                    item_lines = [*cited, line.id]
                    its_own = sentence if len(tasks) > 1 or others else _text(lines, line.id)
                    said = " ".join([*(_text(lines, n) for n in cited), its_own])
                    items.append(Found("action", item_lines, sentence, owner=line.speaker,
                                       due=due_in(its_own) or (due_in(said) if number == 0
                                                           else None),
                                       context=cited))
        requests = [s for s in parts if asks(s) and not GREETING.search(s)]
        asked = (line.id, line.speaker) if requests else None
    if agreed is not None and motion is not None:  # agreed to in the meeting's last line
        items.append(Found("decision", [motion, agreed], _motion_words(lines, motion)))
    return items


def base_form(gerund: str) -> str:
    """An English -ing form's verb (emailing → email, making → make, running → run): of the
    spellings it can come from, the one English uses most."""
    import wordfreq

    stem = gerund[:-3]
    forms = [stem, stem + "e"] + ([stem[:-1]] if len(stem) > 2 and stem[-1] == stem[-2] else [])
    # a verb's spelling is also used with -s ("us" is common, "uss" is not; "use", "uses")
    return max(forms, key=lambda form: min(wordfreq.zipf_frequency(form, "en"),
                                           wordfreq.zipf_frequency(form + "s", "en")))


def _after_carried(sentence: str) -> str | None:
    """What a sentence that carries the motion goes on to decide: 「ご異議なしと認め、表紙は
    成人式の写真に決定いたしました」 → 「表紙は成人式の写真に決定いたしました」."""
    found = JA_CARRIED.search(sentence)
    cut = re.search(r"[、。]\s*(?:よって[、,]?)?", sentence[found.end():]) if found else None
    rest = sentence[found.end() + cut.end():] if found and cut else ""
    # 「ご異議なしと認め、そのように決しました」: the motion's words say what
    return rest if japanese(rest) and settles(rest) and not _as_moved([rest]) else None


def _motion_words(lines: list[Said], motion: int) -> str:
    """What a motion put: its sentences less the question (all of it when it is one); an
    English motion's question as what it proposes ("Any objection to moving it to June?" →
    "Move it to June")."""
    said = sentences(_text(lines, motion))
    for sentence in said:
        if (doing := EN_MOTION_DOING.search(sentence)) is not None:
            proposed = base_form(doing.group(1)) + doing.group(2)
            return proposed[0].upper() + proposed[1:] + "."
    # 「〜開館するということで、よろしいでしょうか」 says what it puts before its question
    put = [s for s in said if (found := JA_MOTION.search(s)) and found.start() >= MOTION_SAYS]
    return _join(put or [s for s in said if not courtesy(s)] or said)


def _about(decided: str, motion: str) -> bool:
    """Whether a Japanese decision said after a motion was agreed to is its verdict: a
    formula (「原案のとおり可決します」) or words the motion said (a share of its character
    pairs), not another matter (「記念品は昨年と同じタオルで進めます」)."""
    if not japanese(decided) or _as_moved([decided]) or JA_VERDICT.search(LEAD.sub("", decided)):
        return True
    pairs = {decided[i:i + 2] for i in range(len(decided) - 1)} - {"ます", "しま", "いた"}
    shared = pairs & {motion[i:i + 2] for i in range(len(motion) - 1)}
    return len(shared) >= ABOUT * len(pairs)


def _restated(parts: list[str], lines: list[Said], motion: int) -> str | None:
    """The chair's first English sentence after a motion was agreed to, when it states it
    again in words of its own ("Is everyone happy with a five-pound increase from next
    season?" ... "Good, the rent goes up five pounds from next season.")."""
    if not parts or japanese(parts[0]) or courtesy(parts[0]) or asks(parts[0]):
        return None
    put = {w for w in re.findall(r"[a-z]{4,}", _text(lines, motion).lower())}
    own = {w for w in re.findall(r"[a-z]{4,}", LEAD.sub("", parts[0]).lower())}
    return LEAD.sub("", parts[0]).strip() if len(put & own) >= SHARED else None


def _tasks(told: list[str]) -> list[str]:
    """The tasks an answer takes on, one per sentence that says what is done: 「はい、本日中に
    両園に連絡します。修繕の見積もりも取ります。」 is two; in 「契約の手続きは私のほうで進めます。
    今月末までに見積もりを取り直して起案します。」 the first says who, the second what."""
    what = [s for s in told if not JA_WHO.search(s)]
    if what and all(JA_POINTS_BACK.search(s) or _vague(s) for s in what):
        # 「原稿は私が書きます。それまでに出します。」「勤務表は私が作ります。金曜日までに案を
        # 出します。」: one task
        return [_join(told)]
    return what if what else [_join(told)]


#: A doing with no thing: 「（来週中に）は送ります」.
JA_BARE_DOING = re.compile(r"^(?:に|には|は|も|で)?[一-龥]?[ぁ-ん]+[。]?$")
#: A thing named only by what kind of paper it is (「案を出します」「資料は送ります」).
JA_VAGUE = re.compile(r"^(?:資料|書類|それ|結果|内容|案|もの)(?:を|は|も)")


def _vague(sentence: str) -> bool:
    """A Japanese sentence whose thing, less its deadline, says only what kind of paper, or
    that names none (「来週中には送ります」)."""
    rest = without_due(LEAD.sub("", sentence))
    return japanese(sentence) and bool(JA_VAGUE.search(rest) or JA_BARE_DOING.match(rest))


def without_due(text: str) -> str:
    """A Japanese text without the deadline it says (「十月末までに」「今週中に」「明日、」):
    「試算を、次回までにお示し」 → 「試算をお示し」, the comma going with the deadline."""
    text = re.sub(f"^(?:{JA_DUE.pattern})、", "", text)  # 「明日、予約票を出します」
    return re.sub(f"(?:(?<=[をはもが])、)?{JA_DUE_SAID_AS}?(?:{JA_DUE.pattern})"
                  r"(?:まで(?:に)?(?:は)?|に(?!ついて)(?:は)?)、?",
                  "", text).replace("、、", "、")


def _text(lines: list[Said], number: int) -> str:
    return next((line.text for line in lines if line.id == number), "")


def _join(parts: list[str]) -> str:
    return "".join(p if japanese(p) else p + " " for p in parts).strip()


__all__ = ["Found", "Said", "accepts", "asks", "courtesy", "due_in", "find", "sentences",
           "settles", "speaker_id", "takes_on", "without_due"]
