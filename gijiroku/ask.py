"""Questions answered from past minutes, with the lines each sentence rests on.

1. The question's words (Sudachi's nouns and verbs for Japanese, words for English, less
   the words every question has) are looked up in the full-text index
   (`gijiroku.search.lines_for`), under the reader's access rules: lines holding most of
   them first, each question among them followed by the line after it (its answer). A
   Japanese compound no line holds is looked up by its shorter words too (保育園: 保育).
   Nothing found, or a thing the question names (a Japanese noun) that no line holds even
   by its shorter words (asked how many places the 駐輪場 has, in an
   archive with no 駐輪場): "not found", without asking the model.
2. The configured LLM (the embedded one by default) answers from those numbered lines only
   (`summarize.answer`), each sentence with the numbers of its lines.
3. Each sentence must be carried by a line it cites: at least half of its character pairs
   (Japanese) or word stems (English, less the words every sentence has) are in that line's
   statements (a question in a line, one ending in ？ / ? / か, grounds nothing: a member's
   question holds the words of the answer). A citation that points at a line that does not
   carry the sentence is moved to the given line that does; a sentence no given line carries
   is dropped (and counted). So is one whose statements (the sentences of its lines that
   carry it, read with the question a line answers) hold half of the question's words or
   fewer, and not the rarest of them in the archive: grounded, but about something else
   (asked about 区画整理の予算, a sentence on 図書館の予算), and one with a Japanese noun its
   lines (and the question each answers) do not hold. No sentence left: "not found".
"""

from __future__ import annotations

import logging
import re
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
    "answer", "answered", "question", "council", "many", "much", "often", "will", "would",
    "can", "could", "should", "has", "have", "had", "not", "going", "get", "got", "all"
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


def _japanese_terms(question: str) -> list[tuple[str, bool]]:
    """A Japanese question's key words, each with whether it names a thing (see `things`)."""
    from transcribe.japanese import tokenizer  # (Sudachi, loaded once for the process)

    found: dict[str, bool] = {}
    for morpheme in tokenizer().tokenize(question):
        pos = morpheme.part_of_speech()
        word = morpheme.normalized_form() if pos[0] == "動詞" else morpheme.surface()
        if pos[0] not in ("名詞", "動詞") or pos[1] in ("代名詞", "数詞", "非自立可能") \
                or word in _QUESTION_WORDS_JA or word.startswith("何"):
            continue
        # a verb by its stem: 延長します finds 延長, 開く finds 開い/開き
        term = word[:-1] if pos[0] == "動詞" and len(word) > 1 else word
        # (a stem of kana alone is grammar: について gives the verb つく)
        if term and not _kana_only(term):
            # a thing: a noun of two characters or more that is no action (開園 and 延長
            # are answered in other words, as a verb is; 台 of 何台 says too little)
            thing = pos[0] == "名詞" and pos[2] != "サ変可能" and len(term) > 1
            found[term] = found.get(term, False) or thing
    return list(found.items())


def key_terms(question: str) -> list[str]:
    """The words a question is about."""
    if language_of(question) == "ja":
        return [term for term, _ in _japanese_terms(question)]
    words = [run for japanese, run in runs(question) if not japanese]
    kept = [w for w in words if w not in _QUESTION_WORDS_EN and (len(w) > 2 or w.isdigit())]
    # plurals and -ing forms find the word's other forms: libraries -> librar*
    return list(dict.fromkeys(stem(w) + ("*" if stem(w) != w else "") for w in kept))


def things(question: str) -> list[str]:
    """The question's words that name what it asks about: Japanese nouns of two characters
    or more among its key words (not its verbs, which answers say in other words: 使えない,
    休館). None in English, where nouns and verbs are not told apart here ("begin" asked,
    "starts" answered)."""
    if language_of(question) != "ja":
        return []
    return [term for term, thing in _japanese_terms(question) if thing]


def parts(term: str) -> list[str]:
    """A Japanese compound's shorter words (保育園 -> 保育, 待機児童 -> 待機, 児童): what the
    archive may hold when it does not hold the compound (保育所)."""
    if language_of(term) != "ja":
        return []
    from sudachipy import SplitMode

    from transcribe.japanese import tokenizer

    found = [short.surface() for whole in tokenizer().tokenize(term)
             for short in whole.split(SplitMode.A)]
    return [w for w in found if len(w) > 1 and not _kana_only(w) and w != term]


