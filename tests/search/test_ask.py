"""Questions answered from past minutes. With the embedded model (llama.cpp, the default): a
question whose answer is one line of one meeting among many is answered citing that line;
a question nothing answers is "not found". With a scripted OpenAI-compatible server (the
faults a model makes): a sentence citing the wrong line is moved to the line that carries
it, a sentence no line carries is dropped and so is one about something else than asked,
broken JSON twice is a clear error; another group's lines are never given to the model."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from gijiroku import accounts, ask
from gijiroku.config import Settings
from gijiroku.errors import LLMOutputError
from gijiroku.principal import INSTALLATION
from summarize.embedded import default_model_path
from tests.llm_server import Reply, ScriptedLLM
from tests.search.test_search import store, store_all

#: Meetings that say nothing of the library: the answer is one line among many.
FILLER = [
    ("建設委員会", "2025-0{m}-1{d}", "iinkai", "議会事務局", [
        ("委員長", "ただいまから建設委員会を開会します。"),
        ("道路課長", f"市道{d}号線の補修工事は{m}月に終わる予定です。"),
        ("委員", "歩道の段差について伺います。"),
        ("道路課長", "段差は順次解消してまいります。"),
    ]) for m in range(1, 6) for d in range(3)
]


@pytest.fixture
def archive(engine: Engine) -> dict[str, str]:
    for title, day, kind, group, lines in FILLER:
        store(engine, title, day, kind, group, lines)
    return store_all(engine)


@pytest.fixture
def scripted(settings: Settings, llm: ScriptedLLM) -> Settings:
    return settings.model_copy(update={
        "llm_backend": "openai", "llm_base_url": llm.base_url, "llm_model": "test-model",
        "llm_timeout": 2.0, "llm_max_retries": 0})


def numbered(request: dict[str, object], text: str) -> int:
    """The number the prompt gives the line holding `text`."""
    prompt = request["messages"][1]["content"]  # type: ignore[index]
    for line in prompt.splitlines():
        if text in line:
            return int(line[1:line.index("]")])
    raise AssertionError(f"{text!r} was not given to the model")


def test_a_citation_is_moved_to_the_line_that_carries_the_sentence_and_an_uncited_one_dropped(
        engine: Engine, archive: dict[str, str], scripted: Settings, llm: ScriptedLLM) -> None:
    def answer(request: dict[str, object]) -> str:
        extended = numbered(request, "午後八時まで延長")
        asked = numbered(request, "開館時間について伺います")
        parking = numbered(request, "駐車場が足りません")
        return json.dumps({"found": True, "sentences": [
            # cites the question, not the answer: moved
            {"text": "図書館の開館時間は午後八時まで延長します。", "lines": [asked]},
            # carried by no line: dropped
            {"text": "入館料は無料になります。", "lines": [extended]},
            # carried by its line, but about something else than asked: dropped
            {"text": "図書館の駐車場が足りません。", "lines": [parking]}]}, ensure_ascii=False)

    llm.push(Reply(respond=answer))
    answered = ask.ask(engine, scripted, "図書館の開館時間はどうなりますか", reader=INSTALLATION)
    assert answered.found and answered.moved == 1 and answered.dropped == 2
    assert answered.answer == "図書館の開館時間は午後八時まで延長します。"
    assert [(c.meeting_id, c.segment_id) for c in answered.citations] == [
        (archive["総務委員会"], 3)]
    # the model was given the lines that hold the question's words, none of the filler
    given = llm.requests[-1]["messages"][1]["content"]
    assert "図書館" in given and "市道" not in given

    llm.push(Reply(respond=lambda _r: json.dumps(
        {"found": True, "sentences": [{"text": "入館料は無料になります。", "lines": [1]}]},
        ensure_ascii=False)))
    nothing = ask.ask(engine, scripted, "図書館の開館時間は", reader=INSTALLATION)
    assert not nothing.found and nothing.citations == [] and nothing.dropped == 1
    assert nothing.answer == ask.NOT_FOUND["ja"]

    llm.push(Reply(content="{not json"), Reply(content="still not json"))
    with pytest.raises(LLMOutputError):
        ask.ask(engine, scripted, "図書館の開館時間はどうなりますか", reader=INSTALLATION)


def test_a_question_in_a_line_grounds_no_answer() -> None:
    """A member's question holds the words of an answer, and is none: 「…延長しないのですか」
    copied as an answer is dropped; the statement beside a question in one line still
    grounds what it says, and a citation moves to a line's statement, never to a question."""
    from summarize.answer import AnswerOut, Sentence

    lines = ["図書館の開館時間は延長しないのですか。",
             "開館時間は午後八時まで延長します。ほかに質問はありますか。",
             "Will parking fees at city hall go up?",
             "Parking fees will stay the same this year."]
    assert [ask.asks(line) for line in lines] == [True, True, True, False]
    kept, dropped = ask.check(AnswerOut(found=True, sentences=[
        Sentence(text="図書館の開館時間は延長しないのです。", lines=[1]),
        Sentence(text="開館時間は午後八時まで延長します。", lines=[1]),
        Sentence(text="Parking fees at city hall will go up.", lines=[3]),
        Sentence(text="Parking fees will stay the same this year.", lines=[3]),
    ]), lines)
    assert kept == [("開館時間は午後八時まで延長します。", [1], True),
                    ("Parking fees will stay the same this year.", [3], True)]
    assert dropped == 2


