"""The language model named by `CASEBOOK_LLM`, built with LangChain's own integrations.

"provider:model" strings go to LangChain's `init_chat_model` (ollama, openai, anthropic...).
`huggingface:<model id, folder or .gguf file>` runs the model in process with transformers on the
installed CPU torch, wrapped by `ChatHuggingFace` (no native build). A bare path to a `.gguf` file
goes to `ChatLlamaCpp` when the llamacpp extra is installed, else to transformers. Each
integration is an optional extra, so the default install needs none of them. Calls run under a
deadline (`CASEBOOK_LLM_TIMEOUT`): a model that hangs or is unreachable raises `LLMError`, which the
ask pipeline (`model_answers`) turns into the extractive answer.
"""

from __future__ import annotations

import importlib.util
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.errors import CasebookError
from assistant.settings import LanguageModelSettings

EXTRAS = {"ollama": "ollama", "openai": "openai", "llamacpp": "llamacpp", "huggingface": "huggingface"}
HUGGINGFACE = "huggingface:"


class LLMError(CasebookError):
    """The language model could not be built, reached or did not answer in time."""


def build_chat_model(settings: LanguageModelSettings) -> BaseChatModel:
    spec = settings.model
    if not spec:
        raise LLMError("no language model configured (set CASEBOOK_LLM)")
    if spec.startswith(HUGGINGFACE):
        return _transformers(spec.removeprefix(HUGGINGFACE), settings)
    if spec.endswith(".gguf") or Path(spec).is_file():
        path = _gguf_file(spec)
        if importlib.util.find_spec("llama_cpp") is None:
            return _transformers(str(path), settings)
        return _llama_cpp(path, settings)
    return _init_chat_model(spec, settings)


def _transformers(model: str, settings: LanguageModelSettings) -> BaseChatModel:
    """A model id, a model folder or a `.gguf` file, run in process by transformers on the CPU."""
    try:
        from langchain_huggingface import ChatHuggingFace, HuggingFacePipeline
    except ImportError as error:
        raise LLMError(
            f"CASEBOOK_LLM={HUGGINGFACE}{model} needs the huggingface extra: "
            f"pip install 'casebook[huggingface]' ({error})"
        ) from error
    model_kwargs: dict[str, Any] = {}
    if model.endswith(".gguf"):
        path = _gguf_file(model)
        model, model_kwargs["gguf_file"] = str(path.parent), path.name
    try:
        pipeline = HuggingFacePipeline.from_model_id(
            model_id=model,
            task="text-generation",
            device=-1,
            model_kwargs=model_kwargs,
            pipeline_kwargs={
                "max_new_tokens": settings.max_tokens,
                "do_sample": False,
                "return_full_text": False,
            },
        )
        return ChatHuggingFace(llm=pipeline, tokenizer=pipeline.pipeline.tokenizer)
    except Exception as error:  # transformers reports a missing or unreadable model as OSError/ValueError
        raise LLMError(f"could not load {model}: {_describe(error)}") from error


def _gguf_file(spec: str) -> Path:
    path = Path(spec).expanduser()
    if not path.is_file():
        raise LLMError(f"CASEBOOK_LLM: no GGUF file at {path}")
    return path


def _llama_cpp(path: Path, settings: LanguageModelSettings) -> BaseChatModel:
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as error:
        raise LLMError(
            f"a GGUF model needs the llamacpp extra: pip install 'casebook[llamacpp]' ({error})"
        ) from error
    try:
        return ChatLlamaCpp(
            model_path=str(path),
            n_ctx=settings.context_tokens,
            max_tokens=settings.max_tokens,
            temperature=0.0,
            n_threads=None,
            verbose=False,
        )
    except Exception as error:  # llama.cpp reports load failures as bare ValueError/RuntimeError
        raise LLMError(f"could not load {path.name}: {error}") from error


def _init_chat_model(spec: str, settings: LanguageModelSettings) -> BaseChatModel:
    provider = spec.split(":", 1)[0] if ":" in spec else ""
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as error:
        raise LLMError(
            f"CASEBOOK_LLM={spec} needs langchain: pip install 'casebook[{_extra(provider)}]'"
        ) from error
    try:
        model = init_chat_model(spec, temperature=0.0, **_provider_options(provider, settings))
    except ImportError as error:
        raise LLMError(
            f"CASEBOOK_LLM={spec}: {error} (pip install 'casebook[{_extra(provider)}]')"
        ) from error
    except ValueError as error:
        raise LLMError(f"CASEBOOK_LLM={spec}: {error}") from error
    if not isinstance(model, BaseChatModel):
        raise LLMError(f"CASEBOOK_LLM={spec} did not name one chat model")
    return model


def _provider_options(provider: str, settings: LanguageModelSettings) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if settings.base_url:
        options["base_url"] = settings.base_url
    if provider == "ollama":
        options["client_kwargs"] = {"timeout": settings.timeout}
        options["num_predict"] = settings.max_tokens
        return options
    if settings.api_key:
        options["api_key"] = settings.api_key
    options["timeout"] = settings.timeout
    options["max_retries"] = 1
    options["max_tokens"] = settings.max_tokens
    return options


def _extra(provider: str) -> str:
    return EXTRAS.get(provider, provider or "openai")


def stream_text(model: BaseChatModel, messages: Sequence[BaseMessage], timeout: float) -> Iterator[str]:
    """The model's answer in pieces as they come; LLMError if it fails or the deadline passes.

    The call runs in a worker thread so that a model which ignores its own timeout (a local
    llama.cpp, a server that accepts the connection and never answers) cannot hang Casebook."""
    pieces: queue.Queue[tuple[str, object]] = queue.Queue()

    def work() -> None:
        try:
            for chunk in model.stream(list(messages)):
                pieces.put(("text", chunk.text))
        except Exception as error:  # handed to the caller's thread, raised there
            pieces.put(("error", error))
        pieces.put(("done", None))

    threading.Thread(target=work, name="casebook-llm", daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            kind, value = pieces.get(timeout=max(deadline - time.monotonic(), 0.0))
        except queue.Empty:
            raise LLMError(f"the language model did not answer within {timeout:g} s") from None
        if kind == "done":
            return
        if isinstance(value, BaseException):
            raise LLMError(f"the language model failed: {_describe(value)}") from value
        if value:
            yield str(value)


def complete(model: BaseChatModel, messages: Sequence[BaseMessage], timeout: float) -> str:
    return "".join(stream_text(model, messages, timeout))


def _describe(error: object) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}"[:300]