def stem(word: str) -> str:
    """An English word without its plural, -ing or -ed ending (libraries -> librar, running
    -> run); other words as they are."""
    for ending in ("ies", "es", "s", "ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 3 and not word.endswith("ss"):
            word = word[:-len(ending)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # runn(ing) -> run
            return word
    return word


def _kana_only(word: str) -> bool:
    return all("\u3040" <= c <= "\u309f" for c in word)


def _units(value: str) -> set[str]:
    """What sentences and lines are compared by: character pairs of Japanese runs (a lone
    character as itself), other words by their stems, less the words every sentence has
    (the model writes 「There are fourteen buses running」 from 「We have fourteen buses」)."""
    found: set[str] = set()
    for japanese, run in runs(value):
        if japanese and len(run) > 1:
            found.update(run[i:i + 2] for i in range(len(run) - 1))
        elif japanese or run not in _QUESTION_WORDS_EN:
            found.add(run if japanese else stem(run))
    return found


_SENTENCE = re.compile(r"[^。．.!！?？]+[。．.!！?？]*")


def asks(sentence: str) -> bool:
    """Whether a sentence is a question: it ends with ？ or ?, or (Japanese) with か or a
    council's 「…について伺います」."""
    said = sentence.strip().rstrip("。．.!！」』）) \u3000")
    return said.endswith(("？", "?", "か", "かね", "かな", "伺います", "伺いたい",
                          "お尋ねします", "お聞きします"))


def _statements(line: str) -> list[str]:
    """The line's sentences that are no questions."""
    return [s for s in _SENTENCE.findall(line) if not asks(s)]


def stated(line: str) -> str:
    """The line without its questions: what it can ground. A member's 「開館時間は延長しない
    のですか」 holds the words of an answer, and is no answer."""
    return "".join(_statements(line))


def carried(sentence: str, line: str) -> float:
    """The share of the sentence's units that the line's statements hold (never its
    questions: see `stated`)."""
    said = _units(sentence)
    return len(said & _units(stated(line))) / len(said) if said else 0.0


def on_topic(lines: list[str], terms: list[str], counts: dict[str, int] | None = None) -> bool:
    """Whether the lines hold more than half of the question's words, or the one of them
    fewest lines of the archive hold (`counts`, per word; words no line holds aside): asked
    about 区画整理の予算, a line on 図書館の予算 holds the common word and not the rare one;
    asked whether 肺炎球菌の予防接種の補助 goes on, the answer 「肺炎球菌ワクチンの助成は継続」
    holds the rare word in other words than the rest."""
    if not terms:
        return True
    held = normal(" ".join(lines))
    holds = [normal(t.rstrip("*")) in held for t in terms]
    if sum(holds) * 2 > len(terms):
        return True
    present = [(counts[t], h) for t, h in zip(terms, holds, strict=True)
               if counts and counts.get(t)]
    return bool(present) and min(present)[1]


def unsupported(sentence: str, lines: Sequence[str]) -> list[str]:
    """The Japanese nouns of two characters or more in `sentence` that none of `lines` holds:
    what the model added (「建設費は、令和十一年の二学期から稼働させる計画」 from a line on
    when the 給食センター opens, asked what it costs). English sentences are not checked."""
    if language_of(sentence) != "ja":
        return []
    from transcribe.japanese import tokenizer

    held = normal(" ".join(lines))
    return [m.surface() for m in tokenizer().tokenize(sentence)
            if m.part_of_speech()[0] == "名詞" and m.part_of_speech()[1] != "数詞"
            and len(m.surface()) > 1 and normal(m.surface()) not in held]


def carrying(sentence: str, line: str) -> str:
    """The statements of `line` that carry `sentence`: those sharing at least half as much
    of it as the one sharing most. A mayor's answer runs over several subjects, and an
    answer's sentence is about the one it was taken from (「図書館の情報公開の予算を計上して
    おります。区画整理を拡充すべきと考えます。」 carries 「図書館の予算を計上しております」 by its
    first sentence, which says nothing of 区画整理)."""
    parts = _statements(line)
    shares = [carried(sentence, p) for p in parts]
    best = max(shares, default=0.0)
    return "".join(p for p, share in zip(parts, shares, strict=True)
                   if best and share >= best / 2)


def check(answer: AnswerOut, lines: list[str], terms: Sequence[str] = (),
          counts: dict[str, int] | None = None, asked: Sequence[str] | None = None
          ) -> tuple[list[tuple[str, list[int], bool]], int]:
    """The sentences their cited lines ground (each line carries most of the sentence, and
    its statements that carry it, read with the question the line answers, `asked`: one text
    per line, "" where it answers none, hold every noun the sentence names) and whose
    grounding statements hold the question's words (`terms`, `on_topic`), with their lines
    (0-based) and whether a citation was moved to the line that grounds it; and how many were
    dropped."""
    asked = list(asked) if asked is not None else [""] * len(lines)
    kept: list[tuple[str, list[int], bool]] = []
    dropped = 0
    for sentence in answer.sentences:
        said = " ".join(sentence.text.split())
        if not said:
            continue
        cited = [n - 1 for n in dict.fromkeys(sentence.lines) if 1 <= n <= len(lines)]
        holding = {n: found for n in cited
                   if (found := _grounding(said, lines[n], asked[n])) is not None}
        moved = False
        if not holding:
            best = max(range(len(lines)), key=lambda n: carried(said, lines[n]), default=None)
            found = None if best is None else _grounding(said, lines[best], asked[best])
            if best is not None and found is not None:
                holding, moved = {best: found}, True
        if holding and on_topic(list(holding.values()), list(terms), counts):
            kept.append((said, list(holding), moved))
        else:
            dropped += 1
    return kept, dropped


def _grounding(said: str, line: str, asked: str) -> str | None:
    """The statements of `line` that ground the sentence `said`, read with the question the
    line answers (`asked`), or None: most of the sentence must be in the line, and every noun
    it names in those statements (「区画整理の予算を計上しております」 beside 「図書館の税収の…」
    grounds no 「図書館の予算を計上…」)."""
    if carried(said, line) < CARRIED:
        return None
    statements = f"{asked} {carrying(said, line)}"
    return None if unsupported(said, [statements]) else statements


def _described(hit: search.Hit) -> str:
    minutes, seconds = divmod(int(hit.start), 60)
    hours, minutes = divmod(minutes, 60)
    return (f"（{hit.meeting_title} {hit.meeting_date} {hours}:{minutes:02d}:{seconds:02d} "
            f"{hit.speaker or '-'}）{hit.text}")


def retrieve(engine: Engine, question: str, *, reader: Principal, limit: int = LINES
             ) -> tuple[list[str], list[search.Hit], dict[str, int]]:
    """The question's words, the lines that hold most of them, and how many lines hold each
    word."""
    terms = key_terms(question)
    counts: dict[str, int] = {}
    hits = search.lines_for(engine, terms, reader=reader, limit=limit, counts=counts)
    shorter = [p for t in terms if not counts.get(t) for p in parts(t) if p not in terms]
    if shorter:  # a compound the archive does not hold is looked up by its words
        terms = list(dict.fromkeys([*terms, *shorter]))
        hits = search.lines_for(engine, terms, reader=reader, limit=limit, counts=counts)
    # a question found is followed by its answer, which may say it in other words (asked
    # 「給食センターの建設地は決まったのですか」, answered 「建設地は、南工業団地の…」)
    after = {(h.meeting_id, h.segment_id - 1): h for h in search.following(
        engine, [h for h in hits if any(asks(s) for s in _SENTENCE.findall(h.text))],
        reader=reader)}
    given = {(h.meeting_id, h.segment_id) for h in hits}
    ordered: list[search.Hit] = []
    for hit in hits:
        ordered.append(hit)
        answer = after.get((hit.meeting_id, hit.segment_id))
        if answer is not None and (answer.meeting_id, answer.segment_id) not in given:
            given.add((answer.meeting_id, answer.segment_id))
            ordered.append(answer)
    return terms, ordered[:limit], counts


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
    terms, hits, counts = retrieve(engine, question, reader=reader)
    absent = [t for t in things(question)
              if not counts.get(t) and not any(counts.get(p) for p in parts(t))]
    if not hits or absent:  # nothing the archive says can be about what no line names
        log.info("asked %r: %d lines retrieved, nothing holds %s", question, len(hits), absent)
        return Answer(NOT_FOUND[language], False)
    chosen = backend(settings)
    if chosen is None:
        raise InvalidInputError("Questions need the minutes model: GIJIROKU_LLM_BACKEND is "
                                "off.", code="llm_off", field="question")
    writer = OpenAIMinutesWriter(chosen.config, count_tokens=chosen.count_tokens)
    texts = [hit.text for hit in hits]
    answered = writer.ask(SYSTEM[language], prompt(question, [_described(h) for h in hits]),
                          AnswerOut, schema(list(range(1, len(hits) + 1))), Usage())
    # a line right after a question in its meeting is read with it: 「建設地は、南工業団地
    # の…」 is about the 給食センター its question names
    asked = [before.text if before.meeting_id == hit.meeting_id
             and before.segment_id == hit.segment_id - 1 and asks(before.text) else ""
             for before, hit in zip([hits[0], *hits[:-1]], hits, strict=True)]
    kept, dropped = check(answered, texts, terms, counts, asked)
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


__all__ = ["CITED", "NOT_FOUND", "Answer", "ask", "asks", "carried", "carrying", "check",
           "key_terms", "parts", "retrieve", "stated", "stem", "things", "unsupported"]
