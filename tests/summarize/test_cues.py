"""Decisions and tasks found from how a meeting states them, and how each reads in the
minutes (`summarize.cues`, `summarize.wording`): no model, so these run everywhere.

The meetings here are written for these tests, not taken from the bench's references."""

from __future__ import annotations

import pytest

from summarize.cues import Said, due_in, find
from summarize.grounding import said_day
from summarize.wording import _TAIL, plain, stands_alone, styled, worded


def meeting(*lines: tuple[str, str]) -> list[Said]:
    return [Said(n, speaker, text) for n, (speaker, text) in enumerate(lines, start=1)]


LIBRARY = meeting(
    ("S1", "おはようございます。ただいまから図書館協議会を開会します。"),
    ("S1", "本日の議題は、移動図書館の運行ルートについてです。"),
    ("S2", "現在のルートでは、東地区の停留所の利用が月に十件ほどしかありません。"),
    ("S3", "西地区の学校を回るルートに変えてはどうでしょうか。"),
    ("S1", "ほかにご意見はありませんか。"),
    ("S1", "それでは、来年度から東地区の停留所を西地区の小学校に移すことといたします。"
           "よろしいでしょうか。"),
    ("S3", "異議ありません。"),
    ("S1", "新しいルートの時刻表は、図書館のほうで作ってください。"),
    ("S2", "承知しました。"),
    ("S4", "学校への案内文は、私から三月五日までに送ります。"),
    ("S2", "利用が増えるかどうか見守りたいと思います。"),
    ("S1", "本日はありがとうございました。以上で閉会します。"),
)


def test_japanese_decisions_and_tasks_are_found_with_their_lines_owners_and_deadlines(
) -> None:
    found = find(LIBRARY, "S1")
    assert [(f.kind, f.lines, f.owner, f.due) for f in found] == [
        ("decision", [6], None, None),
        ("action", [8, 9], "S2", None),  # the request and the answer that takes it on
        ("action", [10], "S4", "三月五日"),
    ]


@pytest.mark.parametrize("text", [
    "おはようございます。ただいまから図書館協議会を開会します。",
    "本日の議題は、移動図書館の運行ルートについてです。",
    "西地区の学校を回るルートに変えてはどうでしょうか。",
    "ほかにご意見はありませんか。",
    "利用が増えるかどうか見守りたいと思います。",
    "本日はありがとうございました。以上で閉会します。",
    "予算について説明します。",
    "Good morning, everyone, and welcome.",
    "Could we move the stop to the school instead?",
    "I think the old route was better.",
    "That's all for today, thank you.",
])
def test_greetings_questions_agenda_and_opinions_are_never_items(text: str) -> None:
    assert find(meeting(("S1", text), ("S2", text)), "S1") == []


def test_a_motion_and_the_line_that_carries_it_make_one_decision() -> None:
    board = meeting(
        ("S1", "Good evening. The first item is the skate park lighting."),
        ("S2", "I move that we install the new lights before the autumn."),
        ("S3", "Seconded."),
        ("S1", "All in favour? The motion carries."),
        ("S2", "Could you ask the electrician for a date?"),
        ("S4", "Yes, I'll call her tomorrow."),
    )
    found = find(board, "S1")
    assert [(f.kind, f.lines, f.owner, f.due) for f in found] == [
        ("decision", [2, 4], None, None),
        ("action", [5, 6], "S4", "tomorrow"),
    ]
    said = {line.id: line.text for line in board}
    assert stands_alone(found[0], said) == "Install the new lights before the autumn."
    # "I'll call her" says less than the request it answers
    assert stands_alone(found[1], said) == "Ask the electrician for a date"


def test_a_council_vote_is_a_decision_quoting_its_result() -> None:
    council = meeting(
        ("S1", "議案第五号は原案のとおり可決すべきものと決することにご異議ありませんか。"),
        ("S2", "異議なし。"),
        ("S1", "ご異議なしと認めます。よって、議案第五号は原案のとおり可決すべきものと"
               "決定いたしました。"),
    )
    found = find(council, "S1")
    # the motion, its answer, the result
    assert [(f.kind, f.lines) for f in found] == [("decision", [1, 2, 3])]
    assert stands_alone(found[0], {n.id: n.text for n in council}) == \
        "議案第五号は原案のとおり可決すべきものと決定した。"


def test_items_read_as_minutes_do_in_the_chosen_style() -> None:
    said = {line.id: line.text for line in LIBRARY}
    decision, asked, told = find(LIBRARY, "S1")
    assert stands_alone(decision, said) == "来年度から東地区の停留所を西地区の小学校に移す。"
    assert stands_alone(decision, said, "desumasu") == \
        "来年度から東地区の停留所を西地区の小学校に移すことといたします。"
    # the task asked for, in the plain form; the owner and the deadline have their columns
    assert stands_alone(asked, said) == "新しいルートの時刻表を作る。"
    assert stands_alone(told, said) == "学校への案内文を送る。"


@pytest.mark.parametrize(("polite", "plain_form"), [
    ("報告書を渡します。", "報告書を渡す。"),
    ("次回の会議でご報告いたします。", "次回の会議で報告する。"),
    ("結果をお示しします。", "結果を示す。"),
    ("その形で進めましょう。", "その形で進める。"),
    ("案内を送付しました。", "案内を送付した。"),
    ("議案第三号は原案のとおり可決されました。", "議案第三号は原案のとおり可決された。"),
    ("開催は秋に決まりました。", "開催は秋に決まった。"),
    ("会場の件は来週話すことになりました。", "会場の件は来週話すことになった。"),
    ("名簿を読みました。", "名簿を読んだ。"),
    ("業者に見積もりをお願いしておきます。", "業者に見積もりをお願いする。"),
    ("結果は全員に知らせます。", "結果は全員に知らせる。"),  # 知ら + せ + ます
    ("問題はありません。", "問題はありません。"),  # not a verb of doing: left as said
])
def test_the_plain_form_of_a_polite_ending(polite: str, plain_form: str) -> None:
    assert plain(polite) == plain_form


@pytest.mark.parametrize(("text", "due", "day"), [
    ("案内は九月末までに送付します。", "九月末", "2027-09-30"),
    ("二月十五日までに広報課へ渡します。", "二月十五日", "2027-02-15"),
    ("来週の金曜日までにまとめます。", "来週の金曜日", "2026-11-27"),
    ("再来週の金曜日までにまとめます。", "再来週の金曜日", "2026-12-04"),  # not next week's
    ("I will send it by Friday.", "by Friday", "2026-11-20"),
    ("I'll have the figures by the third of December.", "by the third of December",
     "2026-12-03"),
    ("I'll change the settings tomorrow.", "tomorrow", "2026-11-19"),
    ("I will write the announcement.", None, None),
    ("本日中に両園へ連絡します。", "本日中", "2026-11-18"),
    ("I'll email them today.", "today", "2026-11-18"),
    ("I'll send the draft by March twenty-sixth.", "by March twenty-sixth", "2027-03-26"),
    # said as a part of a month: the deadline whole, no day made up for it
    ("では来月の頭に発注します。", "来月の頭", None),
    ("今月の終わりまでに出します。", "今月の終わり", None),
])
def test_deadlines_are_found_as_said_and_dated_from_the_meeting(
        text: str, due: str | None, day: str | None) -> None:
    assert due_in(text) == due
    assert (said_day(due, "2026-11-18") if due else None) == day  # a Wednesday


