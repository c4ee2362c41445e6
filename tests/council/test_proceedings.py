"""The proceedings of a council sitting recognised from the chair's formulae
(`gijiroku.council.proceedings`): from the plenary sample's script, and from lines as a speech
recogniser writes them. No model: these run everywhere."""

from __future__ import annotations

from datetime import time

import pytest

from gijiroku.council.numerals import bills_in, to_int
from gijiroku.council.proceedings import Line, recognise
from samples.make_samples import PLENARY_JA


def script_lines(script: list[tuple[str, str]], seconds_per_line: float = 20.0) -> list[Line]:
    return [Line(n, speaker, text, (n - 1) * seconds_per_line, n * seconds_per_line - 2)
            for n, (speaker, text) in enumerate(script, start=1)]


def test_every_agenda_item_vote_and_event_of_the_plenary_script_is_found() -> None:
    found = recognise(script_lines(PLENARY_JA), time(10, 0))
    assert [(a.item, a.bill, a.title, a.segments) for a in found.agenda] == [
        ("日程第1", None, "会議録署名議員の指名", [3]),
        ("日程第2", "議案第98号", "令和八年度市一般会計補正予算第三号", [4]),
        ("日程第3", "議案第99号", "市税条例の一部を改正する条例", [20]),
        ("日程第4", "議案第100号", "市立保育所条例の一部を改正する条例", [28]),
        ("日程第4", "議案第101号", "市営住宅条例の一部を改正する条例", [28]),
        ("日程第5", "請願第3号", "学校給食費の無償化を求める請願", [37]),
    ]
    assert [(v.bill, v.method, v.result, v.committee, v.segments) for v in found.votes] == [
        ("議案第98号", "起立", "可決", None, [18, 19]),
        # the committee's report (line 21) is not this meeting's vote
        ("議案第99号", "異議なし", "可決", None, [23, 24, 25]),
        ("議案第100号", "異議なし", "付託", "厚生常任委員会", [34, 35, 36]),
        ("議案第101号", "異議なし", "付託", "厚生常任委員会", [34, 35, 36]),
        ("請願第3号", "起立", "不採択", None, [39, 40]),
    ]
    # a recess at the end of the chair's words, anything else when the line begins
    assert [(e.kind, e.at, e.segments) for e in found.events] == [
        ("開議", "10:00", [1]),
        ("署名議員指名", "10:00", [3]),
        ("休憩", "10:08", [26]),
        ("再開", "10:08", [27]),
        ("散会", "10:13", [42]),
    ]


def test_without_a_start_time_events_have_no_clock_time() -> None:
    assert {e.at for e in recognise(script_lines(PLENARY_JA)).events} == {None}


def test_numbers_as_the_recogniser_writes_them() -> None:
    assert [to_int(t) for t in ("九十八", "百一", "一〇〇", "９８", "二千四百", "二万四千")] == \
        [98, 101, 100, 98, 2400, 24000]
    assert bills_in("議案 第 98 号及び議案第百一号、請願第三号") == \
        ["議案第98号", "議案第101号", "請願第3号"]


def test_a_committee_meeting_in_the_recogniser_s_words() -> None:
    """No 日程, digits where the script had kanji, 「御異議」, a show of hands, and a
    member's remark that names a bill: only the chair's formulae count."""
    lines = [
        Line(1, "S1", "ただいまから建設常任委員会を開会いたします。", 0, 4),
        Line(2, "S1", "議案第42号、市道路線の認定についてを議題とします。", 5, 9),
        Line(3, "S2", "議案第42号は原案のとおり可決すべきだと考えます。", 10, 14),
        Line(4, "S1", "採決いたします。賛成の委員の挙手を求めます。", 15, 19),
        Line(5, "S1", "挙手全員です。よって、議案第42号は原案のとおり可決すべきものと決しました。",
             20, 26),
        Line(6, "S1", "陳情第七号を議題とします。継続審査とすることに御異議ありませんか。", 27, 33),
        Line(7, "S3", "異議なし。", 34, 35),
        Line(8, "S1", "御異議なしと認めます。よって、陳情第７号は継続審査とすることに決しました。",
             36, 41),
        Line(9, "S1", "以上で本日の委員会を閉会いたします。", 42, 45),
    ]
    found = recognise(lines, time(13, 30))
    assert [(a.item, a.bill, a.title) for a in found.agenda] == [
        (None, "議案第42号", "市道路線の認定"), (None, "陳情第7号", "")]
    assert [(v.bill, v.method, v.result, v.segments) for v in found.votes] == [
        ("議案第42号", "挙手", "可決", [4, 5]),
        ("陳情第7号", "異議なし", "継続審査", [6, 7, 8]),
    ]
    assert [(e.kind, e.at) for e in found.events] == [("開会", "13:30"), ("閉会", "13:30")]


