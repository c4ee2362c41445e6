"""Questions answered from past minutes, with the lines each sentence rests on.

1. The question's words (Sudachi's nouns and verbs for Japanese, words for English, less
   the words every question has) are looked up in the full-text index
   (`gijiroku.search.lines_for`), under the reader's access rules: lines holding most of
   them first. Nothing found: "not found", without asking the model.
2. The configured LLM (the embedded one by default) answers from those numbered lines only
   (`summarize.answer`), each sentence with the numbers of its lines.
3. Each sentence must be carried by a line it cites: at least half of its character pairs
   (Japanese) or words (English) are in that line. A citation that points at a line that
   does not carry the sentence is moved to the given line that does; a sentence no given
   line carries is dropped (and counted). So is one whose lines hold half of the question's
   words or fewer: grounded, but about something else (asked about 区画整理の予算, a
   sentence on 図書館の予算). No sentence left: "not found".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from gijiroku import search
from gijiroku.config import Settings
from gijiroku.errors import InvalidInputError
from gijiroku.principal import Principal
from gijiroku.terms import normal, runs
from summarize import Usage
from summarize.answer import SYSTEM, AnswerOut, prompt, schema

log = logging.getLogger(__name__)
#: Lines given to the model at most.
LINES = 12
MAX_QUESTION = 500
#: The share of a sentence's character pairs (or words) that its lines must hold.
CARRIED = 0.5
NOT_FOUND = {"ja": "過去の会議録の中に、この質問への答えは見つかりませんでした。",
             "en": "The minutes hold no answer to this question."}

#: Words that say what kind of question it is, not what it is about.
_QUESTION_WORDS_JA = frozenset((
    "こと", "もの", "ため", "よう", "何", "なに", "なん", "誰", "だれ", "いつ",
    "どこ", "どう", "どの", "どれ", "方", "件", "等", "ところ", "これ", "それ",
    "あれ", "する", "いる", "ある", "なる", "いう", "言う", "思う", "答える",
    "述べる", "話す", "質問", "答弁", "発言", "回答", "会議", "中", "内容", "どなた",
    "いくら", "幾ら", "何時", "以前", "今回"
))
_QUESTION_WORDS_EN = frozenset((
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "and", "or", "is", "are", "was",
    "were", "be", "been", "what", "when", "where", "who", "whom", "which", "why", "how",
    "did", "does", "do", "say", "said", "says", "tell", "about", "with", "from", "that",
    "this", "these", "those", "it", "its", "as", "by", "any", "there", "their", "they",
    "he", "she", "his", "her", "we", "our", "you", "your", "meeting", "minutes", "asked",
    "answer", "answered", "question", "council"
))


#: What a cited line says of itself in the answer's JSON.
CITED = ("meeting_id", "segment_id", "start", "end", "speaker", "text", "meeting_title")


@dataclass(slots=True)
class Answer:
    answer: str
    found: bool
    citations: list[search.Hit] = field(default_factory=list)  # the lines cited
    #: Each kept sentence with the indexes (into `citations`) of its lines.
    sentences: list[tuple[str, list[int]]] = field(default_factory=list)
    dropped: int = 0  # sentences no given line carried
    moved: int = 0  # citations moved to the line that carries the sentence
    retrieved: int = 0  # lines given to the model

    def as_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "found": self.found,
                "citations": [{k: c.as_json()[k] for k in CITED} for c in self.citations],
                "sentences": [{"text": t, "citations": c} for t, c in self.sentences],
                "dropped": self.dropped, "moved": self.moved, "retrieved": self.retrieved}


def language_of(question: str) -> str:
    return "ja" if any(japanese for japanese, _ in runs(question)) else "en"


def key_terms(question: str) -> list[str]:
    """The words a question is about."""
    if language_of(question) == "ja":
        from transcribe.japanese import tokenizer  # (Sudachi, loaded once for the process)

        found = []
        for morpheme in tokenizer().tokenize(question):
            pos = morpheme.part_of_speech()
            word = morpheme.normalized_form() if pos[0] == "動詞" else morpheme.surface()
            if pos[0] not in ("名詞", "動詞") or pos[1] in ("代名詞", "数詞", "非自立可能") \
                    or word in _QUESTION_WORDS_JA:
                continue
            # a verb by its stem: 延長します finds 延長, 開く finds 開い/開き
            found.append(word[:-1] if pos[0] == "動詞" and len(word) > 1 else word)
        # (a stem of kana alone is grammar: について gives the verb つく)
        return list(dict.fromkeys(w for w in found if w and not _kana_only(w)))
    words = [run for japanese, run in runs(question) if not japanese]
    kept = [w for w in words if w not in _QUESTION_WORDS_EN and (len(w) > 2 or w.isdigit())]
    # plurals and -ing forms find the word's other forms: libraries -> librar*
    stems = []
    for word in kept:
        for ending in ("ies", "es", "s", "ing", "ed"):
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[:-len(ending)] + "*"
                break
        stems.append(word)
    return list(dict.fromkeys(stems))


def _kana_only(word: str) -> bool:
    return all("\u3040" <= c <= "\u309f" for c in word)


def _units(value: str) -> set[str]:
    """What sentences and lines are compared by: character pairs of Japanese runs (a lone
    character as itself), whole words elsewhere."""
    found: set[str] = set()
    for japanese, run in runs(value):
        if japanese and len(run) > 1:
            found.update(run[i:i + 2] for i in range(len(run) - 1))
        else:
            found.add(run)
    return found


def carried(sentence: str, line: str) -> float:
    """The share of the sentence's units that the line holds."""
    said = _units(sentence)
    return len(said & _units(line)) / len(said) if said else 0.0