def test_a_request_answered_with_a_bare_yes_reads_as_the_task_asked_for() -> None:
    office = meeting(
        ("S1", "地元の自治会への説明は、公園緑地課でお願いします。"),
        ("S2", "承知しました。"),
        ("S1", "鈴木さん、議事録の案を作ってもらっていいですか。"),
        ("S3", "はい。"),
    )
    found = find(office, "S1")
    said = {line.id: line.text for line in office}
    assert [(f.lines, f.owner, stands_alone(f, said)) for f in found] == [
        ([1, 2], "S2", "地元の自治会への説明をする。"),
        ([3, 4], "S3", "議事録の案を作る。"),  # a 「はい。」 to a request takes it on
    ]
    # said with its deadline, the deadline goes to its column
    office[3] = Said(4, "S3", "はい、金曜日までに作ります。")
    found = find(office, "S1")
    assert [(f.lines, f.owner, f.due, stands_alone(f, said | {4: office[3].text}))
            for f in found][1] == ([3, 4], "S3", "金曜日", "議事録の案を作る。")


def test_the_chair_proposing_what_is_done_is_a_decision_deferring_is_not() -> None:
    said = meeting(
        ("S1", "今日は備品の更新の件です。"),
        ("S2", "コピー機が古く、修理の部品がもう手に入りません。"),
        ("S1", "予算の範囲で買えるので、コピー機は来月入れ替えましょう。"),
        ("S3", "賛成です。"),
        ("S1", "机の件は、また次回話しましょう。"),
        ("S2", "では、私も入れ替えましょう。"),  # not the chair: a proposal, nothing settled
    )
    found = find(said, "S1")
    assert [(f.kind, f.lines) for f in found] == [("decision", [3])]
    assert stands_alone(found[0], {line.id: line.text for line in said}) == \
        "コピー機は来月入れ替える。"


def test_an_answer_that_repeats_less_than_was_asked_reads_as_the_request() -> None:
    office = meeting(
        ("S1", "来月の防災訓練の避難経路図は田中さんのほうで作り直してもらえますか。"),
        ("S2", "はい、経路図は十日までに作り直しておきます。"),  # the request, less of it
        ("S1", "議会には、訓練の実施結果と参加者数を、次回の委員会までに"
               "お示しいただきたいと思います。"),
        ("S3", "承知いたしました。次回の委員会までに資料をまとめて提出いたします。"),  # 「資料」
        ("S1", "備品の発注は山本さんにお願いします。"),
        ("S4", "わかりました。今週中に見積もりを三社から取ります。"),  # says more: kept
    )
    found = find(office, "S1")
    said = {line.id: line.text for line in office}
    assert [(f.lines, f.owner, f.due, stands_alone(f, said)) for f in found] == [
        ([1, 2], "S2", "十日", "来月の防災訓練の避難経路図を作り直す。"),
        ([3, 4], "S3", "次回の委員会", "議会には、防災訓練の実施結果と参加者数を示す。"),
        ([5, 6], "S4", "今週中", "見積もりを三社から取る。"),
    ]


def test_each_task_an_answer_takes_on_is_its_own_item() -> None:
    said = meeting(
        ("S1", "破損した案内板は、すぐに撤去してください。"),
        ("S2", "はい、本日中に業者に連絡して撤去してもらいます。"
               "新しい案内板の見積もりも取ります。"),
        ("S3", "会場の予約は私のほうで進めます。来週までに公民館を押さえます。"),  # who, then what
    )
    found = find(said, "S1")
    lines = {line.id: line.text for line in said}
    assert [(f.lines, f.owner, f.due, stands_alone(f, lines)) for f in found] == [
        ([1, 2], "S2", "本日中", "業者に連絡して撤去してもらう。"),
        ([2], "S2", None, "新しい案内板の見積もりも取る。"),
        ([3], "S3", "来週", "公民館を押さえる。"),
    ]


@pytest.mark.parametrize("text", [
    "国の補助を使えば、工事費の三分の一が出ます。",  # a consequence under a condition
    "紙を変えた場合、印刷費が一割ほど上がります。",
    "来年度は利用者が二割ほど増えます。",  # what happens, not what someone does
    "名簿をこちらで一件ずつ確認するのは難しいです。",  # a state, though 「こちらで」
    "審査の経過と結果をご報告申し上げます。",  # a report made as it is said
])
def test_what_will_happen_is_not_a_task(text: str) -> None:
    assert find(meeting(("S1", "では始めます。"), ("S2", text)), "S1") == []


def test_the_chair_approving_a_proposal_decides_it_and_may_take_a_task_on() -> None:
    said = meeting(
        ("S1", "次は夏の節電対策です。"),
        ("S2", "昨年の対策に加えて、庁舎の照明を半分に減らしたいと考えています。"),
        ("S1", "減らす方向で結構です。"),
        ("S1", "それでは、研修は七月に二回とします。講師の依頼は私のほうでやります。"),
        ("S1", "空調の件は次回にしましょう。"),  # put off: nothing settled
    )
    found = find(said, "S1")
    lines = {line.id: line.text for line in said}
    assert [(f.kind, f.lines, stands_alone(f, lines)) for f in found] == [
        ("decision", [2, 3], "昨年の対策に加えて、庁舎の照明を半分に減らす。"),
        ("decision", [4], "研修は七月に二回とする。"),
        ("action", [4], "講師の依頼をする。"),  # the chair's own task on the same line
    ]


def test_english_proposals_settled_and_put_off() -> None:
    said = meeting(
        ("S1", "So let's move the book sale to the library lawn this year. Any objections?"),
        ("S2", "None, it has more shade."),
        ("S1", "Good, that's settled then. Ana, could you update the poster for the lawn?"),
        ("S3", "Sure, I'll have a new version out by October twenty-first."),
        ("S1", "We'll decide on the raffle prizes next month. Let's move on."),
    )
    found = find(said, "S1")
    lines = {line.id: line.text for line in said}
    assert [(f.kind, f.lines, f.owner, f.due, stands_alone(f, lines)) for f in found] == [
        ("decision", [1, 3], None, None, "Move the book sale to the library lawn this year."),
        ("action", [3, 4], "S3", "by October twenty-first", "Update the poster for the lawn"),
    ]


def test_a_noun_said_in_full_just_before_is_written_in_full_and_its_line_cited() -> None:
    """「研修は一月後半に二回とします」 after 「操作研修の日程ですが」 reads 「操作研修は…」 and
    cites the line that named it; a noun already qualified (「今年度の予算」) or a name that
    says when (「来年度予算」) is never taken for it. 「会場の手配は私のほうでやります」 is
    the task 「会場の手配をする」."""
    from summarize.wording import worded

    said = meeting(
        ("S1", "来年度予算の要求が始まります。"
               "操作研修の日程ですが、一月に二回開くのはどうでしょう。"),
        ("S2", "一月の後半なら参加しやすいです。"),
        ("S1", "それでは研修は一月後半に二回とします。会場の手配は私のほうでやります。"),
        ("S3", "今年度の予算の残りで、予算を組み替えて教材を買います。"),
    )
    lines = {line.id: line.text for line in said}
    found = find(said, "S1")
    assert [(f.kind, f.lines, worded(f, lines)) for f in found] == [
        ("decision", [3], ("操作研修は一月後半に二回とする。", [1])),
        ("action", [3], ("会場の手配をする。", [])),
        ("action", [4], ("今年度の予算の残りで、予算を組み替えて教材を買う。", [])),
    ]
    assert worded(found[0], lines, "desumasu") == ("操作研修は一月後半に二回とします。", [1])


