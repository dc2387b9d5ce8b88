from assistant.answering.answers import Answer
from assistant.web.chat_stream import progressive, stream_turn


def _answer(text: str) -> Answer:
    return Answer(question="q", answer=text, abstained=False, mode="extractive", language="en")


class AskOnly:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def ask(self, question: str, k: int | None = None, filters=None) -> Answer:
        self.calls.append((question,))
        return _answer("one two three four five six seven eight nine [1]")


class AskWithHistory:
    def __init__(self) -> None:
        self.history = None

    def ask(self, question: str, k: int | None = None, filters=None, history=None) -> Answer:
        self.history = history
        return _answer("short")


class Streaming:
    def ask(self, question: str) -> Answer:
        raise AssertionError("ask_stream should be preferred")

    def ask_stream(self, question: str, history=None):
        yield "Hello "
        yield "world [1]"
        yield _answer("Hello world [1]")


def test_progressive_prefixes_grow_and_end_with_the_whole_text() -> None:
    parts = list(progressive("a b c d e f g h i", words_per_step=4))
    assert parts == ["a b c d ", "a b c d e f g h ", "a b c d e f g h i"]


def test_a_finished_answer_is_streamed_then_returned_last() -> None:
    parts = list(stream_turn(AskOnly(), "q"))
    assert isinstance(parts[-1], Answer)
    texts = [p for p in parts if isinstance(p, str)]
    assert len(texts) > 1
    assert texts[-1] == parts[-1].answer


def test_history_is_passed_only_to_an_engine_that_accepts_it() -> None:
    plain = AskOnly()
    list(stream_turn(plain, "q", [["a", "b"]]))
    assert plain.calls == [("q",)]
    aware = AskWithHistory()
    list(stream_turn(aware, "q", [("a", "b")]))
    assert aware.history == [["a", "b"]]


def test_the_engine_stream_is_accumulated_when_available() -> None:
    parts = list(stream_turn(Streaming(), "q"))
    assert parts[:2] == ["Hello ", "Hello world [1]"]
    assert isinstance(parts[-1], Answer)
