package bash

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
)

// systemProgram is where the system's program name is, or "".
func systemProgram(name string) string {
	for _, dir := range []string{"/usr/bin/", "/bin/"} {
		if info, err := os.Stat(dir + name); err == nil && info.Mode().IsRegular() {
			return dir + name
		}
	}
	return ""
}

// ipRoutes is what `ip route` prints, which scripts read with awk.
const ipRoutes = "default via 10.0.2.2 dev eth0 proto dhcp src 10.0.2.15 metric 100 \n" +
	"10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 metric 100 \n" +
	"172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown \n"

// runProgram runs a program in dir on input, in the environment the
// in-process forms are compared in, and returns its output, its error
// output and its status.
func runProgram(t *testing.T, dir, path string, args []string, input string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = []string{"LANG=C.UTF-8", "PATH=/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader(input)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatal(err)
		}
		status = exit.ExitCode()
	}
	return out.String(), errOut.String(), status
}

// TestCoreutilsAsPrograms runs each form both as the system's program and
// in-process, on the same input, and wants the same output and status.
func TestCoreutilsAsPrograms(t *testing.T) {
	text := "Hello World\nfoo.bar.baz\n[a,b, c]\n  spaced\tout \n\nUPPER lower 123\n#comment = x\nlast line without newline"
	cases := []struct {
		args  []string
		input string
	}{
		{[]string{"tr", "[:upper:]", "[:lower:]"}, text},
		{[]string{"tr", "[:lower:]", "[:upper:]"}, text + "\xc3\xa9\xff"},
		{[]string{"tr", "a-z", "A-Z"}, text},
		{[]string{"tr", "-d", "[]"}, text},
		{[]string{"tr", "-d", " "}, text},
		{[]string{"tr", "-d", "[:space:]"}, text},
		{[]string{"tr", "-d", "."}, text},
		{[]string{"tr", "-d", `"`}, `say "hi"`},
		{[]string{"tr", "-cd", "[:alnum:]"}, text},
		{[]string{"tr", "-dc", "a-f0-9"}, text},
		{[]string{"tr", ",", `\n`}, "a,b,c"},
		{[]string{"tr", ", ", `\n`}, "a, b,c d"},
		{[]string{"tr", " ", ","}, "a b c\n"},
		{[]string{"tr", `\n`, " "}, "a\nb\nc\n"},
		{[]string{"tr", "-", "_"}, "a-b-c"},
		{[]string{"tr", "#", "-"}, text},
		{[]string{"tr", "/", " "}, "/usr/local/bin"},
		{[]string{"tr", "abc", "x"}, "aabbcc dd"},
		{[]string{"tr", "aa", "xy"}, "banana"},
		{[]string{"tr", "a", "xyz"}, "banana"},
		{[]string{"tr", "[:upper:]", "[:lower:]"}, ""},
		{[]string{"cut", "-f1", "-d."}, text},
		{[]string{"cut", "-d.", "-f1-2"}, text},
		{[]string{"cut", "-d", ".", "-f", "2"}, text},
		{[]string{"cut", "-d", ".", "-f", "2-"}, text},
		{[]string{"cut", "-d", ".", "-f", "-2"}, text},
		{[]string{"cut", "-d", ".", "-f", "5"}, text},
		{[]string{"cut", "-d#", "-f1"}, text},
		{[]string{"cut", "-d", " ", "-f2"}, text},
		{[]string{"cut", "-f2", "-d'"}, "a'b'c\nnone\n"},
		{[]string{"cut", "-d", "=", "-f", "1"}, text},
		{[]string{"cut", "-c1"}, text},
		{[]string{"cut", "-c2-"}, text},
		{[]string{"cut", "-c", "23-"}, "0123456789012345678901234567890\nshort\n"},
		{[]string{"cut", "-c", "3-5"}, text},
		{[]string{"cut", "-c1"}, ""},
		{[]string{"cut", "-c1"}, "ab\ncd"},
		{[]string{"cut", "-c1"}, "\xc3\xa9t\xc3\xa9\n"},
		{[]string{"basename", "https://github.com/openvswitch/ovs.git"}, ""},
		{[]string{"basename", "/root/.pyenv/versions/3.11.7"}, ""},
		{[]string{"basename", "/usr/lib/"}, ""},
		{[]string{"basename", "/"}, ""},
		{[]string{"basename", "//"}, ""},
		{[]string{"basename", ""}, ""},
		{[]string{"basename", "plain"}, ""},
		{[]string{"basename", "disk.img", ".img"}, ""},
		{[]string{"basename", ".img", ".img"}, ""},
		{[]string{"basename", "/a/b.tar.gz/", ".gz"}, ""},
		{[]string{"dirname", "/tmp/ds-master/stackrc"}, ""},
		{[]string{"dirname", "stackrc"}, ""},
		{[]string{"dirname", "/stackrc"}, ""},
		{[]string{"dirname", "a/b/"}, ""},
		{[]string{"dirname", "a//b//"}, ""},
		{[]string{"dirname", "/"}, ""},
		{[]string{"dirname", "//"}, ""},
		{[]string{"dirname", "//a"}, ""},
		{[]string{"dirname", ""}, ""},
		{[]string{"dirname", "."}, ""},
		{[]string{"dirname", "../x"}, ""},
		{[]string{"uname", "-m"}, ""},
		{[]string{"uname", "-s"}, ""},
		{[]string{"uname", "-r"}, ""},
		{[]string{"uname", "-n"}, ""},
		{[]string{"wc", "-l"}, text},
		{[]string{"wc", "-l"}, ""},
		{[]string{"wc", "-l"}, strings.Repeat("line\n", 100000)},
		{[]string{"id", "-u"}, ""},
		{[]string{"id", "-g"}, ""},
		{[]string{"sed", "-e", `s/\\/\\\\/g`, "-e", `s/&/\\&/g`}, `a\b & c\\d&&` + "\nplain\n"},
		{[]string{"sed", "s#%command#get_or_add_user_project_role admin#g"}, "running: %command\n%command and %command"},
		{[]string{"sed", "s#%command#a&b#g"}, "x %command y\n"},
		{[]string{"sed", "s/a/b/"}, "aaa\nbab\n\n"},
		{[]string{"sed", "s/a/b/g"}, "aaa\nbab"},
		{[]string{"sed", `s/1\.2/1\/2/g`}, "1.2 1x2 1.2\n"},
		{[]string{"sed", `s|x|\|y|`}, "axb\n"},
		{[]string{"sed", "s/a+b?/[&]/g"}, "a+b? ab a+b?\n"},
		{[]string{"sed", "-e", "s/-//g"}, "a-b-c\n"},
		{[]string{"sed", "s/\\[/(/g"}, "[x] [y]\n"},
		{[]string{"sed", "s/ab/xy/g"}, "\xc3\xa9ab\xff ab\n"},
		{[]string{"sed", "/temporary/d"}, "inet 10.0.0.1/24 scope global temporary dynamic\ninet 10.0.0.2/24 scope global\nlast temporary"},
		{[]string{"sed", "-e", "/b/d", "-e", "s/a/x/g"}, "abc\naaa\nb\n\n"},
		{[]string{"sed", "-e", "s/a/b/g", "-e", "/b/d"}, "abc\naaa\nccc\n"},
		{[]string{"head", "-1"}, text},
		{[]string{"head", "-1"}, ""},
		{[]string{"head", "-1"}, "no newline"},
		{[]string{"head", "-n", "3"}, text},
		{[]string{"head", "-n2"}, "a\nb"},
		{[]string{"head", "-n", "0"}, text},
		{[]string{"head", "-20"}, text},
		{[]string{"head", "-1"}, strings.Repeat("long line ", 10000) + "\nsecond\n"},
		{[]string{"awk", "{print $5}"}, ipRoutes},
		{[]string{"awk", "/default/ {print $5}"}, ipRoutes},
		{[]string{"awk", "{ print $2 }"}, "Release:\t12\n"},
		{[]string{"awk", "{print $1}"}, text},
		{[]string{"awk", "{print $0}"}, text},
		{[]string{"awk", "{print $3;}"}, "  a   b\t\t c  d \n\n   \n"},
		{[]string{"awk", "/via/{print $3}"}, ipRoutes + "no newline via x y"},
		{[]string{"awk", "-F", ":", "{print $2}"}, "root:x:0:0::/root:/bin/bash\n::\n\nnone\n"},
		{[]string{"awk", "-F=", "{print $1}"}, "a = b\n=c\n"},
		{[]string{"awk", "-F", "/", "{print $4}"}, "/usr/local/bin/x\n"},
		{[]string{"awk", "/inet6/ {print $2}"}, "\xc3\xa9 inet6 fe80::1/64\n inet 10.0.0.1\n"},
	}
	env := expand.ListEnviron("LANG=C.UTF-8", "PATH=/usr/bin:/bin")
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			path := systemProgram(c.args[0])
			if path == "" {
				t.Skipf("no %s on this system", c.args[0])
			}
			run, ok := coreutil(path, c.args, env, t.TempDir())
			if !ok {
				t.Fatalf("%q is not answered in-process", c.args)
			}
			var out, errOut bytes.Buffer
			status := run(strings.NewReader(c.input), &out, &errOut)

			want, wantErr, wantStatus := runProgram(t, "", path, c.args[1:], c.input)
			if out.String() != want || status != wantStatus || errOut.String() != wantErr {
				t.Errorf("in-process: status %d, %q, stderr %q\nprogram:    status %d, %q, stderr %q",
					status, out.String(), errOut.String(), wantStatus, want, wantErr)
			}
		})
	}
}

