"""Building the retriever and the chat model a mode asks for, from the settings."""

from __future__ import annotations

from core.errors import ModelError
from core.settings import Settings
from qa.retrieve import Retriever

MODES = ("quotes", "local", "openai", "ollama")


def build_retriever(settings: Settings, rankings: frozenset[str] | None = None) -> Retriever:
    keyword = settings.open_keyword_index()
    store = settings.open_store()
    if store.count()[1] and not keyword.count():
        keyword.rebuild(store)  # a store filled elsewhere (a shared server): index it once, here
    return Retriever(store, keyword, settings.embedder(), rankings or Retriever.ALL)


def build_chat_model(settings: Settings, mode: str):
    """The chat model for a mode; None for quotes mode, which needs none."""
    if mode == "quotes":
        return None
    if mode == "local":
        from qa.local_model import QWEN_0_5B, QWEN_1_5B, LocalChatModel, ensure_model_file

        spec = QWEN_0_5B if settings.local_model == "qwen-0.5b" else QWEN_1_5B
        path = ensure_model_file(spec, settings.data_dir / "models")
        return LocalChatModel(model_path=str(path), max_tokens=settings.max_tokens)
    if mode == "openai":
        if not settings.openai_base_url and not settings.openai_api_key:
            raise ModelError("mode openai needs CABLEQA_OPENAI_BASE_URL (any OpenAI-compatible server) and/or CABLEQA_OPENAI_API_KEY")
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.openai_model,
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key or "not-needed",
            temperature=0,
            max_tokens=settings.max_tokens,
            stream_usage=True,
        )
    if mode == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(model=settings.ollama_model, base_url=settings.ollama_url, temperature=0, num_predict=settings.max_tokens)
    raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
