"""Uploaded pictures: checked, re-encoded with Pillow and stored under DATA_DIR/media."""