@pytest.mark.parametrize("text", [
    "委員会では慎重に審査した結果、原案のとおり可決すべきものと決定いたしました。",
    "質疑を行います。質疑はありませんか。",
    "次の本会議は、十二月十五日午前十時から開きます。",
    "閉会中の継続審査とすることについて伺います。",
])
def test_what_is_not_a_vote_an_agenda_item_or_an_event(text: str) -> None:
    found = recognise([Line(1, "S1", "これより本日の会議を開きます。", 0, 3),
                       Line(2, "S1", text, 4, 8)])
    assert (found.agenda, found.votes, [e.kind for e in found.events]) == ([], [], ["開議"])


def test_the_formulae_as_a_recogniser_misspells_them() -> None:
    """Heard, not written: 「日程」 as 「日帝」, 第 as 大, 号 as 合, 「陳情」 as 「沈情」,
    「起立」 as 「切りつ」, 「可決」 in kana, 「認めます」 as 「見止めます」, 「散会」 as
    「3回」, and the chair's sentence cut over two lines after 「よって、」."""
    lines = [
        Line(1, "S1", "これより本日の会議を開きます。", 0, 3),
        Line(2, "S1", "日帝第2、議案大十五合、手数料条例の改正についてを議題といたします。", 4, 9),
        Line(3, "S2", "手数料を見直すものであります。", 10, 13),
        Line(4, "S1", "本案に賛成の議員の切りつを求めます。", 14, 17),
        Line(5, "S1", "切りつたすであります。よって、議案第十五号は、", 18, 21),
        Line(6, "S1", "原案のとおりかけつされました。", 22, 24),
        Line(7, "S1", "次に、沈情大三合を議題といたします。", 25, 28),
        Line(8, "S1", "ご異議ありませんか。", 29, 30),
        Line(9, "S3", "異議なし。", 31, 32),
        Line(10, "S1", "異議なしと見止めます。よって、陳情第三号は継続審査とすることに決しました。",
             33, 38),
        Line(11, "S1", "本日はこれにて3回いたします。", 39, 41),
    ]
    found = recognise(lines)
    assert [(a.item, a.bill, a.title) for a in found.agenda] == [
        ("日程第2", "議案第15号", "手数料条例の改正"), (None, "陳情第3号", "")]
    assert [(v.bill, v.method, v.result, v.segments) for v in found.votes] == [
        ("議案第15号", "起立", "可決", [4, 5, 6]),
        ("陳情第3号", "異議なし", "継続審査", [8, 9, 10]),
    ]
    assert [e.kind for e in found.events] == ["開議", "散会"]