def on_topic(lines: list[str], terms: list[str]) -> bool:
    """Whether the lines hold more than half of the question's words."""
    if not terms:
        return True
    held = normal(" ".join(lines))
    return sum(normal(t.rstrip("*")) in held for t in terms) * 2 > len(terms)


def check(answer: AnswerOut, lines: list[str], terms: Sequence[str] = ()
          ) -> tuple[list[tuple[str, list[int], bool]], int]:
    """The sentences whose cited lines carry them and hold the question's words (`terms`),
    with their lines (0-based) and whether a citation was moved to the line that carries
    it; and how many were dropped."""
    kept: list[tuple[str, list[int], bool]] = []
    dropped = 0
    for sentence in answer.sentences:
        said = " ".join(sentence.text.split())
        if not said:
            continue
        cited = [n - 1 for n in dict.fromkeys(sentence.lines) if 1 <= n <= len(lines)]
        holding = [n for n in cited if carried(said, lines[n]) >= CARRIED]
        moved = False
        if not holding:
            best = max(range(len(lines)), key=lambda n: carried(said, lines[n]), default=None)
            if best is not None and carried(said, lines[best]) >= CARRIED:
                holding, moved = [best], True
        if holding and on_topic([lines[n] for n in holding], list(terms)):
            kept.append((said, holding, moved))
        else:
            dropped += 1
    return kept, dropped


def _described(hit: search.Hit) -> str:
    minutes, seconds = divmod(int(hit.start), 60)
    hours, minutes = divmod(minutes, 60)
    return (f"（{hit.meeting_title} {hit.meeting_date} {hours}:{minutes:02d}:{seconds:02d} "
            f"{hit.speaker or '-'}）{hit.text}")


def ask(engine: Engine, settings: Settings, question: str, *, reader: Principal) -> Answer:
    """The answer to `question` from the minutes `reader` may read."""
    from gijiroku.stages.minutes import backend
    from summarize.writer import OpenAIMinutesWriter

    question = " ".join(question.split())
    if not question:
        raise InvalidInputError("Ask a question.", code="text_empty", field="question")
    if len(question) > MAX_QUESTION:
        raise InvalidInputError(f"A question is at most {MAX_QUESTION} characters.",
                                code="text_too_long", field="question", limit=MAX_QUESTION)
    language = language_of(question)
    terms = key_terms(question)
    hits = search.lines_for(engine, terms, reader=reader, limit=LINES)
    if not hits:
        return Answer(NOT_FOUND[language], False)
    chosen = backend(settings)
    if chosen is None:
        raise InvalidInputError("Questions need the minutes model: GIJIROKU_LLM_BACKEND is "
                                "off.", code="llm_off", field="question")
    writer = OpenAIMinutesWriter(chosen.config, count_tokens=chosen.count_tokens)
    texts = [hit.text for hit in hits]
    answered = writer.ask(SYSTEM[language], prompt(question, [_described(h) for h in hits]),
                          AnswerOut, schema(list(range(1, len(hits) + 1))), Usage())
    kept, dropped = check(answered, texts, terms)
    if not answered.found or not kept:
        return Answer(NOT_FOUND[language], False, dropped=dropped, retrieved=len(hits))
    citations: list[search.Hit] = []
    where: dict[int, int] = {}
    sentences = []
    for said, lines, _ in kept:
        for n in lines:
            if n not in where:
                where[n] = len(citations)
                citations.append(hits[n])
        sentences.append((said, [where[n] for n in lines]))
    joined = ("" if language == "ja" else " ").join(s for s, _ in sentences)
    log.info("asked %r: %d lines retrieved, %d sentences kept, %d dropped", question,
             len(hits), len(kept), dropped)
    return Answer(joined, True, citations, sentences, dropped,
                  sum(1 for _, _, moved in kept if moved), len(hits))


__all__ = ["CITED", "NOT_FOUND", "Answer", "ask", "carried", "check", "key_terms"]
