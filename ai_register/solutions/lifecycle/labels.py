"""The lifecycle's texts: catalog messages (`N_`, `Label`) and the separator of a joined legal basis."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message


# Where a basis names several, they are joined by this; a page translates each part (formats.joined_text).
BASIS_SEPARATOR = "; "


class Label(str):
    """A catalog message: its English text is the msgid (what the API and the trail's English say).
    Pages translate it with gettext; JSON that carries both languages uses `formats.both`."""

    @property
    def en(self) -> str:
        return str(self)
