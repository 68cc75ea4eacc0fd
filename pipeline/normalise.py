"""Stage 1a: normalise text for the models without moving a single offset.

Every transformation here maps one character to exactly one character, so an offset into the
normalised text is the same offset into the original: spans found on the normalised text are
written out against the text exactly as read (ANNOTATION.md, "Offsets everywhere").
"""

from __future__ import annotations

import re
import unicodedata

import opencc

_T2S = opencc.OpenCC("t2s")


# Never inside a name, so the models see a space there: control and format characters (an
# ANSI colour code, a zero-width space), private-use code points, and symbols (emoji, ★, ■,
# U+FFFD for an undecodable byte). Read as letters they were glued to the company next to them.
BOUNDARY_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "So"})


class _WidthFolding(dict):
    """A ``str.translate`` table: full-width and compatibility forms to their plain one-character
    equivalent (Ａ→A, （→(), characters of ``BOUNDARY_CATEGORIES`` to a space, each character
    worked out the first time it is seen."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char) if code >= 0x2000 else char
        if len(folded) != 1:  # ㈱ → (株) would move every offset after it
            folded = char
        if unicodedata.category(folded) in BOUNDARY_CATEGORIES and not folded.isspace():
            folded = " "
        self[code] = ord(folded)
        return self[code]


_WIDTH_FOLDING = _WidthFolding()
_ASCII_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f]")  # not the whitespace ones (\t \n \r \x0b-\x0c \x1c-\x1f)


def _fold_width(text: str) -> str:
    if text.isascii():
        return text.translate(_WIDTH_FOLDING) if _ASCII_CONTROL.search(text) else text
    return text.translate(_WIDTH_FOLDING)


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
