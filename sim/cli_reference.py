"""The command-line reference in Markdown, generated from the commands' own help texts.

`python -m sim.cli_reference > docs/cli.md`; a test fails when docs/cli.md is out of date.
"""

from __future__ import annotations

import click

from sim.cli import main

HEADER = """# Command-line reference

Generated from the commands' help (`python -m sim.cli_reference > docs/cli.md`); do not edit by hand.

Exit codes: 0 success; 2 invalid input (scenario or options: one message naming file, line and
field, no traceback); 1 internal error (`sim --debug COMMAND ...` shows the traceback); 130
interrupted with Ctrl-C (finished replications stay in the cache: run the same command again to
resume).
"""


def markdown() -> str:
    out = [HEADER]
    with click.Context(
        main, info_name="sim", terminal_width=100, max_content_width=100, help_option_names=["-h", "--help"]
    ) as root:
        out += ["## sim", "", "```", main.get_help(root), "```", ""]
        for name in sorted(main.commands):
            command = main.commands[name]
            with click.Context(
                command,
                info_name=name,
                parent=root,
                terminal_width=100,
                max_content_width=100,
                help_option_names=["-h", "--help"],
            ) as ctx:
                out += [f"## sim {name}", "", "```", command.get_help(ctx), "```", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
