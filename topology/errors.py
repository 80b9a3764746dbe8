"""The one error type a user can cause.

Every problem with an input file becomes an :class:`InputError` whose message is a single line
naming the file and what is wrong, so the CLI can print it and exit 2 and the app can show it.
"""


def printable(text: str) -> str:
    """``text`` with every character a terminal or a table would act on (newlines, escape sequences,
    bidirectional overrides) written as its Python escape, so a hostile file name prints as one
    inert line.

    >>> printable("a\\nb\\x1b[2J\\u202e.cif")
    'a\\\\nb\\\\x1b[2J\\\\u202e.cif'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class InputError(ValueError):
    """A problem with the user's input, explained in one line."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = printable(str(source))
        self.problem = printable(" ".join(str(problem).split()))
        super().__init__(f"{self.source}: {self.problem}")