def test_a_bill_s_go_heard_as_five_and_its_name_unreadable_where_it_was_put() -> None:
    """The plenary sample as Whisper base wrote it on one machine: the first bill's number
    unreadable where the item was put (「議案第博務」), and 号 heard as 五 in the referral
    (「議案大百五及び議案大百一五」): the referral names both bills, and the item gets the
    first back. A number said without 号 that is no 号 heard (「議案第5は」) names nothing."""
    lines = [
        Line(1, "S1", "日程第4議案第博務知立保育所条例の一部を改正する条例について、及び議案第"
                      "101号支援住宅条例の一部を改正する条例についてのに、県を一括議題といたします。",
             0, 9),
        Line(2, "S1", "ただいま議題となって、おります議案大百五及び議案大百一五は、厚生常任委員会に"
                      "二くいたしたいと思います。", 10, 15),
        Line(3, "S1", "これにご異議ありませんか？", 16, 17),
        Line(4, "S3", "異議なし", 18, 19),
        Line(5, "S1", "御異議なしと認めます。", 20, 21),
        Line(6, "S1", "よって議案大百五及び議案大百一五は、厚生常任委員会に"
                      "二くすることに決しました。", 22, 26),
        Line(7, "S1", "議案第5は以上です。", 27, 28),
    ]
    found = recognise(lines)
    assert sorted((a.item, a.bill) for a in found.agenda) == [
        ("日程第4", "議案第100号"), ("日程第4", "議案第101号")]
    assert sorted(v.bill or "" for v in found.votes) == ["議案第100号", "議案第101号"]


def test_a_bill_whose_hyaku_was_written_as_100_before_the_rest_is_the_bill_named_after(
) -> None:
    """The plenary as Whisper base wrote it twice on another AMD EPYC (2026-12-07): 議案第
    百一号 put as 「議案第1001号」 (百 as 100, then 1), then explained as 「議案題101号」 and
    named where the chair refers it as 「議案大白一号」 (百, ヒャク, heard as 白, ハク) in one
    run, 「議案代101号」 in the other. A bill no other line names as 101 keeps its number."""
    said = [
        (61, "S1", "日帝第4議案第100号知立保育所条例の一部を改正する条例について、及び議案第"
                   "1001号支援住宅条例の一部を改正する条例についてのに、県を一括議題といたします。"),
        (64, "S2", "議案題105は、保育所の提案を改めるもの。"),
        (65, "S2", "議案題101号は、支援住宅のやちんの、原面の要件を改めるものであります。"),
        (74, "S1", "おはかりします。"),
        (75, "S1", "ただいま議題となっております。"),
        (76, "S1", "議案大百五。"),
        (77, "S1", "及び議案大白一号は、高生上任委員会に二くいたしたいと思います。"),
        (78, "S1", "これにご異議ありませんか？"),
        (79, "S3", "異議なし"),
        (80, "S1", "ご異議なしと認めます。"),
        (81, "S1", "よって議案大白号及び議案大白一号は、高生上任委員会に二くすることに、"
                   "決しました。"),
    ]
    lines = [Line(n, speaker, text, i * 5.0, i * 5.0 + 4)
             for i, (n, speaker, text) in enumerate(said)]
    found = recognise(lines)
    assert [(a.item, a.bill, a.segments) for a in found.agenda] == [
        ("日程第4", "議案第100号", [61]), ("日程第4", "議案第101号", [61])]
    assert found.agenda[1].title.startswith("支援住宅条例の一部を改正する条例")
    # referred (付託) though 付託 was heard as 「二く」 and a comma cut 「ことに、決しました」
    # (「上任委員会」 once read as 同意, ドウイ flattened to トイ)
    assert sorted((v.bill or "", v.result) for v in found.votes) == [
        ("議案第100号", "付託"), ("議案第101号", "付託")]
    # the other run: referred as 「議案代101号」
    lines[6] = Line(77, "S1", "および議案代101号は、行政上任委員会に二くいたしたいと思います。",
                    30, 34)
    lines[10] = Line(81, "S1", "よって議案代105及び議案代101号は、行政上任委員会に二くすることに、"
                               "決しました。", 50, 54)
    found = recognise(lines)
    assert [(a.item, a.bill) for a in found.agenda] == [
        ("日程第4", "議案第100号"), ("日程第4", "議案第101号")]
    assert sorted((v.bill or "", v.result) for v in found.votes) == [
        ("議案第100号", "付託"), ("議案第101号", "付託")]
    # no other line names 101: the number stands as written
    kept = [line for line in lines if "101" not in line.text and "白一" not in line.text]
    assert [a.bill for a in recognise(kept).agenda] == ["議案第100号", "議案第1001号"]