def test_a_motion_decided_as_moved_and_a_chair_s_preference_and_acknowledgement() -> None:
    """「そのように決定いたしました」 decides the motion before it, in the motion's words; the
    chair's 「〜したほうがいいね」 belongs to the decision that follows it in the line and
    「〜で行きましょう」 reads 「〜とする」; the chair's 「わかりました。〜で対応します。」 after
    someone's advice is what the meeting will do, not the chair's task."""
    from summarize.grounding import commitment

    said = meeting(
        ("S1", "それでは、視察は十月八日とし、参加は委員全員とすることで、ご異議ございませんか。"),
        ("S2", "異議なし。"),
        ("S1", "では、そのように決定いたしました。"),
        ("S3", "駐輪場の屋根は、雪が落ちて危ないと思います。"),
        ("S1", "工事は春からにしたほうがいいね。屋根は撤去、柵は残す形で行きましょう。"),
        ("S3", "補助金の要綱が来月変わるので、それを見てからのほうがよいかと思います。"),
        ("S1", "わかりました。申請は要綱の改正を待って、来年度に回します。"),
    )
    lines = {line.id: line.text for line in said}
    found = find(said, "S1")
    assert [(f.kind, f.lines, stands_alone(f, lines)) for f in found] == [
        ("decision", [1, 2, 3], "視察は十月八日とし、参加は委員全員とする。"),
        ("decision", [5], "工事は春からにする。屋根は撤去、柵は残す形とする。"),
        ("decision", [7], "申請は要綱の改正を待って、来年度に回す。"),
    ]
    speakers = {line.id: line.speaker for line in said}
    assert not commitment(stands_alone(found[2], lines), [7], lines, speakers, "S1")


def test_an_answer_s_task_its_deadline_and_what_only_happens() -> None:
    """What would happen 「〜と、〜になってしまいます」 is nobody's task; 「原稿は私が書きます。
    〜なので、それまでに出します。」 is one task, the one that names it; 「わかりました、当たって
    みます」 names nothing, so the request is the task; 「明日中に全員へ連絡します」 does what
    was asked and names no more, so the request says it, while an answer that names more
    keeps its own words; 「来週の火曜まで」 is a deadline."""
    said = meeting(
        ("S2", "会場を二階に移すと、車椅子の方が上がれなくなってしまいます。"),
        ("S3", "案内状の文面は私が書きます。印刷が来週の火曜なので、それまでに出します。"),
        ("S1", "送迎のバスを出せないか、社会福祉協議会に聞いてみてください。"),
        ("S4", "わかりました、当たってみます。"),
        ("S1", "事務局は、決まった日程を各委員にメールで連絡してください。"),
        ("S4", "承知しました。明日中に全委員へ連絡します。"),
        ("S1", "受付の人数については、手伝いの担当で調整をお願いします。"),
        ("S3", "はい。自治会の役員と民生委員の方にも声をかけて調整します。"),
    )
    lines = {line.id: line.text for line in said}
    assert [(f.lines, f.owner, f.due, stands_alone(f, lines)) for f in find(said, "S1")] == [
        ([2], "S3", "来週の火曜", "案内状の文面を書く。"),
        ([3, 4], "S4", None, "送迎のバスを出せないか、社会福祉協議会に聞いてみる。"),
        ([5, 6], "S4", "明日", "決まった日程を各委員にメールで連絡する。"),
        ([7, 8], "S3", None, "自治会の役員と民生委員の方にも声をかけて調整する。"),
    ]


def test_closing_the_meeting_is_no_decision() -> None:
    said = meeting(("S1", "Thanks, everyone. Anything else? Then we're done."),
                   ("S1", "That's it for tonight."))
    assert find(said, "S1") == []


def test_a_motion_agreed_to_a_casual_request_and_the_chair_answering_one() -> None:
    """A motion answered 「はい、それで結構です」 and left there is decided in its words; a
    line explaining a proposal (「説明いたします。〜を上限とします。」) decides nothing and
    its 「説明いたします」 is no task; a decision answering 「〜はいつにしますか」 names what was
    asked about; 「出してもらえる？」 is a request, answered 「はい、明日出します」; the chair
    answering 「〜をいただけますか」 takes it on; 「発注しておきます」 is 「発注する」."""
    said = meeting(
        ("S1", "では、試行は平日のみで始めて、様子を見て土曜を検討するということで"
               "よろしいでしょうか。"),
        ("S3", "はい、それで結構です。"),
        ("S1", "次に、議案第三号について、事務局から説明をお願いします。"),
        ("S2", "説明いたします。利用料は一回五百円を上限とします。"),
        ("S4", "説明会はいつにしますか。"),
        ("S1", "十日の午後にしましょう。"),
        ("S1", "中島さん、各課への案内文を出してもらえる？今週中に。"),
        ("S4", "はい、明日出します。"),
        ("S3", "当日の資料をいただけますか。"),
        ("S1", "資料ができ次第、お届けします。"),
        ("S2", "コピー用紙が足りないので、追加で発注しておきます。"),
    )
    lines = {line.id: line.text for line in said}
    assert [(f.kind, f.lines, f.owner, stands_alone(f, lines)) for f in find(said, "S1")] == [
        ("decision", [1, 2], None, "試行は平日のみで始めて、様子を見て土曜を検討する。"),
        ("decision", [6], None, "説明会は十日の午後にする。"),
        ("action", [7, 8], "S4", "各課への案内文を出す。"),
        ("action", [9, 10], "S1", "資料ができ次第、届ける。"),
        ("action", [11], "S2", "コピー用紙が足りないので、追加で発注する。"),
    ]


def test_a_result_s_own_words_after_the_motion_carried_and_what_is_only_seen() -> None:
    """「ご異議なしと認め、表紙は〜に決定いたしました」 is decided in the words after 認め (the
    motion's opening 「ほかにご意見がなければ、」 and its 「〜することに」 are no part of
    either); how something looks (「甘いように見えます」) and who is there (「十二組います」)
    are nobody's task; 「お願いしていい？」 is a request."""
    said = meeting(
        ("S1", "ほかにご意見がなければ、表紙は写真とすることにご異議ございませんか。"),
        ("S2", "異議なし。"),
        ("S1", "ご異議なしと認め、表紙は桜の写真に決定いたしました。"),
        ("S3", "申請の書類は、計画が甘いように見えます。"),
        ("S4", "午前に予約している方が十二組います。"),
        ("S1", "案内の電話を、お願いしていい？"),
        ("S4", "はい、今日中に電話で案内します。"),
    )
    lines = {line.id: line.text for line in said}
    assert [(f.kind, f.lines, stands_alone(f, lines)) for f in find(said, "S1")] == [
        ("decision", [1, 2, 3], "表紙は桜の写真とする。"),  # stated, not reported
        ("action", [6, 7], "電話で案内する。"),
    ]
    moved = meeting(("S1", "ほかにご意見がなければ、表紙は写真とすることにご異議ございませんか。"),
                    ("S2", "異議なし。"), ("S1", "では次の件です。"))
    assert [stands_alone(f, {x.id: x.text for x in moved}) for f in find(moved, "S1")] == [
        "表紙は写真とする。"]