// TestCoreutilsDeclined: forms not known, programs found elsewhere than
// the system's directories, and other locales run the program.
func TestCoreutilsDeclined(t *testing.T) {
	utf8 := expand.ListEnviron("LANG=C.UTF-8")
	cases := []struct {
		path string
		args []string
		env  expand.Environ
	}{
		{"/opt/stubs/tr", []string{"tr", "a", "b"}, utf8},
		{"/usr/local/bin/cut", []string{"cut", "-c1"}, utf8},
		{"/usr/bin/tr", []string{"tr", "a", "b"}, expand.ListEnviron("LC_ALL=fr_FR.ISO-8859-1")},
		{"/usr/bin/tr", []string{"tr", "-s", " "}, utf8},
		{"/usr/bin/tr", []string{"tr", "[:space:]", "x"}, utf8},
		{"/usr/bin/tr", []string{"tr", "[=e=]", "x"}, utf8},
		{"/usr/bin/tr", []string{"tr", "[a*3]", "x"}, utf8},
		{"/usr/bin/tr", []string{"tr", `\101`, "x"}, utf8},
		{"/usr/bin/tr", []string{"tr", "z-a", "x"}, utf8},
		{"/usr/bin/tr", []string{"tr", "a"}, utf8},
		{"/usr/bin/tr", []string{"tr", "-d", "a", "b"}, utf8},
		{"/usr/bin/cut", []string{"cut", "-c1", "file"}, utf8},
		{"/usr/bin/cut", []string{"cut", "-f1"}, utf8},
		{"/usr/bin/cut", []string{"cut", "-s", "-f1", "-d."}, utf8},
		{"/usr/bin/cut", []string{"cut", "-f1,3", "-d."}, utf8},
		{"/usr/bin/cut", []string{"cut", "--delimiter=-", "--field", "1"}, utf8},
		{"/usr/bin/cut", []string{"cut", "-c0"}, utf8},
		{"/usr/bin/basename", []string{"basename", "-a", "x", "y"}, utf8},
		{"/usr/bin/basename", []string{"basename", "a", "b", "c"}, utf8},
		{"/usr/bin/dirname", []string{"dirname", "a", "b"}, utf8},
		{"/usr/bin/uname", []string{"uname", "-a"}, utf8},
		{"/usr/bin/uname", []string{"uname"}, utf8},
		{"/usr/bin/head", []string{"head", "-1", "file"}, utf8},
		{"/usr/bin/head", []string{"head", "-c", "1"}, utf8},
		{"/usr/bin/head", []string{"head", "-n", "-1"}, utf8},
		{"/usr/bin/head", []string{"head", "-n", "+1"}, utf8},
		{"/usr/bin/head", []string{"head", "-01"}, utf8},
		{"/usr/bin/head", []string{"head", "-1k"}, utf8},
		{"/usr/bin/head", []string{"head"}, utf8},
		{"/usr/bin/awk", []string{"awk", "{print $1}", "file"}, utf8},
		{"/usr/bin/awk", []string{"awk", "{print $1, $2}"}, utf8},
		{"/usr/bin/awk", []string{"awk", "{print $NF}"}, utf8},
		{"/usr/bin/awk", []string{"awk", "/a.b/ {print $1}"}, utf8},
		{"/usr/bin/awk", []string{"awk", "-F", " ", "{print $1}"}, utf8},
		{"/usr/bin/awk", []string{"awk", "-F", "|", "{print $1}"}, utf8},
		{"/usr/bin/awk", []string{"awk", "-F", "::", "{print $1}"}, utf8},
		{"/usr/bin/awk", []string{"awk", "-v", "x=1", "{print $1}"}, utf8},
		{"/usr/bin/awk", []string{"awk", "{print $1}; END {print}"}, utf8},
		{"/usr/local/bin/awk", []string{"awk", "{print $1}"}, utf8},
		{"/usr/bin/date", []string{"date"}, utf8},
		{"/usr/bin/date", []string{"date", "+%F"}, utf8},
		{"/usr/bin/date", []string{"date", "+%s %H"}, utf8},
		{"/usr/bin/date", []string{"date", "-u", "+%s"}, utf8},
		{"/usr/bin/date", []string{"date", "+%4N"}, utf8},
		{"/usr/bin/wc", []string{"wc", "-l", "file"}, utf8},
		{"/usr/bin/wc", []string{"wc", "-c"}, utf8},
		{"/usr/bin/id", []string{"id", "-un"}, utf8},
		{"/usr/bin/sed", []string{"sed", "-n", "s/a/b/p"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/a/b/", "file"}, utf8},
		{"/usr/bin/sed", []string{"sed", "-i", "s/a/b/", "file"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/a.c/b/"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/^a/b/"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/a$/b/"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/a*/b/"}, utf8},
		{"/usr/bin/sed", []string{"sed", `s/\(a\)/\1/`}, utf8},
		{"/usr/bin/sed", []string{"sed", `s/a/\n/`}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/a/b/2"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/a/b/gi"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s//b/"}, utf8},
		{"/usr/bin/sed", []string{"sed", "/x.y/d"}, utf8},
		{"/usr/bin/sed", []string{"sed", "/x/D"}, utf8},
		{"/usr/bin/sed", []string{"sed", "/x/!d"}, utf8},
		{"/usr/bin/sed", []string{"sed", "/x/d;p"}, utf8},
		{"/usr/bin/sed", []string{"sed", "-n", "/x/d"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/a/b"}, utf8},
		{"/usr/bin/sed", []string{"sed", "s/\xc3\xa9/e/"}, utf8},
		{"/usr/bin/sed", []string{"sed", `s|a\|b|x|`}, utf8},
	}
	for _, c := range cases {
		if _, ok := coreutil(c.path, c.args, c.env, "/nonexistent"); ok {
			t.Errorf("%s %q is answered in-process; it must run the program", c.path, c.args)
		}
	}
}

// TestCoreutilsDate: date +FORMAT of the epoch's seconds and fractions
// prints what the program prints, between a run of the program before
// and one after.
func TestCoreutilsDate(t *testing.T) {
	path := systemProgram("date")
	if path == "" {
		t.Skip("no date on this system")
	}
	for _, format := range []string{"+%s%3N", "+%s", "+%s.%N", "+%s%6N", "+x%s-%9N"} {
		run, ok := coreutil(path, []string{"date", format}, expand.ListEnviron(), "/")
		if !ok {
			t.Fatalf("date %s is not answered in-process", format)
		}
		program := func() string {
			out, err := exec.Command(path, format).Output()
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		before := program()
		var out bytes.Buffer
		if status := run(nil, &out, &out); status != 0 {
			t.Fatalf("date %s: status %d", format, status)
		}
		after := program()
		got := out.String()
		if len(got) != len(before) || got < before || got > after {
			t.Errorf("date %s: in-process %q, program %q before and %q after", format, got, before, after)
		}
	}
}
