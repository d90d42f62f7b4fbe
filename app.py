"""Cable QA's web page. For now it lists what the store holds; the chat comes next.

python app.py  (listens on 127.0.0.1:7860; GRADIO_SERVER_NAME / GRADIO_SERVER_PORT change that)
"""

from __future__ import annotations

import gradio as gr

from core.settings import Settings
from ingest.sample import ensure_sample


def stored_cables(store) -> list[list]:
    got = store.cables.get(include=["metadatas"])
    rows = [
        [cid, (m.get("date") or "")[:10], m.get("origin", ""), m.get("classification", ""), m.get("subject", ""), m.get("paragraphs", 0)]
        for cid, m in zip(got["ids"], got["metadatas"])
    ]
    return sorted(rows, key=lambda row: (row[1], row[0]))


def build_page(store) -> gr.Blocks:
    with gr.Blocks(title="Cable QA") as page:
        gr.Markdown("# Cable QA\nThe cables in the store. Add more with `python -m ingest PATH...`.")
        table = gr.Dataframe(
            headers=["Cable", "Date", "Origin", "Classification", "Subject", "¶"],
            value=stored_cables(store),
            interactive=False,
        )
        refresh = gr.Button("Refresh")
        refresh.click(lambda: stored_cables(store), outputs=table)
    return page


def main() -> None:
    settings = Settings.from_env()
    store = settings.open_store()
    report = ensure_sample(settings, store)
    if report:
        print(f"First start: stored the sample cable ({report.paragraphs} paragraphs).")
    build_page(store).launch()


if __name__ == "__main__":
    main()
