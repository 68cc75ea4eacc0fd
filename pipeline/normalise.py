"""Stage 1a: normalise text for the models without moving a single offset.

Every transformation here maps one character to exactly one character, so an offset into the
normalised text is the same offset into the original: spans found on the normalised text are
written out against the text exactly as read (ANNOTATION.md, "Offsets everywhere").
"""

from __future__ import annotations

import unicodedata

import opencc

_T2S = opencc.OpenCC("t2s")


class _WidthFolding(dict):
    """A ``str.translate`` table: full-width and compatibility forms to their plain one-character
    equivalent (Ａ→A, （→(), each character worked out the first time it is seen."""

    def __missing__(self, code: int) -> int:
        folded = unicodedata.normalize("NFKC", chr(code)) if code >= 0x2000 else chr(code)
        self[code] = ord(folded) if len(folded) == 1 else code
        return self[code]


_WIDTH_FOLDING = _WidthFolding()


def _fold_width(text: str) -> str:
    return text if text.isascii() else text.translate(_WIDTH_FOLDING)


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s), kept one-to-one in length.

    OpenCC's phrase tables occasionally change the length of a phrase; those rare cases fall back
    to character-by-character conversion so offsets never shift.
    """
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    chars = [_T2S.convert(c) for c in text]
    return "".join(c if len(c) == 1 else o for c, o in zip(chars, text))


def normalise(text: str) -> str:
    """The text the models see: width-folded and simplified, the same length as ``text``."""
    normalised = to_simplified(_fold_width(text))
    assert len(normalised) == len(text)
    return normalised