def test_a_bare_request_a_task_with_no_object_a_decision_reported_and_would_you_mind() -> None:
    """A bare 「お願いできますか」 asks for what the sentence before it says must be done
    (「〜しないといけませんね」); an answer that names nothing but when (「明日お送りします」)
    reads as that; a task with no object (「金曜までにまとめます」) takes the thing the line
    before acts on; a decision reported as made (「〜に決まりました」) is stated (「〜とする」,
    「〜する」); "would you mind booking" asks to book; "let's get going" opens a meeting."""
    said = meeting(
        ("S1", "講師の先生に当日の進行表をお送りしないといけませんね。"
               "小野さん、お願いできますか。"),
        ("S3", "はい、明日お送りします。"),
        ("S2", "参加者の名簿を事前に確認しておきたいですね。"),
        ("S4", "では金曜までにまとめます。"),
        ("S1", "では、記念品はタオルに決まりました。"),
        ("S1", "講演の録画は、希望者に貸し出すことに決定しました。"),
    )
    lines = {line.id: line.text for line in said}
    found = find(said, "S1")
    assert [(f.kind, f.lines, f.owner, worded(f, lines)) for f in found] == [
        ("action", [1, 2], "S3", ("講師の先生に当日の進行表を送る。", [])),
        ("action", [4], "S4", ("名簿をまとめる。", [3])),  # and it cites where 名簿 was said
        ("decision", [5], None, ("記念品はタオルとする。", [])),
        ("decision", [6], None, ("講演の録画は、希望者に貸し出す。", [])),
    ]
    english = meeting(("S1", "Let's get going."),
                      ("S1", "Priya, would you mind booking the hall for the tenth?"),
                      ("S2", "Sure, I'll do it today."))
    assert [(f.kind, stands_alone(f, {x.id: x.text for x in english}))
            for f in find(english, "S1")] == [("action", "Book the hall for the tenth")]


def test_a_question_before_the_motion_an_order_and_a_meeting_as_the_deadline() -> None:
    """The chair's 「ご質問はありませんか。」 before the motion is no part of the decision; 「〜を
    作ってくれ」 asks for a task; 「五月の委員会までに」 is its deadline."""
    said = meeting(
        ("S1", "ご質問はありませんか。それでは、開館時間は午後八時までとすることにご異議"
               "ございませんか。"),
        ("S2", "異議なし。"),
        ("S1", "ご異議なしと認めます。"),
        ("S1", "利用者への案内文は係長のほうで作ってくれ。"),
        ("S3", "了解です。五月の委員会までに出します。"),
    )
    lines = {line.id: line.text for line in said}
    assert [(f.kind, f.lines, f.owner, f.due, stands_alone(f, lines))
            for f in find(said, "S1")] == [
        ("decision", [1, 2, 3], None, None, "開館時間は午後八時までとする。"),
        ("action", [4, 5], "S3", "五月の委員会", "利用者への案内文を作る。"),
    ]


def test_a_motion_put_as_yoroshii_desu_ka_is_decided_without_its_question() -> None:
    """「〜ということでよろしいですか」 agreed to is decided in the motion's words, without the
    question (a request's 「〜てもよろしいですか」 keeps its own)."""
    said = meeting(("S1", "それでは、次回の研修は十月に開くということでよろしいですか。"),
                   ("S2", "はい、結構です。"),
                   ("S1", "ではそのように進めます。"))
    lines = {line.id: line.text for line in said}
    assert [(f.kind, f.lines, stands_alone(f, lines)) for f in find(said, "S1")] == [
        ("decision", [1, 2], "次回の研修は十月に開く。")]
    assert _TAIL.search("はい、ではこれで終わりということでよろしいですか。")
    assert not _TAIL.search("資料をお配りしてもよろしいですか。")
    assert not _TAIL.search("先に読んでよろしいですか。")


def test_english_motions_put_as_questions_and_a_plain_order_with_its_addressee() -> None:
    """"Is everyone okay with ordering ...?" and "Any objection to moving ...?", agreed to,
    are decided as what they propose; "Agreed." alone decides nothing; 「〜は田村さん、
    作っておいて」 asks 田村さん for the task, and the minutes leave the name out."""
    english = meeting(
        ("S1", "Is everyone okay with ordering forty new chairs for the hall?"),
        ("S2", "Fine with me."),
        ("S3", "Agreed."),
        ("S1", "Next, the party. Any objection to moving it to Friday?"),
        ("S2", "None here."),
        ("S1", "Good."),
    )
    lines = {line.id: line.text for line in english}
    assert [(f.kind, f.lines, stands_alone(f, lines)) for f in find(english, "S1")] == [
        ("decision", [1, 2], "Order forty new chairs for the hall."),
        ("decision", [4, 5], "Move it to Friday."),
    ]
    japanese = meeting(("S1", "名簿の写しは田村さん、作っておいて。"),
                       ("S2", "わかりました。明日までに作ります。"))
    lines = {line.id: line.text for line in japanese}
    assert [(f.kind, f.lines, f.owner, stands_alone(f, lines))
            for f in find(japanese, "S1")] == [("action", [1, 2], "S2", "名簿の写しを作る。")]


def test_the_chair_trying_something_takes_it_on() -> None:
    """The chair's 「〜てみます」 is the chair's task; the chair's 「休憩します」 runs the
    meeting."""
    said = meeting(("S2", "会議室のプロジェクターが暗くて見えにくいです。"),
                   ("S1", "新しいものに替えられるか、業者に見積もりを頼んでみます。"),
                   ("S1", "ここで十分間休憩します。"))
    lines = {line.id: line.text for line in said}
    assert [(f.kind, f.lines, f.owner, stands_alone(f, lines)) for f in find(said, "S1")] == [
        ("action", [2], "S1", "新しいものに替えられるか、業者に見積もりを頼んでみる。")]


def items(said: list[Said]) -> list[tuple[str, list[int], str | None, str]]:
    lines = {line.id: line.text for line in said}
    return [(f.kind, f.lines, f.owner, stands_alone(f, lines)) for f in find(said, "S1")]


def test_a_verdict_naming_the_motion_by_a_short_name_states_the_motion() -> None:
    said = meeting(("S1", "ご提案のとおり、来年度から公民館の使用料を一割引き下げるということで、"
                          "審議会としてよろしいでしょうか。"),
                   ("S2", "異議ありません。"),
                   ("S1", "では、使用料の改定を承認とします。"))
    assert items(said) == [("decision", [1, 2, 3], None,
                            "ご提案のとおり、来年度から公民館の使用料を一割引き下げる。")]


def test_the_chair_agreeing_to_a_choice_another_put_decides_it() -> None:
    said = meeting(("S1", "夏祭りの準備について話します。"),
                   ("S3", "テントは自治会のものを借りるということでいいですか。"),
                   ("S1", "それでいきましょう。"))
    found = items(said)
    assert [(kind, lines) for kind, lines, _, _ in found] == [("decision", [2, 3])]
    assert "それ" not in found[0][3] and "テント" in found[0][3]
    said = meeting(("S2", "受付は正面玄関でよろしいですか。"), ("S1", "そうしましょう。"))
    assert items(said)[0][3] == "受付は正面玄関とする。"


def test_the_chair_stating_what_the_office_does_from_when_decides_it() -> None:
    said = meeting(("S2", "冬の間は朝の凍結で事故が心配です。"),
                   ("S1", "十二月から、通学路の融雪剤の散布を実施します。"),
                   ("S1", "集合場所は北口で行きます。"),
                   # the chair's own work on a day is the chair's task
                   ("S1", "業者との打合せは十一月八日に入れます。"),
                   # the chair's report, and a plain future without a when, are not
                   ("S1", "結果は来月の会議で報告します。"),
                   ("S1", "散布の範囲を広げます。"))
    assert [(kind, lines) for kind, lines, _, _ in items(said)] == [
        ("decision", [2]), ("decision", [3]), ("action", [4])]
    assert items(said)[1][3] == "集合場所は北口とする。"
    assert items(said)[2][2:] == ("S1", "業者との打合せを入れる。")


