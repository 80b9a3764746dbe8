"""The one error type a user can cause.

Every problem with an input file becomes an :class:`InputError` whose message is a single line
naming the file and what is wrong, so the CLI can print it and exit 2 and the app can show it.
"""


class InputError(ValueError):
    """A problem with the user's input, explained in one line."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{source}: {self.problem}")
