#!/usr/bin/env python3
"""Extracts the C++ blocks of a Markdown guide into one translation unit, and optionally compiles it.

Convention (docs/guide.md says it too):
  * Every ```cpp block is compiled; other fences (```sh, ```text) are not.
  * A block is a fragment: it becomes the body of its own function, in which `loop` (duplex::EventLoop&) and
    `app` (duplex::App&) are in scope.
  * A block whose first line is `// file scope`, or that defines `int main`, is put at namespace scope as is, so
    later blocks can use what it defines (`main` is renamed so that several can coexist, hence it must return).
  * Every block starts with a #line directive: compiler messages name the guide's own lines.

usage: extract_snippets.py GUIDE.md OUT.cpp [-- COMPILER ARGS...]
With a compiler command after "--", OUT.cpp is compiled with it (OUT.cpp appended) and its exit code returned.
"""
import re
import subprocess
import sys

PRELUDE = """// Generated from {guide} by docs/extract_snippets.py: do not edit.
#include <duplex/duplex.h>
#include <duplex/static_files.h>

#include <any>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
"""


def blocks(text):
    """Yields (first line number of the code, code) for each ```cpp block."""
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        if lines[i].strip() == '```cpp':
            start = i + 1
            j = start
            while j < len(lines) and lines[j].strip() != '```':
                j += 1
            if j == len(lines):
                raise SystemExit(f'line {i + 1}: unterminated ```cpp block')
            yield start + 1, '\n'.join(lines[start:j])
            i = j
        i += 1


def translation_unit(guide_path, text):
    out = [PRELUDE.format(guide=guide_path)]
    count = 0
    for n, (line, code) in enumerate(blocks(text), 1):
        count += 1
        where = f'#line {line} "{guide_path}"'
        if code.lstrip().startswith('// file scope') or re.search(r'\bint\s+main\s*\(', code):
            code = re.sub(r'\bint\s+main\s*\(', f'int main_of_block_{n}(', code)
            out.append(f'{where}\n{code}\n')
        else:
            out.append(f'[[maybe_unused]] static void guide_block_{n}([[maybe_unused]] duplex::EventLoop& loop,\n'
                       f'                                      [[maybe_unused]] duplex::App& app) {{\n'
                       f'{where}\n{code}\n}}\n')
    if count == 0:
        raise SystemExit(f'{guide_path}: no ```cpp block found')
    return '\n'.join(out), count


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    guide, out_path = argv[1], argv[2]
    compiler = argv[4:] if len(argv) > 3 and argv[3] == '--' else []
    with open(guide, encoding='utf-8') as f:
        unit, count = translation_unit(guide, f.read())
    with open(out_path, 'w', encoding='utf-8') as f:
        f.write(unit)
    print(f'{count} C++ blocks of {guide} -> {out_path}')
    if not compiler:
        return 0
    return subprocess.call(compiler + [out_path])


if __name__ == '__main__':
    sys.exit(main(sys.argv))