def test_a_task_said_as_who_then_as_a_vague_paper_is_one_task() -> None:
    said = meeting(("S1", "次に、名簿の件です。"),
                   ("S2", "新しい名簿は私が作ります。月曜日までに案を送ります。"))
    assert items(said) == [("action", [2], "S2", "新しい名簿を作る。")]


@pytest.mark.parametrize("text", [
    "参加者は増えましたが、若い方が少なかったと感じます。",
    "いただいたご意見は、来年度の計画の参考にします。",
    "改修後のレイアウト案をお示しします。",
])
def test_impressions_presentations_and_things_taken_into_account_are_not_items(
        text: str) -> None:
    assert items(meeting(("S1", "振り返りを始めます。"), ("S2", text))) == []
    assert items(meeting(("S1", text))) == []


def test_a_presentation_promised_for_later_is_a_task() -> None:
    said = meeting(("S1", "料金の案はどうなりますか。"),
                   ("S2", "料金の案は、次の審議会でお示しします。"))
    assert [(kind, owner) for kind, _, owner, _ in items(said)] == [("action", "S2")]


def test_an_english_deadline_at_the_end_of_next_week_is_cut_whole() -> None:
    said = meeting(("S1", "Let's look at the rota."),
                   ("S2", "I'll draft the new rota by the end of next week."))
    assert items(said) == [("action", [2], "S2", "Draft the new rota")]
    assert due_in("I'll draft the new rota by the end of next week.") == (
        "by the end of next week")


def test_a_topic_after_a_particle_is_not_what_a_task_does() -> None:
    said = meeting(("S1", "説明会の日程を決めたいと思います。"),
                   ("S2", "会場の担当者とは私のほうで今週中に調整します。"),
                   ("S3", "参加者には明日までにメールで知らせます。"))
    assert [text for *_, text in items(said)] == ["会場の担当者とは調整する。",
                                                  "参加者にはメールで知らせる。"]


def test_a_bare_yes_to_the_chairs_motion_agrees_and_a_stance_is_no_task() -> None:
    said = meeting(("S1", "雨の場合は体育館で行う形でいいですね。"),
                   ("S2", "はい。体育館の鍵は私が借りておきます。"),
                   ("S3", "屋外での開催案には賛成いたします。"))
    assert [(kind, lines, text) for kind, lines, _, text in items(said)] == [
        ("action", [2], "体育館の鍵を借りる。"),
        ("decision", [1, 2], "雨の場合は体育館で行う。")]


def test_an_english_motion_agreed_and_stated_again_by_the_chair() -> None:
    said = meeting(("S1", "Is everyone happy with a later start for the summer season?"),
                   ("S2", "Yes, that sounds reasonable."),
                   ("S1", "Good, the summer season starts two weeks later this year."),
                   ("S3", "If we start later we'll lose some of the school groups."))
    assert items(said) == [("decision", [1, 2, 3], None,
                            "The summer season starts two weeks later this year.")]


def test_a_motion_put_with_yoroshii_desu_ne_and_agreed_with_no_dissent() -> None:
    said = meeting(("S1", "では、集合場所は駅の東口に変更ということでよろしいですね。"),
                   ("S2", "異論ありません。"),
                   ("S1", "記念品は昨年と同じタオルで進めます。"))
    assert [(kind, lines, text) for kind, lines, _, text in items(said)] == [
        ("decision", [1, 2], "集合場所は駅の東口に変更する。"),
        ("decision", [3], "記念品は昨年と同じタオルとする。")]


def test_a_council_entrusting_its_report_to_the_chair_decides_it() -> None:
    said = meeting(("S1", "なお、委員長報告の文案については委員長にご一任願います。"),
                   ("S2", "異議なし。"),
                   ("S1", "以上で閉会します。"))
    assert [(kind, lines, text) for kind, lines, _, text in items(said)] == [
        ("decision", [1, 2], "委員長報告の文案については委員長に一任する。")]


@pytest.mark.parametrize("text", [
    "燃料の価格が上がっていて、このままだと年度末には予算を超えます。",
    "参加者は目標を上回ります。",
])
def test_what_a_budget_or_a_count_will_do_is_no_task(text: str) -> None:
    assert items(meeting(("S1", "燃料費の件です。"), ("S2", text))) == []


@pytest.mark.parametrize("text", [
    "では、来年の研修の話をしましょう。",
    "今日はここまでにしましょう。",
    "巡回を増やせば、事故の減少が見込めます。",
])
def test_the_chair_opening_or_closing_a_talk_and_what_can_be_expected_are_no_items(
        text: str) -> None:
    assert items(meeting(("S1", text))) == []
    assert items(meeting(("S1", "始めます。"), ("S2", text))) == []


def test_keeping_something_up_oneself_is_a_task_not_a_decision() -> None:
    said = meeting(("S1", "見守りの体制について話します。"),
                   ("S2", "見回りは、私のほうでも朝夕に行うようにします。"),
                   ("S3", "名簿はこちらで作って、金曜日までに配ります。"))
    assert [(kind, owner, text) for kind, _, owner, text in items(said)] == [
        ("action", "S2", "見回りを朝夕に行うようにする。"),
        ("action", "S3", "名簿を作って、配る。")]


def test_an_english_date_put_to_the_meeting_agreed_and_stated_by_the_chair() -> None:
    said = meeting(("S1", "Is the third of June still okay for everyone?"),
                   ("S2", "Yes, that works."),
                   ("S1", "Great, the open day is on the third of June."))
    assert items(said) == [("decision", [1, 2, 3], None, "The open day is on the third of June.")]


def test_a_polite_reason_inside_an_item_reads_plain_too() -> None:
    assert styled("名簿はこちらで持っていますので、明日お渡しします。", "dearu") == (
        "名簿はこちらで持っているので、明日渡す。")
    assert styled("名簿はこちらで持っていますので、明日お渡しします。", "desumasu") == (
        "名簿はこちらで持っていますので、明日お渡しします。")


def test_the_chair_going_with_the_proposal_just_made_decides_what_it_proposes() -> None:
    said = meeting(("S1", "研修の形を決めましょう。"),
                   ("S2", "座学を半日にして、実習を一日に延ばす案はどうでしょう。"),
                   ("S1", "それがいいですね。その案でいきましょう。"))
    assert [(kind, lines, text) for kind, lines, _, text in items(said)] == [
        ("decision", [2, 3], "座学を半日にして、実習を一日に延ばす。")]


def test_a_reason_before_a_decision_goes_but_its_topic_stays_where_needed() -> None:
    said = meeting(("S1", "のぼり旗は安く作れるので、来月までに用意しましょう。"),
                   ("S1", "予算が余っているので、机は新しいものに替えましょう。"))
    assert [text for *_, text in items(said)] == ["のぼり旗は来月までに用意する。",
                                                   "机は新しいものに替える。"]


def test_so_decided_after_a_motion_carried_states_the_motion() -> None:
    said = meeting(("S1", "ただいまの申出のとおり、通学路の安全対策を閉会中の継続調査事項と"
                          "することにご異議ありませんか。"),
                   ("S2", "異議なし。"),
                   ("S1", "ご異議なしと認め、そのように決しました。"))
    assert items(said) == [("decision", [1, 2, 3], None,
                            "ただいまの申出のとおり、通学路の安全対策を閉会中の継続調査事項とする。")]


def test_an_english_deadline_before_something_starts_is_cut_whole() -> None:
    said = meeting(("S1", "Kit next."),
                   ("S2", "I'll order the new balls before the season starts."))
    assert items(said) == [("action", [2], "S2", "Order the new balls")]