def test_a_bill_s_dai_in_katakana_and_hyaku_heard_as_haku() -> None:
    """The same plenary as Whisper base wrote it on an AMD EPYC: 第 in katakana and 号 as 合
    (「ギアンダイ百合およびギアンダイ百一合」), 百 heard as 博 and 号 as 語 (「議案題博語および
    議案題博1号」), the first bill unreadable where the item was put (「議案題博務」), and
    請願第三号 as 「性感大産後」."""
    lines = [
        Line(1, "S1", "にって第4議案題博務指立保育所条例の一部を改正する条例について、及び議案題博"
                      "1号支援住宅条例の一部を改正する条例についてのに、県を一括議題といたします。",
             0, 9),
        Line(2, "S1", "ギアンダイ百合およびギアンダイ百一合は、厚生上人委員会にふたくいたしたい。",
             10, 15),
        Line(3, "S1", "これにご異議ありませんか？", 16, 17),
        Line(4, "S3", "異議なし", 18, 19),
        Line(5, "S1", "御異議なしと認めます。", 20, 21),
        Line(6, "S1", "よって議案題博語および議案題博1号は、厚生常任委員会にふたくすることに、"
                      "決しました。", 22, 26),
        Line(7, "S1", "ダイ5は以上です。", 27, 28),
        Line(8, "S1", "日程第5、性感大産後学校給食費の無証化を求める性感を議題といたします。",
             29, 33),  # 三 heard as 産, 号 as 後
    ]
    found = recognise(lines)
    assert sorted((a.item, a.bill) for a in found.agenda) == [
        ("日程第4", "議案第100号"), ("日程第4", "議案第101号"), ("日程第5", "請願第3号")]
    assert sorted(v.bill or "" for v in found.votes) == ["議案第100号", "議案第101号"]
    # another run: the result names the first bill unreadably (「議案大博務」): the bills
    # the chair named before it stand
    lines[5] = Line(6, "S1", "よって議案大博務及び議案大博1号は、高性上任委員会に2区することに、"
                             "決しました。", 22, 26)
    found = recognise(lines)
    assert sorted(v.bill or "" for v in found.votes) == ["議案第100号", "議案第101号"]
    assert ("日程第4", "議案第100号") in [(a.item, a.bill) for a in found.agenda]


def test_a_committee_s_plain_words() -> None:
    """A subject said plainly, a result in the sentence that finds the vote carried, 「原案の
    とおり決定」, and what only sounds like a formula."""
    lines = [
        Line(1, "S1", "ただいまから総務常任委員会を開会いたします。", 0, 3),
        Line(2, "S1", "本日の議題は、窓口の電子申請についてです。", 4, 7),
        Line(3, "S2", "資料の三ページをご覧ください。よろしくお願いします。", 8, 12),
        Line(4, "S1", "本件は原案のとおり決定することにご異議ありませんか。", 13, 16),
        Line(5, "S2", "異議なし。", 17, 18),
        Line(6, "S1", "異議なしと認めます。よって、本件は原案のとおり決定いたしました。", 19, 23),
        Line(7, "S1", "次に、公共交通の見直しについて審査を行います。", 24, 27),
        Line(8, "S1", "ご異議なしと認め、継続審査と決定いたしました。", 28, 31),
    ]
    found = recognise(lines)
    assert [(a.bill, a.title) for a in found.agenda] == [
        (None, "窓口の電子申請"), (None, "公共交通の見直し")]
    assert [(v.method, v.result, v.segments) for v in found.votes] == [
        ("異議なし", "可決", [4, 5, 6]), ("異議なし", "継続審査", [8])]
    # 「お願いします」 is one kana off 「閉会します」: not an event
    assert [e.kind for e in found.events] == ["開会"]


