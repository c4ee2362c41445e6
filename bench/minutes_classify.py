"""An experiment for issue 30: minutes by classifying lines instead of composing items.

    .venv/bin/python bench/minutes_classify.py        # the embedded model, the reference folder
    .venv/bin/python bench/minutes_classify.py --per-line

One call per meeting asks the model only which lines record a decision and which a task
someone takes on (a small model classifies far better than it composes); the items are then
the lines themselves, trimmed of the chair's connectives and the motion's question, with the
line's speaker as owner and a date only when one is said in the line. Scored exactly as
bench/minutes_eval.py scores the composing method (its `evaluate`), through the same checks.

With --per-line the model is asked about each line on its own (decision, action or none,
the transcript before the question so llama.cpp reuses it), and the labels are printed under
the reference's: how well the model tells the lines apart at all.

With --yes-no FOLDER... each line is asked about as a yes/no question (a minute-taker's
instruction with examples in the system message) and the model's probability of "yes" read
from the first token's log-probabilities, not its argmax: the area under the ROC curve
between the lines where a reference item is stated (an item's last line) and the lines of no
item, recall and false flags at thresholds, and how many lines the stepwise rules
(`summarize.cues.find`) did not cite it would add, of a reference item and of none.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from bench.minutes_eval import Score, evaluate, meeting_from_file, print_totals  # noqa: E402
from gijiroku.config import Settings  # noqa: E402
from gijiroku.stages.minutes import backend, build_request  # noqa: E402
from summarize import load_template  # noqa: E402
from summarize.checks import checked_minutes  # noqa: E402
from summarize.embedded import default_model_path  # noqa: E402
from summarize.schema import MinutesOut  # noqa: E402
from summarize.writer import format_line  # noqa: E402

PROMPT = {
    "ja": ("次の会議の文字起こしの各行は [番号] 発言者: 発言 の形です。\n"
           "1. 会議として決まったこと・合意されたことを述べている行（議長の「〜とします」"
           "「〜ことにします」「決定します」など）の番号を decision_lines に。質問、あいさつ、"
           "議題の紹介、提案や意見だけの行は含めない。\n"
           "2. だれかが作業を引き受けた行（「〜します」「〜を作成します」「承知しました」など、"
           "これから行う仕事を述べた行）の番号を task_lines に。\n"
           "JSON {\"decision_lines\": [...], \"task_lines\": [...]} だけで答えること。"),
    "en": ("Each line of this meeting transcript is [number] speaker: text.\n"
           "1. decision_lines: the numbers of lines where the meeting decides or agrees "
           "something (the chair's \"we decide\", \"then we award\", \"agreed\"). Never a "
           "question, a greeting, an agenda announcement, or a proposal or opinion alone.\n"
           "2. task_lines: the numbers of lines where someone takes on a task to do "
           "(\"I will send...\", \"I'll arrange...\").\n"
           "Answer with JSON {\"decision_lines\": [...], \"task_lines\": [...]} only."),
}
SCHEMA = {"type": "object", "properties": {
    "decision_lines": {"type": "array", "items": {"type": "integer"}, "maxItems": 12},
    "task_lines": {"type": "array", "items": {"type": "integer"}, "maxItems": 12}},
    "required": ["decision_lines", "task_lines"]}
LEAD = re.compile(r"^(?:それでは|それなら|では|じゃあ|次に|Then|So|OK|Okay|And)[、,]?\s*",
                  re.IGNORECASE)
MOTION = re.compile(r"(?:。|、)?\s*(?:よろしいでしょうか|ご?異議ありませんか)[。？?]?$")
NUMERAL = "[0-9０-９〇一二三四五六七八九十]{1,3}"
DUE = re.compile(f"((?:{NUMERAL}月)?(?:{NUMERAL}日|末|中旬|上旬|下旬)(?:まで)?|今月末|来月|来週|"
                 r"(?:by|before) (?:friday|monday|tuesday|wednesday|thursday|"
                 r"the end of \w+|\w+ \d+))", re.IGNORECASE)


def trimmed(text: str) -> str:
    return MOTION.sub("。", LEAD.sub("", text.strip())).strip()


LINE_QUESTION = {
    "ja": ("行[{n}]（{speaker}）「{text}」\nこの行の発言はどれに当たりますか。\n"
           "decision: 会議としての決定・合意を述べている\n"
           "action: 発言者がこれから行う作業を引き受けている\n"
           "none: それ以外（説明、報告、質問、意見、提案、依頼だけ、あいさつ、議題の紹介）"),
    "en": ("Line [{n}] ({speaker}): \"{text}\"\nWhich is this line?\n"
           "decision: states what the meeting decided or agreed\n"
           "action: the speaker takes on a task to do\n"
           "none: anything else (explanation, question, opinion, proposal, greeting, agenda)"),
}
LINE_SCHEMA = {"type": "object", "properties": {"kind": {"enum": ["decision", "action",
                                                                  "none"]}},
               "required": ["kind"]}


def per_line(client: openai.OpenAI, model: str, folder: Path) -> int:
    """Each line labelled on its own; D, A or . per line, the model's over the reference's."""
    said = told = 0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        language = data["language"]
        transcript = "\n".join(f"[{s['id']}] {s['speaker']}: {s['text']}"
                               for s in data["segments"])
        decided = {n for d in data["reference"]["decisions"] for n in d["segments"]}
        taken = {n for a in data["reference"]["action_items"] for n in a["segments"]}
        labels = ""
        for segment in data["segments"]:
            question = LINE_QUESTION[language].format(n=segment["id"],
                                                      speaker=segment["speaker"],
                                                      text=segment["text"])
            answer = client.chat.completions.create(
                model=model, temperature=0.0, max_tokens=20,
                messages=[{"role": "user", "content": transcript + "\n\n" + question}],
                response_format={"type": "json_schema", "json_schema": {
                    "name": "kind", "schema": LINE_SCHEMA}})
            kind = json.loads(answer.choices[0].message.content or "{}").get("kind", "none")
            labels += {"decision": "D", "action": "A"}.get(kind, ".")
        reference = "".join("D" if s["id"] in decided else "A" if s["id"] in taken else "."
                            for s in data["segments"])
        said += len(labels)
        told += labels.count("D")
        print(f"{path.name:28s} model     {labels}\n{'':28s} reference {reference}")
    print(f"lines called a decision: {told}/{said}")
    return 0


YES_NO_SYSTEM = {
    "ja": ("あなたは議事録係です。会議の文字起こしの一行が、議事録の「決定事項」または「宿題"
           "（だれかが引き受けた仕事）」に書くべき発言かを判定します。\n書くべき例: 「それでは、"
           "開館時間は九時からとします。」「承知しました。来週までに見積もりを取ります。」"
           "「ご異議なしと認め、原案のとおり可決しました。」\n書かない例: 「本日の議題は予算"
           "です。」「費用はいくらですか。」「去年は二十人でした。」「駐車場が足りないと思い"
           "ます。」「よろしくお願いします。」「〜してはどうでしょうか。」"),
    "en": ("You take the minutes. Decide whether one transcript line belongs in the minutes "
           "as a decision or as an action item someone took on.\nBelongs: \"Then we'll open "
           "at nine.\" \"Sure, I'll get quotes by Friday.\" \"The motion carries.\"\nDoes "
           "not: \"Today's agenda is the budget.\" \"How much does it cost?\" \"Last year we "
           "had twenty.\" \"Thanks, everyone.\" \"Could we try two days?\""),
}
YES_NO_QUESTION = {
    "ja": ("\n\n上の会議で、行[{n}]「{text}」は、会議として何かを決めた発言、または発言者が"
           "何かの仕事を引き受けた発言ですか。「はい」か「いいえ」の一語で答えてください。"),
    "en": ("\n\nIn the meeting above, is line [{n}] \"{text}\" where the meeting decides "
           "something, or where the speaker takes on a task? Answer with one word: yes or no."),
}


def yes_no(client: openai.OpenAI, model: str, folders: list[Path]) -> int:
    """Each line's probability of "yes" against the reference, and what it adds to the rules."""
    from summarize.cues import Said, find

    scored: list[tuple[float, int, bool]] = []  # (p yes, 1 item / 0 none, cited by rules)
    for path in sorted(p for folder in folders for p in folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        language = data["language"]
        transcript = "\n".join(f"[{s['id']}] {s['speaker']}: {s['text']}"
                               for s in data["segments"])
        items = data["reference"]["decisions"] + data["reference"]["action_items"]
        stated = {item["segments"][-1] for item in items}
        around = {n for item in items for n in item["segments"]} - stated  # neither
        said = [Said(s["id"], s["speaker"], s["text"]) for s in data["segments"]]
        cited = {n for item in find(said, said[0].speaker if said else None)
                 for n in item.lines}
        started = time.monotonic()
        for segment in data["segments"]:
            answer = client.chat.completions.create(
                model=model, temperature=0.0, max_tokens=1, logprobs=True, top_logprobs=10,
                messages=[{"role": "system", "content": YES_NO_SYSTEM[language]},
                          {"role": "user", "content": transcript + YES_NO_QUESTION[
                              language].format(n=segment["id"], text=segment["text"])}])
            content = answer.choices[0].logprobs
            top = content.content[0].top_logprobs if content and content.content else []
            yes = sum(math.exp(t.logprob) for t in top
                      if t.token.strip().lower() in ("はい", "は", "yes"))
            no = sum(math.exp(t.logprob) for t in top
                     if t.token.strip().lower() in ("いいえ", "いい", "い", "no"))
            if segment["id"] not in around:
                scored.append((yes / max(yes + no, 1e-9), int(segment["id"] in stated),
                               segment["id"] in cited))
        print(f"{path.name}: {len(data['segments'])} lines, {time.monotonic() - started:.0f} s")
    items_p = [p for p, label, _ in scored if label]
    none_p = [p for p, label, _ in scored if not label]
    if not items_p or not none_p:
        return 1
    auc = sum((a > b) + 0.5 * (a == b) for a in items_p for b in none_p) / (
        len(items_p) * len(none_p))
    print(f"lines of an item {len(items_p)}, of none {len(none_p)}, AUC {auc:.3f}")
    for threshold in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9):
        flagged = [(label, cited) for p, label, cited in scored if p >= threshold]
        new = [label for label, cited in flagged if not cited]
        print(f"p(yes) >= {threshold}: items {sum(label for label, _ in flagged)}/"
              f"{len(items_p)}, none {sum(1 for label, _ in flagged if not label)}/"
              f"{len(none_p)}; not cited by the rules: {sum(new)} of an item, "
              f"{len(new) - sum(new)} of none")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "bench" / "minutes_reference")
    parser.add_argument("--per-line", action="store_true")
    parser.add_argument("--yes-no", type=Path, nargs="+", metavar="FOLDER",
                        help="each line's p(yes) against these folders' references")
    args = parser.parse_args()
    settings = Settings(llm_backend="embedded", llm_model_file=default_model_path(),
                        llm_threads=2)
    chosen = backend(settings)
    assert chosen is not None
    config = chosen.config
    client = openai.OpenAI(base_url=config.base_url, api_key=config.api_key or "none",
                           timeout=config.timeout)
    if args.yes_no:
        return yes_no(client, config.model, args.yes_no)
    if args.per_line:
        return per_line(client, config.model, args.folder)
    totals: dict[str, Score] = {}
    for path in sorted(args.folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        meeting = meeting_from_file(data)
        language = meeting.language or "en"
        request = build_request(meeting, load_template(None, language), data.get("date"))
        transcript = "\n".join(format_line(line) for line in request.lines)
        started = time.monotonic()
        answer = client.chat.completions.create(
            model=config.model, temperature=0.0, max_tokens=200,
            messages=[{"role": "system", "content": PROMPT[language]},
                      {"role": "user", "content": transcript}],
            response_format={"type": "json_schema", "json_schema": {
                "name": "lines", "schema": SCHEMA, "strict": True}})
        took = time.monotonic() - started
        found = json.loads(answer.choices[0].message.content or "{}")
        lines = {line.id: line for line in request.lines}
        decisions = [{"text": trimmed(lines[n].text), "segments": [n]}
                     for n in found.get("decision_lines", []) if n in lines]
        tasks = []
        for n in found.get("task_lines", []):
            if n not in lines:
                continue
            due = DUE.search(lines[n].text)
            tasks.append({"task": trimmed(lines[n].text), "owner": lines[n].speaker,
                          "due": due.group(1) if due else None, "due_date": None,
                          "segments": [n]})
        out = MinutesOut.model_validate({"summary": "", "topics": [], "decisions": decisions,
                                         "action_items": tasks})
        minutes = checked_minutes(out, request, {s.id: s.name for s in meeting.speakers})
        score = evaluate(minutes, data["reference"],
                         {s.id: s.text for s in meeting.segments if s.id is not None})
        score.seconds = took
        for key in (language, "TOTAL"):
            totals.setdefault(key, Score()).add(score)
        print(f"{path.name}: found {score.found}/{score.reference}, unmatched "
              f"{score.unmatched}/{score.produced}, carried {score.carried}/{score.produced}, "
              f"duplicates {score.duplicates}, copied non-decisions {score.not_decisions} "
              f"({took:.1f} s) {found}")
    print_totals(totals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