def test_what_a_question_asks_about_is_looked_up_and_what_no_line_names_is_not_found(
        engine: Engine, archive: dict[str, str], scripted: Settings, llm: ScriptedLLM) -> None:
    """Question words (何人, いくら, how many) are not what a question is about; a compound no
    line holds is looked up by its shorter words (保育園: the 保育所 line); a thing no line
    names at all (駐輪場) is "not found" without asking the model, whatever it would say."""
    assert ask.key_terms("待機児童は何人でしたか") == ["待機児童"]
    assert ask.key_terms("How many electric buses are running?") == ["electric", "bus*", "run*"]
    assert ask.parts("保育園") == ["保育"]
    store(engine, "厚生委員会", "2026-09-08", "iinkai", "議会事務局", [
        ("課長", "北町に定員九十人の保育所を開設いたします。")])
    _, hits, counts = ask.retrieve(engine, "新しい保育園の定員は何人ですか", reader=INSTALLATION)
    assert [h.text for h in hits] == ["北町に定員九十人の保育所を開設いたします。"]
    assert counts["保育園"] == 0 and counts["保育"] == 1
    # a question found brings the line after it, its answer in other words
    store(engine, "全員協議会", "2026-12-01", "other", "議会事務局", [
        ("小川議員", "給食センターの建設地は決まったのですか。"),
        ("教育部長", "建設地は、南工業団地の市有地とすることで調整しております。")])
    _, hits, _ = ask.retrieve(engine, "給食センターはどこに建てられますか", reader=INSTALLATION)
    texts = [h.text for h in hits]
    asked = texts.index("給食センターの建設地は決まったのですか。")
    assert texts[asked + 1] == "建設地は、南工業団地の市有地とすることで調整しております。"

    llm.push(Reply(respond=lambda _r: json.dumps({"found": True, "sentences": [
        {"text": "図書館の開館時間は午後八時まで延長します。", "lines": [1]}]},
        ensure_ascii=False)))
    before = len(llm.requests)
    answered = ask.ask(engine, scripted, "図書館の駐輪場は何台分ですか", reader=INSTALLATION)
    assert not answered.found and answered.answer == ask.NOT_FOUND["ja"]
    assert len(llm.requests) == before  # the model was not asked


def test_a_sentence_naming_what_its_line_does_not_is_dropped() -> None:
    """Asked what the 給食センター costs, the model wrote 「建設費は、…稼働させる計画」 from the
    line on when it opens: carried by most of its characters, and not by its subject."""
    from summarize.answer import AnswerOut, Sentence

    lines = ["新しい学校給食センターは、令和十一年の二学期から稼働させる計画でございます。"]
    kept, dropped = ask.check(AnswerOut(found=True, sentences=[
        Sentence(text="建設費は、令和十一年の二学期から稼働させる計画でございます。", lines=[1]),
        Sentence(text="給食センターは令和十一年の二学期から稼働させる計画です。", lines=[1])]),
        lines)
    assert [said for said, _, _ in kept] == [
        "給食センターは令和十一年の二学期から稼働させる計画です。"]
    assert dropped == 1