def test_a_motion_put_as_if_there_is_no_objection_and_an_elliptic_close() -> None:
    said = meeting(("S1", "異論がなければ、来年も同じ会場で開催します。"),
                   ("S2", "異論ありません。"),
                   ("S1", "じゃあ、集合は朝八時ということで。"),
                   ("S1", "じゃあ、そんなところで。"))
    assert [(kind, lines, text) for kind, lines, _, text in items(said)] == [
        ("decision", [1, 2], "来年も同じ会場で開催する。"),
        ("decision", [3], "集合は朝八時とする。")]


def test_a_task_said_as_what_one_will_see_to_then_when() -> None:
    said = meeting(("S1", "名簿の件です。"),
                   ("S2", "新しい名簿を配るのは私がやっておきます。今月中には配ります。"))
    found = find(said, "S1")
    assert [(f.kind, f.owner, f.due) for f in found] == [("action", "S2", "今月中")]
    assert items(said)[0][3] == "新しい名簿を配る。"


def test_a_report_promised_for_a_later_meeting_is_a_task_and_one_made_now_is_not() -> None:
    said = meeting(("S2", "見積もりは三社から取りました。"),
                   ("S1", "わかりました。来月の幹部会には私から報告します。"))
    assert [(kind, lines, owner) for kind, lines, owner, _ in items(said)] == [
        ("action", [2], "S1")]
    said = meeting(("S3", "次回の審議会で、アンケートの集計についてご報告します。"),)
    assert [(kind, owner) for kind, _, owner, _ in items(said)] == [("action", "S3")]
    # a report made now, whenever what it is about began
    for line in ("それでは、事務局から報告します。",
                 "十月一日から始めた夜間窓口の利用状況について報告します。"):
        assert items(meeting(("S3", line))) == []


def test_a_bare_verdict_on_a_motion_states_the_motion_and_names_the_matter() -> None:
    said = meeting(
        ("S1", "ただいまから産業委員会を開会します。本日は朝市の出店料の見直しについて、"
               "担当課から説明を受けます。"),
        ("S3", "出店料を一区画三千円から二千円に下げる案でございます。"),
        ("S1", "それでは、本件は担当課の説明のとおり了承することとしてよろしいですか。"),
        ("S2", "異議なし。"),
        ("S1", "異議なしと認め、了承といたします。"))
    lines = {line.id: line.text for line in said}
    found = find(said, "S1")
    assert [(f.kind, f.lines) for f in found] == [("decision", [3, 4, 5])]
    text, sources = worded(found[0], lines)
    # the motion's words, its question cut, the matter named as the chair put it
    assert text == "朝市の出店料の見直しは担当課の説明のとおり了承する。" and 1 in sources
    # agreed with the motion's own words and no verdict of the chair's
    said = meeting(("S1", "それでは、出店料の見直しは原案のとおり了承することとして"
                          "よろしいですか。"),
                   ("S2", "異議なし。"), ("S1", "異議なしと認めます。"))
    assert items(said)[0][3] == "出店料の見直しは原案のとおり了承する。"
    # a request put as a question is no motion's tail: 「〜てもよろしいですか」
    assert items(meeting(("S1", "この資料を読み上げてもよろしいですか。"),)) == []


def test_a_decision_without_a_topic_takes_the_matter_the_meeting_opened() -> None:
    said = meeting(("S1", "公民館の倉庫の件、棚の見積もりは届きましたか。"),
                   ("S2", "二社から届いています。安いほうは十二万円です。"),
                   ("S1", "では、安いほうの業者に頼みましょう。"))
    lines = {line.id: line.text for line in said}
    found = find(said, "S1")
    assert [(f.kind, f.lines) for f in found] == [("decision", [3])]
    assert worded(found[0], lines) == ("公民館の倉庫は安いほうの業者に頼む。", [1])
    # one that has its own topic keeps it
    said = meeting(("S1", "公民館の倉庫の件、棚の見積もりは届きましたか。"),
                   ("S1", "では、棚は安いほうの業者に頼みましょう。"))
    assert items(said)[0][3] == "棚は安いほうの業者に頼む。"
    # a matter put since is another matter: the decision is not given the older one
    said = meeting(("S1", "公民館の倉庫の件、棚の見積もりは届きましたか。"),
                   ("S2", "届いています。"),
                   ("S1", "次に、夏の清掃活動について協議します。"),
                   ("S1", "では、安いほうの業者に頼みましょう。"))
    assert "倉庫" not in items(said)[0][3]


def test_closing_the_meeting_with_to_itashimasu_is_procedure() -> None:
    for line in ("それでは、本日はこれで閉会といたします。", "以上で休憩といたします。",
                 "今日はこれで終わりにします。"):
        assert items(meeting(("S1", line),)) == []


def test_a_bill_decided_by_its_number_is_given_the_title_the_chair_put_it_with() -> None:
    said = meeting(("S1", "議案第九号、市営駐車場の料金の見直しについて、担当課から説明を"
                          "お願いします。"),
                   ("S2", "一時間百円を百五十円とするものです。"),
                   ("S1", "議案第九号は原案のとおり可決することにご異議ございませんか。"),
                   ("S3", "異議なし。"),
                   ("S1", "ご異議なしと認めます。"))
    lines = {line.id: line.text for line in said}
    found = find(said, "S1")
    assert [(f.kind, f.lines) for f in found] == [("decision", [3, 4, 5])]
    text, sources = worded(found[0], lines)
    assert text == "議案第九号（市営駐車場の料金の見直し）は原案のとおり可決する。"
    assert 1 in sources
    # a bill never put by its title stays as it is
    assert items(said[2:])[0][3] == "議案第九号は原案のとおり可決する。"


def test_an_answer_that_makes_something_known_is_about_what_the_request_was_about() -> None:
    said = meeting(("S1", "始めます。"),
                   ("S2", "休館日の変更は、利用者に早めに伝わるようにしていただきたいです。"),
                   ("S3", "承知しました。来月中に各団体へ文書でお知らせします。"))
    assert items(said) == [("action", [2, 3], "S3",
                            "休館日の変更について各団体へ文書でお知らせする。")]
    # whom the request is put to is no topic; a topic said with について is said once
    said = meeting(("S1", "事務局は、結果を皆さんに伝えてください。"),
                   ("S2", "承知しました。締め切りと合わせてお知らせします。"))
    assert "事務局" not in items(said)[0][3]
    said = meeting(("S1", "講座の回数については、先生と相談してもらえますか。"),
                   ("S2", "はい、講師の先生と調整して、次回お示しします。"))
    assert "についてについて" not in items(said)[0][3]


def test_an_answer_that_only_says_it_will_see_to_the_thing_asked_takes_the_request() -> None:
    said = meeting(("S1", "案内状には、駐車場の場所も載せておいてください。"),
                   ("S2", "案内状は私が担当なので、直しておきます。"))
    assert items(said) == [("action", [1, 2], "S2", "案内状には、駐車場の場所も載せておく。")]
    # an answer that names a thing of its own keeps its words
    said = meeting(("S1", "巡回の経路を見直してもらえますか。"),
                   ("S2", "はい、今月中に新しい経路図を作ります。"))
    assert items(said)[0][3] == "新しい経路図を作る。"


def test_a_thing_asked_for_by_a_deadline_reads_as_the_thing() -> None:
    said = meeting(("S1", "名簿の整理は小池さん、来週末までにお願いします。"),
                   ("S2", "分かりました。"))
    assert items(said) == [("action", [1, 2], "S2", "名簿の整理をする。")]


