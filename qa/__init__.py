"""Questions in, answers with checked ¶ citations out."""
