"""The live preview: the real snippet showing the draft in an isolated frame."""
