package bash

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// headCommand is head printing the first lines of standard input: head
// -N, head -nN, head -n N.
func headCommand(args []string) (coreutilFunc, bool) {
	var count string
	switch {
	case len(args) == 1 && strings.HasPrefix(args[0], "-n"):
		count = args[0][2:]
	case len(args) == 1 && strings.HasPrefix(args[0], "-"):
		count = args[0][1:]
	case len(args) == 2 && args[0] == "-n":
		count = args[1]
	default:
		return nil, false
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 0 || strconv.Itoa(n) != count {
		return nil, false
	}
	return func(stdin io.Reader, stdout, stderr io.Writer) int {
		if n == 0 {
			return 0
		}
		in := bufio.NewReader(stdin)
		out := bufio.NewWriter(stdout)
		var readErr error
		for range n {
			line, err := in.ReadString('\n')
			out.WriteString(line)
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				break
			}
		}
		// As head does, a file read from is left just past the lines
		// printed, for whatever reads it next.
		if f, ok := stdin.(*os.File); ok && in.Buffered() > 0 {
			f.Seek(-int64(in.Buffered()), io.SeekCurrent)
		}
		if err := out.Flush(); err != nil {
			return writeStatus("head", err, stderr)
		}
		if readErr != nil {
			fmt.Fprintf(stderr, "head: error reading 'standard input': %v\n", readErr)
			return 1
		}
		return 0
	}, true
}

// awkPrint is the awk programs answered here: print one field of each
// line, or of each line holding a word.
var awkPrint = regexp.MustCompile(`^[ \t]*(?:/([A-Za-z0-9_-]+)/[ \t]*)?\{[ \t]*print[ \t]+\$([0-9]+)[ \t]*;?[ \t]*\}[ \t]*$`)

// awkCommand is awk '{print $N}' and awk '/WORD/ {print $N}', reading
// standard input, with blanks between fields or with -F C, C one of a few
// characters that awk takes literally.
func awkCommand(args []string) (coreutilFunc, bool) {
	sep := ""
	switch {
	case len(args) == 3 && args[0] == "-F":
		sep = args[1]
		args = args[2:]
	case len(args) == 2 && strings.HasPrefix(args[0], "-F"):
		sep = args[0][2:]
		args = args[1:]
	}
	if len(args) != 1 {
		return nil, false
	}
	if sep != "" && (len(sep) != 1 || !strings.Contains(":,=;/@", sep)) {
		return nil, false
	}
	m := awkPrint.FindStringSubmatch(args[0])
	if m == nil {
		return nil, false
	}
	word := m[1]
	field, err := strconv.Atoi(m[2])
	if err != nil || field > 1<<20 {
		return nil, false
	}
	return func(stdin io.Reader, stdout, stderr io.Writer) int {
		lines := lineFilter{name: "awk", readError: "read error", status: 2, alwaysNewline: true}
		return lines.runSelect(stdin, stdout, stderr, func(line string) (string, bool) {
			if word != "" && !strings.Contains(line, word) {
				return "", false
			}
			if field == 0 {
				return line, true
			}
			var fields []string
			if sep == "" {
				fields = strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' })
			} else {
				fields = strings.Split(line, sep)
			}
			if field > len(fields) {
				return "", true
			}
			return fields[field-1], true
		})
	}, true
}