def test_a_result_after_the_vote_is_found_carried_and_a_misheard_yotte() -> None:
    lines = [
        Line(1, "S1", "日定第一一般質問を行います。", 0, 3),  # 第一, then 一般質問
        Line(2, "S1", "議案第7号を議題とします。本案に賛成の方の挙手を求めます。", 4, 8),
        Line(3, "S1", "賛成全員であります。", 9, 10),
        Line(4, "S1", "予定、本案は原案のとおりかけつすべきものと決しました。", 11, 14),
        Line(5, "S1", "継続審査とすることにご異議ありませんか。ご異議なしと認め。", 15, 19),
        Line(6, "S1", "継続審査と決定いたしました。", 20, 22),
    ]
    found = recognise(lines)
    assert [(a.item, a.bill, a.title) for a in found.agenda] == [
        ("日程第1", None, "一般質問"), (None, "議案第7号", "")]
    assert [(v.bill, v.method, v.result, v.segments) for v in found.votes] == [
        ("議案第7号", "挙手", "可決", [2, 3, 4]),
        ("議案第7号", "異議なし", "継続審査", [5, 6]),
    ]


def test_a_council_s_decisions_are_its_votes() -> None:
    from gijiroku.council.proceedings import decisions_of

    decisions = decisions_of(recognise(script_lines(PLENARY_JA)))
    assert [(d.text, d.segments) for d in decisions] == [
        ("議案第98号（令和八年度市一般会計補正予算第三号）は可決された。（起立採決）", [18, 19]),
        ("議案第99号（市税条例の一部を改正する条例）は可決された。（異議なし）", [23, 24, 25]),
        ("議案第100号（市立保育所条例の一部を改正する条例）は厚生常任委員会に付託された。"
         "（異議なし）", [34, 35, 36]),
        ("議案第101号（市営住宅条例の一部を改正する条例）は厚生常任委員会に付託された。"
         "（異議なし）", [34, 35, 36]),
        ("請願第3号（学校給食費の無償化を求める請願）は不採択とされた。（起立採決）", [39, 40]),
    ]


def test_a_withdrawal_of_remarks_permitted_is_one_event_with_its_lines() -> None:
    lines = [
        Line(1, "S1", "これより本日の会議を開きます。", 0, 3),
        Line(2, "S1", "先ほどの八番議員の発言について、取り消したいとの申し出がありました。"
                      "これを許可することにご異議ありませんか。", 4, 10),
        Line(3, "S2", "異議なし。", 11, 12),
        Line(4, "S1", "ご異議なしと認めます。よって、発言の取り消しを許可することに決しました。",
             13, 18),
    ]
    found = recognise(lines, time(13, 0))
    assert [(e.kind, e.at, e.segments) for e in found.events] == [
        ("開議", "13:00", [1]), ("発言取消し", "13:00", [2, 4])]
    assert found.votes == []  # a permission, not a vote on a bill


def test_a_vote_s_lines_follow_the_transcript_s_order_not_its_numbers() -> None:
    """A line split while proofreading takes the next free number (here 40, the call to
    stand split off line 4): the vote still cites the lines from the motion to the result
    as they stand."""
    lines = [
        Line(4, "S1", "これで討論を終わります。", 0, 3),
        Line(40, "S1", "本案に賛成の議員の起立を求めます。", 3, 5),
        Line(5, "S1", "起立多数であります。", 6, 7),
        Line(6, "S1", "よって、議案第二号は原案のとおり可決されました。", 8, 11),
        Line(7, "S1", "次に、報告第一号を議題といたします。", 12, 14),
    ]
    assert [(v.bill, v.method, v.segments) for v in recognise(lines).votes] == [
        ("議案第2号", "起立", [40, 5, 6])]


