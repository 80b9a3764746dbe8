"""Text from files (labels, data-block names, file names, error messages) shown as itself.

Streamlit renders Markdown in titles, captions, alerts and tables, and HTML where we allow it: a data
block named ``data_![b](http://host/x.png)`` would otherwise become an image the browser fetches.
``md`` escapes every Markdown punctuation character with a backslash; ``html`` escapes for HTML and
turns the same characters into numeric entities, so neither parser sees markup.

>>> print(md("data_![b](http://h/x.png)"))
data\\_\\!\\[b\\]\\(http\\:\\/\\/h\\/x\\.png\\)
>>> html("<img src=x>![b](u)")
'&lt;img src&#61;x&gt;&#33;&#91;b&#93;&#40;u&#41;'
"""

from __future__ import annotations

import html as _html
import re

MARKDOWN = r"\`*_{}[]()<>#+-.!|~:$&=^\"'/@%"
_MD = re.compile("([" + re.escape(MARKDOWN) + "])")
_ENTITIES = {ch: f"&#{ord(ch)};" for ch in "!`*_{}[]()#+-.|~:$=^/@%\\"}


def md(text: object) -> str:
    """``text`` for any Streamlit element that renders Markdown, shown literally; line breaks flattened."""
    flat = " ".join(str(text).split())
    return _MD.sub(r"\\\1", flat)


def html(text: object) -> str:
    """``text`` for an HTML fragment passed with ``unsafe_allow_html``, shown literally."""
    escaped = _html.escape(" ".join(str(text).split()), quote=True)
    return "".join(_ENTITIES.get(ch, ch) for ch in escaped)
