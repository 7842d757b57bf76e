#!/usr/bin/env python3
"""Checks that the include arrows between framework/src folders point down, and that public headers stay public.

The layer order is read from framework/src/meson.build (its subdir() calls, bottom layer first), so the build file
and this check cannot disagree. Fails (exit 1, one line per finding) on:
  - an `#include "X/..."` in framework/src/Y/ where folder X comes after Y in that order (an upward include);
  - a public header (framework/include/duplex/) including anything but duplex/ headers and system headers;
  - a public header naming `detail::` anywhere but a private or protected section of a class (an opaque pointer or
    a friend declaration there hides it; a public member, a free function or a base class would expose it).
Usage: check_includes.py [SOURCE_ROOT]   (default: two folders above this script)
       check_includes.py --self-test     (plants each kind of violation in a scratch copy: each must be caught)
"""
import pathlib
import re
import shutil
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
SUBDIR = re.compile(r"^\s*subdir\(\s*'([^']+)'\s*\)", re.M)
SOURCES = ('.h', '.hpp', '.cpp', '.cc')


def layer_order(root):
    return SUBDIR.findall((root / 'framework/src/meson.build').read_text())


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def upward_includes(root, order):
    src = root / 'framework/src'
    rank = {name: i for i, name in enumerate(order)}
    problems = []
    for folder in sorted(p for p in src.iterdir() if p.is_dir()):
        if folder.name not in rank:
            problems.append(f'{folder.relative_to(root)}: folder missing from framework/src/meson.build')
            continue
        for f in sorted(folder.rglob('*')):
            if f.suffix not in SOURCES:
                continue
            for kind, target in INCLUDE.findall(strip_comments(f.read_text())):
                top = target.split('/')[0]
                if kind == '"' and top in rank and rank[top] > rank[folder.name]:
                    problems.append(f'{f.relative_to(root)}: includes "{target}": {top}/ is above '
                                    f'{folder.name}/ (order: {" < ".join(order)})')
    return problems


def detail_outside_private(text):
    """Line numbers where detail:: is named outside a private/protected class section."""
    lines = []
    scopes = []          # per open brace: [kind, access]; kind is 'class', 'struct' or 'other'
    keyword = None       # class/struct/union/namespace/enum seen since the last ; { }
    access = re.compile(r'(public|private|protected)\s*:(?!:)')
    token = re.compile(r'detail::|[{};]|\b(class|struct|union|namespace|enum)\b|(public|private|protected)\s*:(?!:)')
    for number, line in enumerate(strip_comments(text).split('\n'), 1):
        for m in token.finditer(line):
            t = m.group(0)
            if t == 'detail::':
                inner = next((s for s in reversed(scopes) if s[0] != 'other'), None)
                if inner is None or inner[1] == 'public':
                    lines.append(number)
            elif t == '{':
                kind = keyword if keyword in ('class', 'struct', 'union') else 'other'
                scopes.append([kind, 'private' if kind == 'class' else 'public'])
                keyword = None
            elif t == '}':
                if scopes:
                    scopes.pop()
                keyword = None
            elif t == ';':
                keyword = None
            elif access.match(t):
                if scopes:
                    scopes[-1][1] = m.group(2)
            elif keyword != 'enum':
                keyword = t
    return sorted(set(lines))


def public_header_problems(root):
    problems = []
    for f in sorted((root / 'framework/include/duplex').glob('*.h')):
        text = f.read_text()
        rel = f.relative_to(root)
        for kind, target in INCLUDE.findall(strip_comments(text)):
            if kind == '"' and not target.startswith('duplex/'):
                problems.append(f'{rel}: a public header includes "{target}" (only duplex/ and system headers)')
        for number in detail_outside_private(text):
            problems.append(f'{rel}:{number}: names detail:: outside a private section')
    return problems


def check(root):
    order = layer_order(root)
    if not order:
        return ['framework/src/meson.build: no subdir() calls: cannot derive the layer order']
    return upward_includes(root, order) + public_header_problems(root)


def self_test(root):
    plants = [
        ('framework/src/loop/planted.cpp', '#include "net/socket.h"\n'),
        ('framework/include/duplex/planted.h', '#include "http/url.h"\n'),
        ('framework/include/duplex/planted.h', 'namespace duplex {\nclass A {\npublic:\n    detail::X& x();\n};\n}\n'),
        ('framework/include/duplex/planted.h', 'namespace duplex {\nstruct A {\n    detail::X* x;\n};\n}\n'),
    ]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path, content in plants:
            copy = pathlib.Path(tmp) / 'tree'
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(root / 'framework', copy / 'framework')
            (copy / path).write_text(content)
            if not any('planted' in p for p in check(copy)):
                print(f'self-test: not caught: {path}: {content!r}')
                failures += 1
        allowed = 'namespace duplex {\nnamespace detail { class X; }\nclass A {\n    friend class detail::X;\n' \
                  'public:\n    void f();\nprivate:\n    std::unique_ptr<detail::X> x_;\n};\n}\n'
        if detail_outside_private(allowed):
            print('self-test: a private detail:: member was reported')
            failures += 1
    print(f'self-test: {len(plants) + 1 - failures} of {len(plants) + 1} cases right')
    return 1 if failures else 0


def main():
    args = sys.argv[1:]
    here = pathlib.Path(__file__).resolve().parent.parent.parent
    if args and args[0] == '--self-test':
        return self_test(pathlib.Path(args[1]) if len(args) > 1 else here)
    root = pathlib.Path(args[0]) if args else here
    problems = check(root)
    for p in problems:
        print(p)
    print(f'layers: {" < ".join(layer_order(root))}: {len(problems)} problem(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
