"""The plain value printed on one label."""

from __future__ import annotations

from dataclasses import dataclass

MAX_CAPTION_LINES = 2


@dataclass(frozen=True)
class Label:
    """A tag (Code 128 and clear text), the URL for the QR code and 0-2 caption lines."""

    tag: str
    url: str
    caption: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Normalise the caption to a tuple and reject values that cannot be printed."""
        caption = (self.caption,) if isinstance(self.caption, str) else tuple(self.caption)
        object.__setattr__(self, "caption", caption)
        if not isinstance(self.tag, str) or not self.tag:
            raise ValueError("Label tag must be a non-empty string.")
        if not all(" " <= char <= "~" for char in self.tag):
            raise ValueError(f"Label tag {self.tag!r} must be printable ASCII (Code 128).")
        if not isinstance(self.url, str) or not self.url:
            raise ValueError("Label url must be a non-empty string.")
        if len(caption) > MAX_CAPTION_LINES or not all(isinstance(c, str) for c in caption):
            raise ValueError(f"Label caption must be at most {MAX_CAPTION_LINES} strings.")