def test_a_sentence_is_on_the_question_s_subject_by_the_statement_it_was_taken_from() -> None:
    """An answer of several subjects in one line (as a mayor's is): asked about 区画整理の予算,
    「図書館の予算を計上しております」 is carried by the line's first statement, which says
    nothing of 区画整理, and is dropped; the statement on 区画整理 is kept."""
    from summarize.answer import AnswerOut, Sentence

    lines = ["図書館の情報公開の予算を計上しております。区画整理の予算を拡充すべきと考えます。"]
    kept, dropped = ask.check(AnswerOut(found=True, sentences=[
        Sentence(text="図書館の予算を計上しております。", lines=[1]),
        Sentence(text="区画整理の予算を拡充すべきと考えます。", lines=[1])]),
        lines, ask.key_terms("区画整理の予算はどうなりますか"), {"区画": 3, "整理": 3, "予算": 90})
    assert [said for said, _, _ in kept] == ["区画整理の予算を拡充すべきと考えます。"]
    assert dropped == 1


def test_an_english_answer_in_other_words_is_carried_by_its_word_stems() -> None:
    from summarize.answer import AnswerOut, Sentence

    lines = ["How many electric buses does the transit authority run now?",
             "We have fourteen electric buses in service today, and six more arrive in spring."]
    kept, dropped = ask.check(AnswerOut(found=True, sentences=[
        Sentence(text="There are fourteen electric buses running now.", lines=[2])]),
        lines, ask.key_terms("How many electric buses are running?"), {"electric": 2})
    assert kept == [("There are fourteen electric buses running now.", [1], False)]
    assert dropped == 0


def test_another_groups_lines_never_reach_the_model(
        engine: Engine, archive: dict[str, str], scripted: Settings, llm: ScriptedLLM) -> None:
    accounts.create_user(engine, "somu", "editor", groups=["総務課"])
    somu = accounts.by_name(engine, "somu")
    assert somu is not None
    answered = ask.ask(engine, scripted, "図書館の開館時間はどうなりますか", reader=somu)
    assert not answered.found and llm.requests == []  # nothing of theirs: not even asked
    llm.push(Reply(respond=lambda r: json.dumps({"found": True, "sentences": [
        {"text": "The library budget was approved.", "lines": [1]}]})))
    answered = ask.ask(engine, scripted, "Was the library budget approved?", reader=somu)
    assert answered.found and {c.meeting_id for c in answered.citations} == {
        archive["Procurement meeting"]}
    assert "図書館" not in llm.requests[-1]["messages"][1]["content"]


@pytest.mark.llm
@pytest.mark.slow
def test_the_embedded_model_answers_from_the_one_line_and_says_when_nothing_answers(
        engine: Engine, archive: dict[str, str], settings: Settings, cli) -> None:  # type: ignore[no-untyped-def]
    assert default_model_path().is_file(), "setup ('gijiroku models fetch-starter') fetches it"
    ran = cli("ask", "図書館の開館時間は何時までになりますか", "--json",
              data_dir=settings.data_dir, GIJIROKU_LLM_BACKEND="embedded")
    assert ran.returncode == 0, ran.stderr
    answered = json.loads(ran.stdout)
    assert answered["found"] is True, answered
    assert {"meeting_id": archive["総務委員会"], "segment_id": 3} in [
        {"meeting_id": c["meeting_id"], "segment_id": c["segment_id"]}
        for c in answered["citations"]], answered
    assert "八時" in answered["answer"], answered
    ran = cli("ask", "消防署の移転先はどこですか", "--json", data_dir=settings.data_dir,
              GIJIROKU_LLM_BACKEND="embedded")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {
        "answer": ask.NOT_FOUND["ja"], "found": False, "citations": [], "sentences": [],
        "dropped": 0, "moved": 0, "retrieved": 0}