def test_a_day_closed_after_the_next_sitting_was_announced_is_adjourned_not_closed() -> None:
    """散会 heard as 閉会 (the hotword 「閉会いたします」 pulls it there): once the chair has
    announced the next plenary sitting the session goes on, so the day ends in 散会; a closing
    that names the session, or a committee's, stays 閉会."""
    def closing(*texts: str) -> list[str]:
        lines = [Line(1, "S1", "これより本日の会議を開きます。", 0, 3)] + [
            Line(n, "S1", text, 4 * n, 4 * n + 3) for n, text in enumerate(texts, start=2)]
        return [e.kind for e in recognise(lines).events]

    assert closing("次の本会議は、十二月十五日午前十時から開きます。",
                   "本日はこれにて閉会いたします。") == ["開議", "散会"]
    assert closing("次の本会議は十二月十五日午前十時から開きます。本日はこれにて閉会いたします。"
                   ) == ["開議", "散会"]
    assert closing("次の本会議は12月15日から開きます。", "本日の会議を閉じます。") == [
        "開議", "散会"]
    # as heard: 「次の本会議」 one kana off
    assert closing("次のほんかいきは十二月十五日から開きます。", "本日はこれにて閉会いたします。"
                   ) == ["開議", "散会"]
    # the session's last day, and no sitting announced
    assert closing("次の本会議は十二月十五日から開きます。",
                   "これをもって令和八年第四回定例会を閉会いたします。") == ["開議", "閉会"]
    assert closing("本日はこれにて閉会いたします。") == ["開議", "閉会"]


def test_an_item_s_number_follows_the_one_before_however_nittei_was_heard() -> None:
    """「滅手第5」 after 日程第4 is 日程第5 (a plenary on an AMD EPYC); a bill put as the next
    number (「議案第3号」 after 日程第2) is a bill, and a number out of order is no item."""
    def items(*texts: str) -> list[tuple[str | None, str | None]]:
        lines = [Line(n, "S1", text, 4 * n, 4 * n + 3) for n, text in enumerate(texts, start=1)]
        return [(a.item, a.bill) for a in recognise(lines).agenda]

    fourth = "日程第4、議案第100号、市立保育所条例の一部改正を議題といたします。"
    assert items(fourth, "滅手第5、請願第3号、学校給食費の無償化を求める請願を議題といたします。"
                 ) == [("日程第4", "議案第100号"), ("日程第5", "請願第3号")]
    assert items(fourth, "滅手第7、請願第3号、学校給食費の無償化を求める請願を議題といたします。"
                 ) == [("日程第4", "議案第100号"), (None, "請願第3号")]
    assert items("日程第2、議案第2号、補正予算を議題といたします。",
                 "議案第3号、市税条例の一部改正を議題といたします。") == [
        ("日程第2", "議案第2号"), (None, "議案第3号")]
    assert items("日程第2、議案第2号、補正予算を議題といたします。",
                 "ギアン大3合、市税条例の一部改正を議題といたします。") == [
        ("日程第2", "議案第2号"), (None, "議案第3号")]


def test_a_result_whose_last_sound_was_not_heard_is_read_only_when_one_word_fits() -> None:
    """「原案のとおりかけ、されました」 (Whisper base, AMD EPYC, 2026-12-07): 可決's final ツ,
    unvoiced before された, was lost. Which word lost it must be plain: 「ふさいたされました」
    could be 不採択 or 採択, and is no result; nor is 「必要な措置をいたします」 (ヒツ)."""
    def votes(result: str) -> list[tuple[str | None, str]]:
        lines = [Line(1, "S1", "これより議案第98号を起立により採決いたします。", 0, 4),
                 Line(2, "S1", "起立多数であります。", 5, 7),
                 Line(3, "S1", result, 8, 12)]
        return [(v.bill, v.result) for v in recognise(lines).votes]

    assert votes("よって議案第98号は、原案の通りかけ、されました。") == [("議案第98号", "可決")]
    assert votes("よって議案第98号は、ひけされました。") == [("議案第98号", "否決")]
    assert votes("よって議案第98号は、ふさいたされました。") == []
    assert votes("よって、必要な措置をいたします。") == []
