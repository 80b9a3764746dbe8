"""Text from files (labels, data-block names, file names, error messages) shown as itself.

Streamlit renders Markdown in titles, captions, alerts and tables, and HTML where we allow it: a data
block named ``data_![b](http://host/x.png)`` would otherwise become an image the browser fetches, and
a bare address a link. :func:`escape` writes ``&``, ``<``, ``>``, quotes and every character that
Markdown gives a meaning (emphasis, links, images, code, autolinks such as ``http://``, ``www.`` and
``name@host``) as numeric character references: both parsers show them as the characters they are.

>>> escape("![b](http://h/x.png)")
'&#33;&#91;b&#93;&#40;http&#58;&#47;&#47;h&#47;x&#46;png&#41;'
>>> escape("<img src='x'>")
'&#60;img src&#61;&#39;x&#39;&#62;'
"""

from __future__ import annotations

_ENTITIES = str.maketrans({ch: f"&#{ord(ch)};" for ch in "&<>\"'!`*_{}[]()#+-.|~:$=^/@%\\"})


def escape(text: object) -> str:
    """``text`` for any Streamlit element that renders Markdown or allowed HTML, shown literally on one line."""
    return " ".join(str(text).split()).translate(_ENTITIES)


_BOXES = {
    "error": "background:#FDECEA;color:#B71C1C;border-radius:0.5rem;padding:0.8rem 1rem;margin:0.3rem 0",
    "warning": "background:#FFF8E1;color:#8D6E00;border-radius:0.5rem;padding:0.8rem 1rem;margin:0.3rem 0",
    "caption": "color:rgba(49,51,63,0.6);font-size:0.875rem;margin:0.2rem 0",
}


def show(text: object, kind: str = "caption", before: str = "") -> None:
    """Show file-derived ``text`` in an error or warning box or as a caption. The box is an HTML block,
    which Markdown leaves alone (no emphasis, no links made of bare addresses); ``before`` is our own
    wording, escaped the same way."""
    import streamlit as st

    body = (escape(before) + " " if before else "") + escape(text)
    st.markdown(f"<div data-testid='message-{kind}' style='{_BOXES[kind]}'>{body}</div>", unsafe_allow_html=True)