def test_settled_as_kimari_desu_ne_decides_and_names_the_matter_opened() -> None:
    said = meeting(("S1", "夏祭りの件ですけど、会場はどうなりました。"),
                   ("S2", "小学校の校庭か、公園のどちらかです。"),
                   ("S1", "それなら校庭で決まりですね。"),
                   ("S1", "じゃあ、テントを三張り借りましょう。"))
    assert [(kind, lines, text) for kind, lines, _, text in items(said)] == [
        ("decision", [3], "夏祭りは校庭とする。"),
        # a decision that names its thing takes the matter as where it applies
        ("decision", [4], "夏祭りではテントを三張り借りる。")]
    # 「それで決まりですね」 only points back at what was said
    assert items(meeting(("S2", "当番は二人ずつです。"), ("S1", "それで決まりですね。"))) == []


def test_a_proposal_put_as_node_dou_deshou_and_approved_by_the_chair_decides_it() -> None:
    said = meeting(("S1", "始めます。"),
                   ("S2", "申込みは九月一日から受け付けるのでどうでしょう。"),
                   ("S1", "それで結構です。"))
    assert items(said) == [("decision", [2, 3], None, "申込みは九月一日から受け付ける。")]


def test_the_chair_sending_the_attendees_something_later_takes_it_on() -> None:
    said = meeting(("S1", "本日の意見は一覧にまとめて、皆さんにお送りします。"),)
    assert items(said) == [("action", [1], "S1", "本日の意見を一覧にまとめて、皆さんに送る。")]
    # handing out now runs the meeting
    assert items(meeting(("S1", "資料を皆さんにお配りします。"),)) == []


def test_the_chair_concluding_what_is_done_from_when_in_english_decides_it() -> None:
    said = meeting(("S2", "The trial went well and the new rota saves an hour a day."),
                   ("S1", "Good. The new rota applies to every team from next month."))
    assert items(said) == [("decision", [2], None,
                            "The new rota applies to every team from next month.")]
    # a briefing on what was decided elsewhere, and what may happen, decide nothing
    for line in ("From April, travel claims go through the new form.",
                 "Good. From May the office might close at six."):
        assert items(meeting(("S1", line),)) == []


def test_a_reason_before_a_decision_goes_but_when_it_starts_stays() -> None:
    said = meeting(("S1", "では、次の献立表から、地場産の食材に印をつけることにしましょう。"),)
    assert items(said)[0][3] == "次の献立表から、地場産の食材に印をつける。"


def test_a_request_naming_only_its_doing_is_the_doing_of_what_was_just_decided() -> None:
    said = meeting(("S1", "掲示板は古いので、今月中に取り替えましょう。"
                          "川村さん、手配をお願いします。"),
                   ("S2", "わかりました。"))
    assert [(kind, text) for kind, _, _, text in items(said)] == [
        ("decision", "掲示板は今月中に取り替える。"), ("action", "掲示板の手配をする。")]


def test_a_decision_without_a_topic_takes_the_matter_the_chair_set_out_to_decide() -> None:
    said = meeting(("S1", "秋の防災訓練について決めます。"),
                   ("S2", "例年どおり十月の第一日曜でいかがでしょうか。"),
                   ("S1", "異論がなければ、第一日曜で実施します。"),
                   ("S3", "異論ありません。"))
    assert [(kind, text) for kind, _, _, text in items(said)] == [
        ("decision", "秋の防災訓練は第一日曜で実施する。")]
    # a bill put by its number is decided by it: what is decided after it is another matter
    said = meeting(("S1", "議案第三号、手数料条例の改正について議題といたします。"),
                   ("S1", "それでは、公園の清掃は業者に頼みましょう。"))
    assert items(said)[0][3] == "公園の清掃は業者に頼む。"


def test_an_answer_naming_a_draft_is_the_draft_of_what_the_request_was_about() -> None:
    said = meeting(("S1", "案内状の作成は総務で担当してください。"),
                   ("S2", "はい、十日までに案を作ります。"))
    assert items(said) == [("action", [1, 2], "S2", "案内状の案を作る。")]


def test_the_chairs_plain_volitional_decides_unless_it_runs_the_meeting() -> None:
    said = meeting(("S2", "旧型の発電機はまだ動きます。"),
                   ("S1", "では発電機は南地区の倉庫に移してもらおう。"))
    assert items(said) == [("decision", [2], None, "発電機は南地区の倉庫に移してもらう。")]
    for line in ("じゃあ、会議を始めよう。", "その件は次回考えよう。"):
        assert items(meeting(("S1", line),)) == []


def test_ii_desu_yo_takes_a_request_on_and_what_the_answer_thinks_is_no_task() -> None:
    said = meeting(("S1", "木村さん、受付の人を集めてもらえませんか。"),
                   ("S2", "いいですよ。三人は集められると思います。"))
    assert items(said) == [("action", [1, 2], "S2", "受付の人を集める。")]
    # a yes that only expects something still takes the request on
    said = meeting(("S1", "見積もりが来たら、すぐに見せてください。"),
                   ("S2", "はい、今週中には来ると思います。"))
    assert [(kind, lines, owner) for kind, lines, owner, _ in items(said)] == [
        ("action", [1, 2], "S2")]


def test_the_chair_promising_a_report_at_a_later_meeting_takes_it_on() -> None:
    said = meeting(("S1", "皆さんのご意見は、まとめて次回の理事会に報告します。"),)
    assert [(kind, owner, text) for kind, _, owner, text in items(said)] == [
        ("action", "S1", "皆さんのご意見をまとめて報告する。")]


def test_what_can_be_done_under_a_condition_is_no_task() -> None:
    said = meeting(("S1", "当日の受付は足りそうですか。"),
                   ("S2", "ボランティアが三人来てくれれば回せます。"))
    assert items(said) == []
    said = meeting(("S1", "チラシは間に合いそうですか。"), ("S2", "今週中には配れます。"))
    assert items(said) == []
    # a plain promise in the same words is one
    said = meeting(("S1", "始めます。"), ("S2", "当日の受付は私が受け付けます。"))
    assert [kind for kind, *_ in items(said)] == ["action"]


def test_what_the_speaker_needs_before_acting_is_no_task_in_english() -> None:
    said = meeting(("S1", "Let's order the new chairs."),
                   ("S2", "I'll need a signed form before I can place the order."))
    assert [kind for kind, *_ in items(said) if kind == "action"] == []
    # "I'll need to" is something the speaker will do
    said = meeting(("S1", "Let's order the new chairs."),
                   ("S2", "I'll need to call the supplier on Monday."))
    assert [kind for kind, *_ in items(said)][-1:] == ["action"]


def test_a_task_said_as_an_intention_reads_as_the_doing() -> None:
    said = meeting(("S1", "始めます。"),
                   ("S2", "それで、名簿ですが、新しい様式は私の方で作って、七月の頭には"
                          "配りたいと思います。"))
    [(kind, _, owner, text)] = items(said)
    assert (kind, owner) == ("action", "S2")
    assert text == "名簿について、新しい様式は作って、配る。"
    assert find(said, "S1")[0].due == "七月の頭"


def test_an_answer_with_a_deadline_of_when_takes_the_request_it_sees_to() -> None:
    said = meeting(("S1", "一点お願いですが、研修の名簿を、申込みが締め切られたら各課に"
                          "送ってもらえますか。"),
                   ("S2", "承知しました。締め切り翌日の十日までに各課へお送りします。"))
    assert items(said) == [("action", [1, 2], "S2",
                            "研修の名簿を、申込みが締め切られたら各課に送る。")]


