#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""check-deps.py - the guard of scripts/deps.sh: every program that `make`, `make run`,
`make check` and the benchmarks call comes from a package a fresh Debian 12 has after
`make deps`.

A fresh machine is debootstrap's minbase (the packages of Priority required, plus apt)
with the packages `scripts/deps.sh --list` prints and everything they depend on. The
programs come from a static scan of the scripts, the test suites, the VM harness and the
makefiles: the words in command position, also behind `ip netns exec NS`, `vnitro exec NS`, `timeout N`,
`env`, `exec`, `sh -c '...'`, `busybox APPLET` and the suites' own helpers (`check DESC
CMD...` and the like, found by what their bodies do with "$@"), plus `#!` lines and
`command -v` probes. Each is looked up on the system PATH only (/usr/sbin:/usr/bin:
/sbin:/bin; never the caller's, which may have pyenv or /usr/local shims) and its owner
found with dpkg -S, also through the /bin <-> /usr/bin twins of merged /usr and through
symlinks such as /usr/bin/awk -> /etc/alternatives/awk -> /usr/bin/mawk.

usage: check-deps.py [-v] [FILE...]
  -v    also list the programs that are fine, and the words the scan cannot resolve
  FILE  more scripts to scan, besides the project's own
Prints one line per call of a program that fails ("check-deps: FILE:LINE calls X: why"),
then "N passed, N failed" with one check per distinct program; exits 1 on any failure.
"""
import bisect
import glob
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict

PROG = "check-deps"
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEM_PATH = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")

# What the guard itself runs (besides python3, from its #! line).
GUARD_PROGRAMS = ("dpkg-query", "dpkg", "apt-cache")

# ---- what is scanned ----------------------------------------------------------------

# Shell scripts of `make`, `make run`, `make check`, `make check-debug` and the VM harness; selftests/** is
# added whole (shell and Python by #! or name, makefiles by name). Not scanned:
# scripts/check-fresh.sh, a host tool that installs its own debootstrap.
SCRIPTS = ("scripts/deps.sh", "scripts/krel.sh", "scripts/check.sh", "scripts/run-tour.sh",
           "scripts/tour.sh", "scripts/check-debug.sh", "scripts/debug-kernel.sh",
           "scripts/vm-reset.sh", "tools/vnitro-rsh", "tools/vnitro-hostfile",
           "qemu/run", "qemu/guest-init", "qemu/initramfs-init")
MAKEFILES = ("Makefile", "lib/Makefile", "tools/Makefile")
KBUILD = ("kmod/Kbuild",)
# The initramfs's /init runs with PATH=/bin of the initramfs, where there is nothing but
# the static busybox: its commands must be busybox applets.
APPLETS_ONLY = ("qemu/initramfs-init",)

# Programs called through a variable, which the scan cannot follow: FILE -> {VARIABLE: program}.
# "busybox" means: the next word is an applet of it.
VARIABLE_COMMANDS = {
    "qemu/run": {
        "qemu": "qemu-system-x86_64",           # ${VNITRO_QEMU:-qemu-system-x86_64}
        "busybox": "busybox",                   # $(command -v busybox)
        # "$tool" -dc: the kernel image's decompressor; Debian 12's is xz (others are optional)
        "tool": "xz",
    },
    "qemu/guest-init": {"bb": "busybox"},       # $VNITRO_BUSYBOX
    # Debian's AWS CLI v2 and python3, by path (a user's PATH may hold others)
    "selftests/tools/test_ec2api.sh": {"AWS": "aws", "PY": "python3"},
    "selftests/net/ec2api.sh": {"AWS": "aws"},
}

# Variables that hold a program of the project: $VNITRO is tools/vnitro (selftests/lib.sh).
PROJECT_VARIABLES = {"VNITRO"}

# Programs built in the tree that scripts call by bare name (lib.sh and tour.sh put
# tools/ on PATH). Anything called by a path with a slash in it (./x, qemu/run,
# $VNITRO_TOP/..., "$bpf/xdp_load") is the project's own too.
PROJECT_PROGRAMS = {"vnitro", "vnitro-rsh", "vnitro-hostfile"}

# False positives of the scan, words in command position that are no program: NAME -> why.
# None today; an entry here silences NAME everywhere.
ALLOWLIST = {
}

# Helpers whose command arguments the scan cannot find from their bodies.
#   pair NAME SERVER_CMD... -- CLIENT_CMD... (selftests/lib.sh): collected into arrays.
EXTRA_HELPERS = {"pair": "pair"}

BUILTINS = set("""alias bg bind break builtin caller cd command compgen complete compopt
continue declare dirs disown echo enable eval exec exit export false fc fg getopts hash help
history jobs kill let local logout mapfile popd printf pushd pwd read readarray readonly
return set shift shopt source suspend test times trap true type typeset ulimit umask unalias
unset wait . : [""".split())
KEYWORDS = set("if then else elif fi case esac for select while until do done in function "
               "time { } ! [[ ]] coproc".split())
# Keywords after which the next word is in command position again.
LEADING_KEYWORDS = {"!", "time", "then", "do", "else", "elif", "if", "while", "until"}

# Make variables that name programs: make's and Kbuild's defaults.
MAKE_PROGRAMS = {"MAKE": "make", "CC": "cc", "CXX": "g++", "AR": "ar", "NM": "nm", "LD": "ld",
                 "OBJCOPY": "objcopy", "STRIP": "strip", "CLANG": "clang",
                 "PKG_CONFIG": "pkg-config"}
MAKE_BUILTIN_VARS = {"MAKE", "CC", "CXX", "AR", "LD"}   # `?=` cannot change these

# An expansion in a word's value is DYN + what it expands ("VNITRO" for $VNITRO and
# ${VNITRO}, "@" for $@, "" for $(...), ${x:-y} and the like) + END: also in a string
# handed to sh -c and lexed again, a variable stays recognisable.
DYN, END = "\x01", "\x02"
EXPANSION = re.compile(r"\x01([^\x02]*)\x02")
EXPRESSIONS = []    # ${...} other than ${name}: "#N" stands for EXPRESSIONS[N]

ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
REDIR = re.compile(r"(?:[0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\})?(?:<<<|<<-|<<|<>|<&|>>|>&|>\||&>>|&>|<|>)")
OPS = ("&&", "||", ";;&", ";;", ";&", "|&", "|", "&", ";", "(", ")")
CMD_START_WORDS = {"for", "if", "while", "until", "then", "do", "else", "elif", "!"}


def die(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


# ---- shell lexer ------------------------------------------------------------------------

class Tok:
    __slots__ = ("kind", "raw", "val", "line", "quoted", "subs")

    def __init__(self, kind, raw, line, val=None, quoted=False, subs=None):
        self.kind = kind        # "w" word, "op", "redir", "arith" ((...))
        self.raw = raw
        self.val = raw if val is None else val
        self.line = line
        self.quoted = quoted
        self.subs = subs or []  # token lists of the command substitutions in it

    def __repr__(self):
        return f"{self.kind}:{self.raw!r}@{self.line}"


class Lexer:
    """Shell text to tokens; command substitutions become token lists of their own."""

    def __init__(self, text, line0=1):
        self.s = text
        self.n = len(text)
        self.nl = [i for i, c in enumerate(text) if c == "\n"]
        self.line0 = line0

    def line(self, pos):
        return self.line0 + bisect.bisect_left(self.nl, pos)

    def lex(self, i=0, end=None):
        s, toks, heredocs, depth, dbr = self.s, [], [], 0, False
        while i < self.n:
            c = s[i]
            if end == "`" and c == "`":
                return toks, i + 1
            if c in " \t":
                i += 1
                continue
            if c == "\\" and s.startswith("\n", i + 1):
                i += 2
                continue
            if c == "#":
                j = s.find("\n", i)
                i = self.n if j < 0 else j
                continue
            if c == "\n" and dbr:          # [[ ... ]] may go on over lines
                i += 1
                continue
            if c == "\n":
                toks.append(Tok("op", "\n", self.line(i)))
                i += 1
                if heredocs:
                    i = self.skip_heredocs(i, heredocs)
                    heredocs = []
                continue
            if not dbr:
                if end == ")" and c == ")" and depth == 0:
                    return toks, i + 1
                if s.startswith("((", i) and self.at_command_start(toks):
                    j, subs = self.skip_parens(i)
                    toks.append(Tok("arith", s[i:j], self.line(i), subs=subs))
                    i = j
                    continue
                if c in "<>" and s.startswith("(", i + 1):
                    w, i = self.word(i, dbr)
                    toks.append(w)
                    continue
                m = REDIR.match(s, i)
                if m:
                    op = m.group(0)
                    toks.append(Tok("redir", op, self.line(i)))
                    i = m.end()
                    if re.fullmatch(r"[0-9]*<<-?", op):      # a here-document
                        while i < self.n and s[i] in " \t":
                            i += 1
                        w, i = self.word(i, dbr)
                        toks.append(w)
                        heredocs.append((w.val, op.endswith("-")))
                    continue
                op = next((o for o in OPS if s.startswith(o, i)), None)
                if op:
                    if op == "(":
                        depth += 1
                    elif op == ")":
                        depth -= 1
                    toks.append(Tok("op", op, self.line(i)))
                    i += len(op)
                    continue
            elif c == ";":
                toks.append(Tok("op", ";", self.line(i)))
                i += 1
                continue
            w, i = self.word(i, dbr, end)
            toks.append(w)
            if not w.quoted and w.raw == "[[":
                dbr = True
            elif not w.quoted and w.raw == "]]":
                dbr = False
        return toks, i

    @staticmethod
    def at_command_start(toks):
        if not toks:
            return True
        t = toks[-1]
        return (t.kind == "op" and t.raw != ")") or (t.kind == "w" and t.raw in CMD_START_WORDS)

    def skip_heredocs(self, i, heredocs):
        for delim, strip in heredocs:
            while i < self.n:
                j = self.s.find("\n", i)
                j = self.n if j < 0 else j
                line = self.s[i:j]
                i = j + 1
                if (line.lstrip("\t") if strip else line) == delim:
                    break
        return i

    def skip_parens(self, i):
        """i at "(": the index after the matching ")", and the $(...) inside."""
        s, depth, subs = self.s, 0, []
        while i < self.n:
            if s.startswith("$(", i) and not s.startswith("$((", i):
                toks, i = self.lex(i + 2, ")")
                subs.append(toks)
                continue
            if s[i] == "(":
                depth += 1
            elif s[i] == ")":
                depth -= 1
                if depth == 0:
                    return i + 1, subs
            i += 1
        return i, subs

    def skip_braces(self, i, subs):
        """i at the "{" of "${": the index after the matching "}"."""
        s, depth = self.s, 0
        while i < self.n:
            if s[i] == "\\":
                i += 2
                continue
            if s.startswith("$(", i) and not s.startswith("$((", i):
                toks, i = self.lex(i + 2, ")")
                subs.append(toks)
                continue
            if s[i] == "{":
                depth += 1
            elif s[i] == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return i

    def dollar(self, i, subs):
        """i at "$": (index after the expansion, what it stands for)."""
        s = self.s
        if s.startswith("$((", i):
            j, sb = self.skip_parens(i + 1)
            subs.extend(sb)
            return j, DYN + END
        if s.startswith("$(", i):
            toks, j = self.lex(i + 2, ")")
            subs.append(toks)
            return j, DYN + END
        if s.startswith("${", i):
            j = self.skip_braces(i + 1, subs)
            m = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9@*])\}", s[i:j])
            if m:
                return j, DYN + m.group(1) + END
            EXPRESSIONS.append(s[i:j])
            return j, DYN + "#%d" % (len(EXPRESSIONS) - 1) + END
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]").match(s, i + 1)
        if m:
            return m.end(), DYN + m.group(0) + END
        return i + 1, "$"

    def word(self, i, dbr, end=None):
        s, start, val, quoted, subs = self.s, i, [], False, []
        meta = " \t\n;" if dbr else " \t\n;&|()<>"
        if end == "`":
            meta += "`"
        while i < self.n:
            c = s[i]
            if c in meta:
                if c == "(" and ASSIGN.fullmatch(s[start:i]):        # name=( ... )
                    toks, i = self.lex(i + 1, ")")
                    subs.extend(nested_subs(toks))
                    val.append(DYN + END)
                    continue
                if c in "<>" and i == start and s.startswith("(", i + 1):   # <(...)
                    toks, i = self.lex(i + 2, ")")
                    subs.append(toks)
                    val.append(DYN + END)
                    continue
                break
            if c == "\\":
                if s.startswith("\n", i + 1):
                    i += 2
                    continue
                val.append(s[i + 1:i + 2])
                quoted = True
                i += 2
            elif c == "'":
                j = s.find("'", i + 1)
                j = self.n if j < 0 else j
                val.append(s[i + 1:j])
                quoted = True
                i = j + 1
            elif c == "$" and s.startswith("'", i + 1):            # $'...'
                j = i + 2
                while j < self.n and s[j] != "'":
                    j += 2 if s[j] == "\\" else 1
                val.append(s[i + 2:j])
                quoted = True
                i = j + 1
            elif c == '"':
                quoted = True
                i += 1
                while i < self.n and s[i] != '"':
                    c2 = s[i]
                    if c2 == "\\" and i + 1 < self.n:
                        nx = s[i + 1]
                        if nx in '$`"\\':
                            val.append(nx)
                        elif nx != "\n":
                            val.append(c2 + nx)
                        i += 2
                    else:
                        i = self.expansion(i, subs, val)
                i += 1
            else:
                i = self.expansion(i, subs, val)
        return Tok("w", s[start:i], self.line(start), "".join(val), quoted, subs), i

    def expansion(self, i, subs, val):
        """One character of a word at @i, in or out of double quotes: $..., `...`, or itself.
        Appends its value to @val (command substitutions to @subs); returns the next index."""
        c = self.s[i]
        if c == "$":
            i, v = self.dollar(i, subs)
            val.append(v)
            return i
        if c == "`":
            toks, i = self.lex(i + 1, "`")
            subs.append(toks)
            val.append(DYN + END)
            return i
        val.append(c)
        return i + 1


def shown(val):
    """A word's value as the script spells it (expansions back to $x, $(...))."""
    def one(m):
        e = m.group(1)
        if e.startswith("make:"):
            return "$(%s)" % e[5:]
        if e.startswith("#"):
            return EXPRESSIONS[int(e[1:])]
        return "${%s}" % e if e else "$(...)"
    return EXPANSION.sub(one, val)


def nested_subs(toks):
    return [sub for t in toks for sub in t.subs]


# ---- commands out of the tokens -----------------------------------------------------------

class Scope:
    """The functions a file can call: its own, and those of the files it sources."""

    def __init__(self, own, inherited=()):
        self.own = own                  # name -> helper spec or None
        self.inherited = list(inherited)

    def get(self, name):
        if name in self.own:
            return True, self.own[name]
        for scope in self.inherited:
            if name in scope:
                return True, scope[name]
        return False, None


class Walker:
    """Finds the commands of one token stream; record(name, line, how) gets each program."""

    def __init__(self, scan, rel, scope, applets=False):
        self.scan = scan
        self.rel = rel
        self.scope = scope
        self.applets = applets
        self.funcs = []                 # stack of (name, brace depth of its body)
        self.depth = 0
        self.pending_func = None
        self.shifts = defaultdict(int)  # function -> shifts so far
        self.alias = defaultdict(dict)  # function -> {variable: positional index}
        self.case_pattern = False

    # -- helpers --
    def func(self):
        return self.funcs[-1][0] if self.funcs else None

    def helper(self, skip, via_exec):
        f = self.func()
        if f and self.scope.own.get(f) is None and f not in EXTRA_HELPERS:
            self.scope.own[f] = (skip, via_exec)
            self.scan.changed = True

    def define(self, name):
        self.scope.own.setdefault(name, None)
        self.pending_func = name

    def open_group(self):
        self.depth += 1
        if self.pending_func:
            self.funcs.append((self.pending_func, self.depth))
            self.pending_func = None

    def close_group(self):
        if self.funcs and self.funcs[-1][1] == self.depth:
            self.funcs.pop()
        self.depth -= 1

    def sub(self, text, line, scope=None):
        toks, _ = Lexer(text, line).lex()
        w = Walker(self.scan, self.rel, scope or self.scope, self.applets)
        w.walk(toks)

    # -- the token stream --
    def walk(self, toks):
        cur, skip_target, k = [], False, 0
        while k < len(toks):
            t = toks[k]
            k += 1
            for sub in t.subs:                  # $(...): a command list of its own
                outer, self.case_pattern = self.case_pattern, False
                self.walk(sub)
                self.case_pattern = outer
            if self.case_pattern:
                if t.kind == "op" and t.raw == ")":
                    self.case_pattern = False
                elif t.kind == "w" and t.raw == "esac":
                    self.case_pattern = False
                continue
            if t.kind == "redir":
                skip_target = True
                continue
            if t.kind in ("w", "arith"):
                if skip_target:
                    skip_target = False
                    continue
                cur.append(t)
                if (t.kind == "w" and t.raw == "in" and not t.quoted and len(cur) >= 3
                        and cur[0].raw == "case"):
                    self.case_pattern = True
                    cur = []
                continue
            # an operator
            if (t.raw == "(" and len(cur) == 1 and k < len(toks) and toks[k].raw == ")"
                    and cur[0].kind == "w" and not cur[0].quoted):
                self.define(cur[0].val)
                cur = []
                k += 1
                continue
            self.simple(cur)
            cur = []
            if t.raw in (";;", ";&", ";;&"):
                self.case_pattern = True
        self.simple(cur)

    def simple(self, words):
        while words:
            w = words[0]
            if w.kind == "arith":
                words = words[1:]
            elif ASSIGN.match(w.raw):
                self.note_alias(w)
                words = words[1:]
            elif not w.quoted and w.raw in LEADING_KEYWORDS:
                words = words[1:]
            elif not w.quoted and w.raw == "{":
                self.open_group()
                words = words[1:]
            else:
                break
        if not words:
            return
        w0 = words[0].raw if not words[0].quoted else None
        if w0 == "}":
            self.close_group()
            return
        if w0 in ("fi", "done", "esac", "for", "select", "case", "[["):
            return
        if w0 == "function" and len(words) > 1:
            self.define(words[1].val)
            if len(words) > 2 and words[2].raw == "{":
                self.open_group()
            return
        self.call(words, 0, False)

    def note_alias(self, w):
        """name=$K (also after local): name stands for positional parameter K."""
        f = self.func()
        m = re.fullmatch(r'([A-Za-z_][A-Za-z0-9_]*)="?\$\{?([1-9])\}?"?', w.raw)
        if f and m:
            self.alias[f][m.group(1)] = int(m.group(2)) + self.shifts[f]

    def record(self, name, line, how="call"):
        self.scan.record(self.rel, name, line, how)

    # -- one command: words[i] is in command position --
    def call(self, words, i, via_exec):
        if i >= len(words):
            return
        w = words[i]
        line = w.line
        f = self.func()
        if w.kind != "w":
            return
        name = w.val
        m = EXPANSION.fullmatch(name)
        var = m.group(1) if m else None
        if var in ("@", "*"):                   # "$@": the function runs its arguments
            if f:
                self.helper(self.shifts[f], via_exec)
            return
        if var and f and (var.isdigit() or var in self.alias[f]):   # "$2", "$tool" (local tool=$4)
            self.helper((int(var) + self.shifts[f] if var.isdigit() else self.alias[f][var]) - 1,
                        via_exec)
            return
        if DYN in name:
            prog = VARIABLE_COMMANDS.get(self.rel, {}).get(var)
            if prog:
                name = prog
            elif var in PROJECT_VARIABLES or "/" in name:
                if var in PROJECT_VARIABLES:
                    self.project_exec(words, i)
                return                  # the project's own, or a path into the tree
            else:
                if self.scan.recording:
                    self.scan.dynamic[(self.rel, line)].append(shown(name))
                return
        if "/" in name:
            if name.startswith("/"):
                self.record(name, line)
                self.wrapped(os.path.basename(name), words, i, line)
            return                      # ./x, qemu/run, scripts/...: the project's own
        if name in PROJECT_PROGRAMS:
            self.project_exec(words, i)
            return
        if not via_exec:
            known, spec = self.scope.get(name)
            if known:
                spec = EXTRA_HELPERS.get(name, spec)
                if spec == "pair":
                    self.call(words, i + 2, False)
                    for j in range(i + 2, len(words)):
                        if words[j].raw == "--":
                            self.call(words, j + 1, False)
                            break
                elif spec:
                    self.call(words, i + 1 + spec[0], spec[1])
                return
            if name in BUILTINS or name in KEYWORDS:
                self.builtin(name, words, i)
                return
        if self.applets:
            self.record("busybox " + name, line)
            if name == "switch_root":       # switch_root NEWROOT CMD: CMD is the new root's
                sub = Walker(self.scan, self.rel, self.scope, False)
                sub.call(words, i + 2, True)
            return
        self.record(name, line)
        self.wrapped(name, words, i, line)

    def project_exec(self, words, i):
        """`vnitro exec INSTANCE [--] CMD...` runs CMD; `vnitro exec "$@"` makes a helper."""
        if i + 2 >= len(words) or words[i + 1].raw != "exec":
            return
        m = EXPANSION.fullmatch(words[i + 2].val)
        if m and m.group(1) in ("@", "*"):
            f = self.func()
            if f:
                self.helper(self.shifts[f] + 1, True)
            return
        j = i + 3
        if j < len(words) and words[j].raw == "--":
            j += 1
        self.call(words, j, True)

    def builtin(self, name, words, i):
        f = self.func()
        if name == "exec":
            j = i + 1
            while j < len(words) and words[j].raw.startswith("-"):
                j += 2 if words[j].raw == "-a" else 1
            self.call(words, j, True)
        elif name == "command":
            if i + 1 < len(words) and words[i + 1].raw in ("-v", "-V"):
                for w in words[i + 2:]:
                    self.probe(w)
            else:
                self.call(words, i + 1 + (i + 1 < len(words) and words[i + 1].raw == "-p"), False)
        elif name == "builtin":
            self.call(words, i + 1, False)
        elif name == "shift" and f:
            n = words[i + 1].val if i + 1 < len(words) else "1"
            self.shifts[f] += int(n) if n.isdigit() else 1
        elif name in ("local", "declare", "typeset", "export", "readonly"):
            for w in words[i + 1:]:
                self.note_alias(w)
        elif name == "trap" and i + 1 < len(words) and not words[i + 1].raw.startswith("-"):
            self.sub(words[i + 1].val, words[i + 1].line)
        elif name == "eval":
            self.sub(" ".join(w.val for w in words[i + 1:]), words[i].line)
        elif name == "coproc" and i + 1 < len(words):
            if i + 2 < len(words) and words[i + 2].raw == "{":
                self.open_group()
                self.call(words, i + 3, False)
            else:
                self.call(words, i + 1, False)

    def probe(self, w):
        """command -v NAME: the program is looked for; count it as called."""
        name = w.val
        if DYN in name:
            m = EXPANSION.fullmatch(name)
            name = VARIABLE_COMMANDS.get(self.rel, {}).get(m.group(1)) if m else None
            if not name:
                return
        known, _ = self.scope.get(name)
        if not known and name not in BUILTINS and name not in PROJECT_PROGRAMS and "/" not in name:
            self.record(name, w.line, "probe")

    def wrapped(self, name, words, i, line):
        """Programs that run another program given in their arguments."""
        n = len(words)
        raw = [w.raw for w in words]

        def skip_opts(j, with_arg=(), assignments=False):
            """j past the options (and NAME=VALUE words) starting at j."""
            while j < n:
                if raw[j] == "--":
                    return j + 1
                if raw[j].startswith("-"):
                    j += 2 if raw[j] in with_arg else 1
                elif assignments and ASSIGN.match(raw[j]):
                    j += 1
                else:
                    break
            return j

        if name == "ip" and raw[i + 1:i + 3] == ["netns", "exec"]:
            self.call(words, i + 4, True)
        elif name == "timeout":
            j = skip_opts(i + 1, ("-k", "-s", "--kill-after", "--signal"))
            self.call(words, j + 1, True)
        elif name == "env":
            self.call(words, skip_opts(i + 1, ("-u", "-C", "-S", "--unset", "--chdir"), True), True)
        elif name == "nice":
            self.call(words, skip_opts(i + 1, ("-n", "--adjustment")), True)
        elif name in ("nohup", "setsid", "setpriv", "stdbuf"):
            self.call(words, skip_opts(i + 1, ("-o", "-e", "-i")), True)
        elif name == "xargs":
            self.call(words, skip_opts(i + 1, ("-n", "-I", "-P", "-L", "-d", "-a", "-E", "-s")), True)
        elif name == "flock":
            j = skip_opts(i + 1, ("-w", "-E", "--timeout", "--conflict-exit-code"))
            if j + 1 < n and raw[j + 1] in ("-c", "--command"):
                if j + 2 < n:
                    self.sub(words[j + 2].val, words[j + 2].line, Scope({}))
            else:
                self.call(words, j + 1, True)
        elif name == "find":
            for j in range(i + 1, n):
                if raw[j] in ("-exec", "-execdir", "-ok", "-okdir"):
                    self.call(words, j + 1, True)
        elif name in ("sh", "bash", "dash"):
            j = i + 1
            while j < n and raw[j].startswith("-"):
                if "c" in raw[j][1:] and not raw[j].startswith("--") and j + 1 < n:
                    self.sub(words[j + 1].val, words[j + 1].line, Scope({}))
                    break
                j += 1
        elif name == "busybox":
            if i + 1 < n and not raw[i + 1].startswith("-") and DYN not in words[i + 1].val:
                self.record("busybox " + words[i + 1].val, words[i + 1].line)


# ---- makefiles ----------------------------------------------------------------------------

def logical_lines(text):
    """(first line number, text) with backslash-newlines joined."""
    out, buf, start = [], [], None
    for n, line in enumerate(text.split("\n"), 1):
        if start is None:
            start = n
        if line.endswith("\\"):
            buf.append(line[:-1])
            continue
        buf.append(line)
        out.append((start, " ".join(buf)))
        buf, start = [], None
    return out


class Makefile:
    def __init__(self, scan, rel, kbuild=False):
        self.scan, self.rel, self.kbuild = scan, rel, kbuild
        self.vars = {}

    def shell(self, text, line):
        toks, _ = Lexer(text, line).lex()
        Walker(self.scan, self.rel, Scope({})).walk(toks)

    def program(self, name):
        op, value = self.vars.get(name, (None, None))
        if value and re.fullmatch(r"[A-Za-z0-9_.+-]+", value) and (
                name not in MAKE_BUILTIN_VARS or op != "?="):
            return value
        return MAKE_PROGRAMS.get(name)

    def expand(self, text, line):
        """Make's expansion of a recipe: $$ -> $, program variables -> their program,
        $(shell ...) scanned, anything else -> an unknown word."""
        out, i, n = [], 0, len(text)
        while i < n:
            c = text[i]
            if c == "$" and i + 1 < n:
                nx = text[i + 1]
                if nx == "$":
                    out.append("$")
                    i += 2
                elif nx in "({":
                    close = ")" if nx == "(" else "}"
                    depth, j = 0, i + 1
                    while j < n:
                        if text[j] == nx:
                            depth += 1
                        elif text[j] == close:
                            depth -= 1
                            if depth == 0:
                                break
                        j += 1
                    inner = text[i + 2:j]
                    self.shell_calls(inner, line)
                    prog = self.program(inner)
                    out.append(prog if prog else DYN + "make:" + re.sub(r"\W", "_", inner) + END)
                    i = j + 1
                else:
                    out.append(DYN + "make:" + re.sub(r"\W", "_", nx) + END)
                    i += 2
            else:
                out.append(c)
                i += 1
        return "".join(out)

    def shell_calls(self, text, line):
        for m in re.finditer(r"\$[({]shell\s", text):
            depth, j = 0, m.start() + 1
            while j < len(text):
                if text[j] in "({":
                    depth += 1
                elif text[j] in ")}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            self.shell(self.expand(text[m.end():j], line), line)

    def scan_file(self, text):
        in_rule = False
        for line, t in logical_lines(text):
            if t.startswith("\t") and in_rule:
                self.shell(self.expand(t.lstrip("\t").lstrip("@-+ \t"), line), line)
                continue
            st = t.strip()
            if not st or st.startswith("#"):
                continue
            m = re.match(r"(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*"
                         r"(\?=|:=|::=|\+=|!=|=)\s*(.*)", st)
            if m:
                name, op, value = m.groups()
                self.vars[name] = (op, value.strip())
                if self.kbuild and name.startswith("cmd_"):
                    self.shell(self.expand(value, line), line)
                else:
                    self.shell_calls(value, line)
                in_rule = False
                continue
            if re.match(r"[^:=#\t][^=#]*?:(?![=:]=)", st) and not re.match(
                    r"(ifeq|ifneq|ifdef|ifndef|else|endif|define|endef|include|-include)\b", st):
                in_rule = True
                self.shell_calls(st, line)
                continue
            in_rule = False
            self.shell_calls(st, line)


# ---- the scan -------------------------------------------------------------------------------

def kind_of(path):
    name = os.path.basename(path)
    if name in ("Makefile", "Kbuild"):
        return "make"
    try:
        with open(path, errors="replace") as f:
            first = f.readline()
    except OSError:
        return None
    if first.startswith("#!"):
        return "python" if "python" in first else "shell"
    if name.endswith((".sh", ".script")):
        return "shell"
    if name.endswith(".py"):
        return "python"
    return None


class Scan:
    def __init__(self):
        self.calls = defaultdict(list)      # program -> [(file, line, how)]
        self.dynamic = defaultdict(list)    # (file, line) -> [words]
        self.recording = False
        self.changed = False
        self.scopes = {}

    def record(self, rel, name, line, how):
        if self.recording and name not in ALLOWLIST:
            self.calls[name].append((rel, line, how))

    def shebang(self, rel, text, applets):
        first = text.split("\n", 1)[0]
        if not first.startswith("#!"):
            return
        words = first[2:].split()
        if not words:
            return
        if applets:
            self.record(rel, "busybox " + os.path.basename(words[0]), 1, "#!")
            return
        self.record(rel, words[0], 1, "#!")
        if os.path.basename(words[0]) == "env" and len(words) > 1:
            self.record(rel, words[1], 1, "#!")

    def run(self, files):
        texts = {}
        for rel, kind in files:
            with open(os.path.join(TOP, rel), errors="replace") as f:
                texts[rel] = f.read()
        lib = "selftests/lib.sh"
        self.scopes = {rel: {} for rel, _ in files}
        self.scopes.setdefault(lib, {})
        # What each script sources: lib.sh however it is named, and any file of the
        # tree named relative to the script ("$(dirname "$0")/common.sh").
        sources = {}
        for rel, _ in files:
            got = []
            if re.search(r"^\s*(source|\.)\s+.*lib\.sh", texts[rel], re.M):
                got.append(lib)
            for m in re.finditer(r'^\s*(?:source|\.)\s+"?\$\(dirname "\$0"\)/([^"\s]+)"?',
                                 texts[rel], re.M):
                path = os.path.normpath(os.path.join(os.path.dirname(rel), m.group(1)))
                if path in self.scopes and path not in got:
                    got.append(path)
            sources[rel] = got
        # First the functions and which of them take a command, until that settles
        # (helpers hand "$@" on to other helpers), then the calls.
        for _ in range(8):
            self.changed = False
            self.walk_all(files, texts, sources)
            if not self.changed:
                break
        self.recording = True
        self.walk_all(files, texts, sources)
        for name in GUARD_PROGRAMS:
            self.record("scripts/check-deps.py", name,
                        self.line_of("scripts/check-deps.py", "GUARD_PROGRAMS ="), "call")

    def walk_all(self, files, texts, sources):
        for rel, kind in files:
            text = texts[rel]
            applets = rel in APPLETS_ONLY
            if kind in ("shell", "python"):
                self.shebang(rel, text, applets)
            if kind == "shell":
                scope = Scope(self.scopes[rel], [self.scopes[src] for src in sources[rel]])
                toks, _ = Lexer(text).lex()
                Walker(self, rel, scope, applets).walk(toks)
            elif kind == "make":
                Makefile(self, rel, kbuild=os.path.basename(rel) == "Kbuild").scan_file(text)

    @staticmethod
    def line_of(rel, needle):
        with open(os.path.join(TOP, rel)) as f:
            for n, line in enumerate(f, 1):
                if needle in line:
                    return n
        return 1


def project_files(extra):
    files = []
    for rel in SCRIPTS + MAKEFILES + KBUILD:
        if os.path.exists(os.path.join(TOP, rel)):
            files.append((rel, kind_of(os.path.join(TOP, rel))))
    for path in sorted(glob.glob(os.path.join(TOP, "selftests", "**", "*"), recursive=True)):
        if os.path.isfile(path):
            k = kind_of(path) if not path.endswith((".c", ".cc", ".h", ".o", ".json", ".md")) else None
            if k:
                files.append((os.path.relpath(path, TOP), k))
    files.append(("scripts/check-deps.py", "python"))
    for path in extra:
        k = kind_of(path)
        if not k:
            die(f"{path}: neither a shell script, a Python script nor a makefile")
        rel = os.path.relpath(os.path.abspath(path), TOP)
        files.append((os.path.abspath(path) if rel.startswith("..") else rel, k))
    return files


# ---- packages ----------------------------------------------------------------------------------

def output(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, env=dict(os.environ, PATH=":".join(SYSTEM_PATH),
                                                  LC_ALL="C")).stdout
    except FileNotFoundError:
        die(f"{cmd[0]} not found on {':'.join(SYSTEM_PATH)}")


def listed_packages():
    """scripts/deps.sh --list: {package: line in deps.sh}."""
    out = output([os.path.join(TOP, "scripts/deps.sh"), "--list"])
    pkgs = out.split()
    if not pkgs:
        die("scripts/deps.sh --list printed no package")
    lines = {}
    with open(os.path.join(TOP, "scripts/deps.sh")) as f:
        for n, line in enumerate(f, 1):
            for p in pkgs:
                if p not in lines and re.search(rf"(^|\s){re.escape(p)}(\s|$)", line.split("#")[0]):
                    lines[p] = n
    return {p: lines.get(p, 1) for p in pkgs}


def fresh_packages(listed):
    """The packages of a fresh machine after make deps: (set, listed ones not installed)."""
    installed, base = set(), {"apt"}       # debootstrap's minbase: Priority required, plus apt
    fmt = "${Package}\t${Priority}\t${Essential}\t${db:Status-Abbrev}\n"
    for line in output(["dpkg-query", "-W", "-f", fmt]).splitlines():
        pkg, prio, essential, status = (line.split("\t") + ["", "", ""])[:4]
        if status.startswith("ii"):
            installed.add(pkg)
            if prio == "required" or essential == "yes":
                base.add(pkg)
    missing = [p for p in listed if p not in installed]
    roots = sorted((base | set(listed)) & installed)
    out = output(["apt-cache", "depends", "--recurse", "--installed", "--no-recommends",
                  "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                  "--no-enhances"] + roots)
    fresh = set(roots)
    for line in out.splitlines():
        if line and not line[0].isspace() and not line.startswith("<"):
            fresh.add(line.split(":")[0])
    return fresh, missing


def twin(path):
    for a, b in (("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/")):
        if path.startswith(a):
            return b + path[len(a):]
        if path.startswith(b):
            return a + path[len(b):]
    return None


def candidates(path):
    """Paths dpkg may know the program by: itself, each symlink hop, the real file, and
    the merged-/usr twin of each."""
    out = []

    def add(p):
        for q in (p, twin(p)):
            if q and q not in out:
                out.append(q)
    add(path)
    cur = path
    for _ in range(16):
        if not os.path.islink(cur):
            break
        cur = os.path.normpath(os.path.join(os.path.dirname(cur), os.readlink(cur)))
        add(cur)
    add(os.path.realpath(path))
    return out


def owners(paths):
    """dpkg -S for all paths at once: {path: [packages]}."""
    out = {}
    for line in output(["dpkg", "-S"] + sorted(set(paths))).splitlines():
        if line.startswith("diversion by") or ": " not in line:
            continue
        pkgs, path = line.split(": ", 1)
        out.setdefault(path, []).extend(p.strip().split(":")[0] for p in pkgs.split(","))
    return out


def resolve(name):
    if name.startswith("/"):
        return name if os.path.isfile(name) and os.access(name, os.X_OK) else None
    for d in SYSTEM_PATH:
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def main(argv):
    verbose = "-v" in argv[1:]
    extra = [a for a in argv[1:] if a != "-v"]
    if any(a.startswith("-") for a in extra):
        print("usage: check-deps.py [-v] [FILE...]", file=sys.stderr)
        return 2

    scan = Scan()
    scan.run(project_files(extra))
    listed = listed_packages()
    fresh, missing = fresh_packages(listed)

    problems = []       # (file, line, text)
    failed = set()
    for p in missing:
        problems.append(("scripts/deps.sh", listed[p], f"lists {p}, which is not installed here "
                         "(run make deps; the guard needs what it installs)"))

    # Each program: its path on the system PATH, the package owning it.
    paths = {}
    for name in scan.calls:
        prog = name.split()[0]
        paths[prog] = resolve(prog)
    owner = owners(c for p in paths.values() if p for c in candidates(p))
    applets = set()
    if paths.get("busybox"):
        applets = set(output([paths["busybox"], "--list"]).split())

    def why_not(name):
        prog = name.split()[0]
        path = paths[prog]
        if not path:
            here = shutil.which(prog) if not prog.startswith("/") else None
            hint = f" (only {here}, on the caller's PATH)" if here else ""
            return f"not on the system PATH {':'.join(SYSTEM_PATH)}{hint}", None
        pkgs = next((owner[c] for c in candidates(path) if c in owner), None)
        if not pkgs:
            return f"{path} belongs to no Debian package", None
        if not any(p in fresh for p in pkgs):
            return f"{path} is in package {', '.join(pkgs)}, which make deps does not install", None
        if " " in name and name.split(" ", 1)[1] not in applets:
            return f"{path} has no applet {name.split(' ', 1)[1]}", None
        return None, f"{path} ({', '.join(pkgs)})"

    ok = 0
    for name in sorted(scan.calls):
        why, detail = why_not(name)
        if why:
            failed.add(name)
            label = name.replace(" ", " applet ", 1)       # "busybox applet nc"
            for rel, line, how in scan.calls[name]:
                verb = {"probe": "looks for", "#!": "runs under"}.get(how, "calls")
                problems.append((rel, line, f"{verb} {label}: {why}"))
        else:
            ok += 1
            if verbose:
                rel, line, _ = scan.calls[name][0]
                print(f"{PROG}: ok {name}: {detail}, first at {rel}:{line}")
    if verbose:
        for (rel, line), words in sorted(scan.dynamic.items()):
            print(f"{PROG}: {rel}:{line}: not followed: {' '.join(words)}")

    for rel, line, text in sorted(problems, key=lambda p: (p[0], p[1])):
        print(f"{PROG}: {rel}:{line} {text}")
    nfailed = len(failed) + (1 if missing else 0)
    print(f"{ok} passed, {nfailed} failed")
    return 1 if nfailed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
