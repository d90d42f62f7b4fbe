"""The web page: Gradio layout and events (page), what it shows (render, export), what it reads (entities)
and what it writes (upload). It renders `qa`'s answers and decides nothing about them."""