def test_a_request_to_pass_on_what_was_just_said_names_it() -> None:
    said = meeting(("S1", "次に、道路の件です。"),
                   ("S2", "駅前の歩道のタイルが三枚割れています。"),
                   ("S1", "それは大野さんから道路課に連絡してもらえますか。"),
                   ("S3", "はい、今日中に電話しておきます。"))
    assert items(said) == [("action", [3, 4], "S3",
                            "駅前の歩道のタイルが三枚割れていることを道路課に連絡する。")]
    # the item cites the line it draws on
    assert 2 in worded(find(said, "S1")[0], {line.id: line.text for line in said})[1]
    # a question before is nothing to pass on
    said = meeting(("S2", "駅前の歩道のタイルは割れていますか。"),
                   ("S1", "それは道路課に連絡してもらえますか。"),
                   ("S3", "はい、今日中に電話しておきます。"))
    assert "ことを" not in items(said)[0][3]


def test_whose_desk_does_it_is_not_part_of_the_task() -> None:
    said = meeting(("S1", "掲示は山田さんのところで用意してもらえますか。"),
                   ("S2", "はい、明日までに作っておきます。"))
    assert "山田" not in items(said)[0][3]


def test_what_the_meeting_will_not_do_reads_as_not_to_in_english() -> None:
    said = meeting(("S1", "Agreed, we won't charge members for the hall."),)
    assert items(said) == [("decision", [1], None, "Not to charge members for the hall.")]


def test_a_proposal_put_as_no_wa_dou_deshou_approved_with_ii_desu_ne_decides_it() -> None:
    said = meeting(("S1", "次は広報の件です。"),
                   ("S2", "成人式の会場に、献血のポスターを貼ってもらうのはどうでしょう。"),
                   ("S1", "いいですね。保健所には私から伝えておきます。"))
    found = items(said)
    assert found[0] == ("decision", [2, 3], None, "成人式の会場に、献血のポスターを貼ってもらう。")
    # the chair's own telling names what it is about (the proposal's thing), not only to whom
    assert found[1] == ("action", [3], "S1", "ポスターについて保健所に伝える。")
    assert 2 in worded(find(said, "S1")[1], {line.id: line.text for line in said})[1]
    # a proposal without a thing acted on is told whole
    said = meeting(("S1", "次は広報の件です。"),
                   ("S2", "成人式の会場で、献血の案内を配ってもらうのはどうでしょう。"),
                   ("S1", "いいですね。保健所には私から伝えておきます。"))
    assert items(said)[1][3] == "成人式の会場で、献血の案内を配ってもらうことを保健所に伝える。"
    # a bare 「いいですね」 after a statement decides nothing
    said = meeting(("S1", "始めます。"), ("S2", "献血の案内はもう配っています。"),
                   ("S1", "いいですね。"))
    assert [f.kind for f in find(said, "S1")] == []


def test_what_the_chair_puts_after_deciding_is_part_of_the_decision() -> None:
    said = meeting(("S1", "始めます。"),
                   ("S2", "見学会は定員を超えそうです。"),
                   ("S1", "見学会は二回に分けることにします。その分、説明の時間を三十分に縮める、"
                          "ということでいいですか。"),
                   ("S3", "それで問題ありません。"),
                   ("S1", "では、その方針で進めます。"))
    found = find(said, "S1")
    assert [(f.kind, f.lines) for f in found] == [("decision", [3, 5])]
    assert stands_alone(found[0], {line.id: line.text for line in said}) == \
        "見学会は二回に分ける。その分、説明の時間を三十分に縮める。"


def test_what_is_heard_said_is_no_task_and_a_humble_report_to_another_body_is() -> None:
    said = meeting(("S1", "ご意見を伺います。"),
                   ("S2", "夜の開催なら出られるという話もよく聞きます。"),
                   ("S1", "本日のご意見は、計画を審議する委員会に報告させていただきます。"))
    assert items(said) == [("action", [3], "S1",
                            "本日のご意見は、計画を審議する委員会に報告する。")]
    # opening the meeting or explaining now, said humbly, runs the meeting
    said = meeting(("S1", "定刻になりましたので始めさせていただきます。"),
                   ("S2", "資料に沿ってご説明させていただきます。"))
    assert items(said) == []


def test_a_deadline_set_for_another_in_the_same_line_is_not_the_speakers() -> None:
    said = meeting(("S2", "名簿の更新が遅れています。"),
                   ("S1", "総務課には私から話しておきます。"
                          "名簿は田中さん、今月末までに直してください。"))
    found = find(said, "S1")
    assert [(f.kind, f.owner, f.due) for f in found] == [("action", "S1", None)]


def test_leave_given_by_someone_outside_is_not_the_meetings_decision() -> None:
    said = meeting(("S1", "Let's start."),
                   ("S2", "The school has agreed to let us use the hall on Saturdays."),
                   ("S1", "Good. We'll hold the fair on the first Saturday in May."))
    assert [(f.kind, f.lines) for f in find(said, "S1")] == [("decision", [3])]


def test_a_committee_chairs_report_of_its_decision_is_not_the_plenarys() -> None:
    said = meeting(("S1", "日程第三、議案第十二号を議題といたします。委員長の報告を求めます。"),
                   ("S2", "建設委員会に付託されました議案第十二号について、審査の経過と結果を"
                          "ご報告申し上げます。委員会では、全会一致で原案のとおり可決すべきものと"
                          "決定いたしました。"),
                   ("S1", "お諮りします。本案は委員長の報告のとおり決することに"
                          "ご異議ありませんか。"),
                   ("S3", "異議なし。"),
                   ("S1", "ご異議なしと認めます。よって、本案は原案のとおり可決されました。"))
    assert [(f.kind, f.lines) for f in find(said, "S1")] == [("decision", [3, 4, 5])]


def test_an_answers_bare_thing_is_named_as_the_request_named_it() -> None:
    said = meeting(("S1", "山本さん、秋の防災訓練の案内文を作ってもらえますか。"),
                   ("S2", "はい、今週中に案内文を自治会に送ります。"))
    assert items(said) == [("action", [1, 2], "S2", "秋の防災訓練の案内文を自治会に送る。")]
    # the request names the doing the paper is for: 「会場の予約」 → 「会場の予約票」
    said = meeting(("S1", "会場の予約は総務係から出しておいて。"),
                   ("S2", "承知しました。明日、予約票を施設課に出します。"))
    assert items(said) == [("action", [1, 2], "S2", "会場の予約票を施設課に出す。")]
    # a paper the request's topic already names is named once
    said = meeting(("S1", "田中さんの資料は、来週までに直してもらえますか。"),
                   ("S2", "はい、資料を直します。"))
    assert items(said)[0][3] == "田中さんの資料を直す。"


def test_an_english_task_done_to_them_names_what_the_line_before_named() -> None:
    said = meeting(("S1", "Let's start."),
                   ("S3", "I can book the hall, if Sam sends me the dates."),
                   ("S2", "Will do, I'll send them tomorrow."))
    found = find(said, "S1")
    lines = {line.id: line.text for line in said}
    assert [(f.kind, f.owner, f.due) for f in found][-1] == ("action", "S2", "tomorrow")
    assert worded(found[-1], lines) == ("Send the dates", [2])
    # "it" could be any thing the line names: left as said
    said[2] = Said(3, "S2", "Happy to, I'll print it out.")
    said[1] = Said(2, "S3", "The agenda needs the new room number.")
    assert stands_alone(find(said, "S1")[-1], {line.id: line.text for line in said}) == \
        "Print it out"
