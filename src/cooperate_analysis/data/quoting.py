"""File names as a user pastes them into a shell: the one quoting rule of every printed command
(validation errors, the `map` command's suggestions). Imports nothing of the package, so every data
module can use it without an import cycle."""
from __future__ import annotations

import shlex
from pathlib import Path


def shell_quote(path: str | Path) -> str:
    """`path` quoted for a POSIX shell: shlex.quote, or bash's $'...' when the name holds characters
    that are not printable (a line break in a file name must not split the suggested command)."""
    text = str(path)
    if text.startswith("-"):  # a name that a command would read as an option
        text = "./" + text
    if text.isprintable():
        return shlex.quote(text)
    out = []
    for c in text:
        if c == "\\" or c == "'":
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        else:
            out.extend(f"\\x{b:02x}" for b in c.encode("utf-8", "surrogateescape"))
    return "$'" + "".join(out) + "'"
