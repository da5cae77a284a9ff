#!/usr/bin/env python3
# check-manpage.py WINDSOCK MANPAGE — windsock(1) cannot drift from the CLI:
# every command and long option the help prints, and every exit status, is
# in the man page, which groff renders without a warning.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import subprocess
import sys


def run_help(windsock, *args):
    # The untranslated help: the man page is in English.
    env = dict(os.environ, LC_ALL='C', LANGUAGE='')
    result = subprocess.run([windsock, *args, '--help'], env=env, capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 0:
        sys.exit(f'windsock {" ".join(args)} --help failed ({result.returncode}): {result.stderr}')
    return result.stdout


def section(text, heading):
    """The indented lines under HEADING up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line)
    return block


def man_words(path):
    """The man page's bold words (commands, options, exit codes) and its
    sections, from the roff source scdoc wrote."""
    with open(path, encoding='utf-8') as f:
        roff = f.read().replace('\\-', '-')
    bold = set(re.findall(r'\\fB(.*?)\\fR', roff))
    sections = {}
    name = None
    for line in roff.splitlines():
        if line.startswith('.SH '):
            name = line[4:].strip().strip('"')
            sections[name] = set()
        elif name is not None:
            sections[name].update(re.findall(r'\\fB(.*?)\\fR', line))
    return bold, sections


def main():
    windsock, manpage = sys.argv[1:3]
    problems = []
    bold, sections = man_words(manpage)

    top = run_help(windsock)
    commands = [line.split()[0] for line in section(top, 'Commands:')]
    if len(commands) < 5:
        sys.exit(f'could not read the commands from windsock --help: {commands}')
    for command in commands:
        if command not in sections.get('COMMANDS', ()):
            problems.append(f'command “{command}” is not in the COMMANDS section')
        if command not in sections.get('SYNOPSIS', ()):
            problems.append(f'command “{command}” is not in the SYNOPSIS')

    codes = [line.split()[0] for line in section(top, 'Exit status:')]
    for code in codes:
        if code not in sections.get('EXIT STATUS', ()):
            problems.append(f'exit status {code} is not in the EXIT STATUS section')

    # pick and preferences open windows and take no options.
    for command in commands:
        if command in ('pick', 'preferences'):
            continue
        for option in set(re.findall(r'(?<![\w-])(--[a-z][a-z-]*)', run_help(windsock, command))):
            if option not in sections.get('OPTIONS', ()):
                problems.append(f'option {option} of “{command}” is not in the OPTIONS section')

    groff = shutil.which('groff')
    if groff is None:
        problems.append('groff is missing (Debian: groff-base)')
    else:
        rendered = subprocess.run([groff, '-man', '-ww', '-z', '-Tutf8', manpage],
                                  capture_output=True, text=True, timeout=60)
        if rendered.returncode != 0 or rendered.stderr:
            problems.append(f'groff warns: {rendered.stderr.strip()}')

    for problem in problems:
        print(f'windsock.1: {problem}')
    print(f'{len(commands)} commands, {len(codes)} exit statuses checked')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
