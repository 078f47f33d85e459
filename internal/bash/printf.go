package bash

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// The interpreter's printf lacks %q, %(...)T, %b's \c, the # flag and
// integer precision, and reads numbers its own way. printfCommand is
// bash's printf (printf.def): the format is reused while arguments
// remain, a missing argument is an empty string or 0, a number may be
// octal, hexadecimal or 'C (the character's code), and -v assigns the
// output to a variable.
const printfCommand = "__devstack_printf"

const printfUsage = "printf: usage: printf [-v var] format [arguments]"

// shellStart is when the shell started, %(...)T's -2.
var shellStart = time.Now()

// printfState is one printf run: its output, its arguments and what has
// gone wrong.
type printfState struct {
	out    strings.Builder
	args   []string
	used   int // arguments consumed by the current pass of the format
	status uint8
	// stop is set by \c in a %b argument: nothing more is written.
	stop   bool
	where  string
	errs   []string
	utf8   bool
	tz     *time.Location
	counts map[string]int // %n assignments
}

func (p *printfState) next() (string, bool) {
	if len(p.args) == 0 {
		return "", false
	}
	a := p.args[0]
	p.args = p.args[1:]
	p.used++
	return a, true
}

func (p *printfState) fail(format string, a ...any) {
	p.errs = append(p.errs, fmt.Sprintf("%s printf: "+format, append([]any{p.where}, a...)...))
	p.status = 1
}

// printf runs the printf builtin.
func (s *Session) printf(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	where := s.bashWhere(hc.Pos.Line())
	variable := ""
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if !strings.HasPrefix(a, "-v") {
			fmt.Fprintf(hc.Stderr, "%s printf: %s: invalid option\n%s\n", where, a[:2], printfUsage)
			return interp.ExitStatus(2)
		}
		variable = a[2:]
		args = args[1:]
		if variable == "" {
			if len(args) == 0 {
				fmt.Fprintf(hc.Stderr, "%s printf: -v: option requires an argument\n%s\n", where, printfUsage)
				return interp.ExitStatus(2)
			}
			variable, args = args[0], args[1:]
		}
	}
	if variable != "" && !validTarget(variable) {
		fmt.Fprintf(hc.Stderr, "%s printf: `%s': not a valid identifier\n", where, variable)
		return interp.ExitStatus(2)
	}
	if len(args) == 0 {
		fmt.Fprintln(hc.Stderr, printfUsage)
		return interp.ExitStatus(2)
	}
	p := &printfState{args: args[1:], where: where, utf8: utf8Locale(hc.Env), tz: timeZone(hc.Env)}
	format := args[0]
	for {
		p.used = 0
		if !p.pass(format) {
			break
		}
		if p.stop || len(p.args) == 0 || p.used == 0 {
			break
		}
	}
	for _, e := range p.errs {
		fmt.Fprintln(hc.Stderr, e)
	}
	for name, n := range p.counts {
		if err := Assign(ctx, name, strconv.Itoa(n)); err != nil {
			return err
		}
	}
	if variable != "" {
		if s.refuseReadonly(hc, variable) {
			return interp.ExitStatus(1)
		}
		if err := assignTarget(ctx, variable, p.out.String()); err != nil {
			return err
		}
	} else {
		fmt.Fprint(hc.Stdout, p.out.String())
	}
	if p.status != 0 {
		return interp.ExitStatus(p.status)
	}
	return nil
}

// validTarget reports whether -v names a variable or an array element.
func validTarget(name string) bool {
	base, index, isElem := strings.Cut(name, "[")
	if isElem && !strings.HasSuffix(index, "]") {
		return false
	}
	return base != "" && isName(base)
}

func isName(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// assignTarget assigns a value to a variable or an array element.
func assignTarget(ctx context.Context, name, value string) error {
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", name + "=" + quoteWord(value)})
}

// pass runs the format once; false when an error ends printf.
func (p *printfState) pass(format string) bool {
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch c {
		case '\\':
			n := p.formatEscape(format[i:])
			i += n - 1
			continue
		case '%':
		default:
			p.out.WriteByte(c)
			continue
		}
		n, ok := p.conversion(format[i:])
		if !ok {
			return false
		}
		if p.stop {
			return true
		}
		i += n - 1
	}
	return true
}

// conversion runs the conversion spec at the start of spec and says how
// long it is.
func (p *printfState) conversion(spec string) (int, bool) {
	i := 1
	if i < len(spec) && spec[i] == '%' {
		p.out.WriteByte('%')
		return 2, true
	}
	var flags strings.Builder
	for i < len(spec) && strings.IndexByte("-+ #0'", spec[i]) >= 0 {
		if spec[i] != '\'' {
			flags.WriteByte(spec[i])
		}
		i++
	}
	width, hasWidth := 0, false
	if i < len(spec) && spec[i] == '*' {
		width, hasWidth = int(p.intArg()), true
		i++
	} else {
		start := i
		for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
			i++
		}
		if i > start {
			width, _ = strconv.Atoi(spec[start:i])
			hasWidth = true
		}
	}
	prec, hasPrec := 0, false
	if i < len(spec) && spec[i] == '.' {
		i++
		hasPrec = true
		if i < len(spec) && spec[i] == '*' {
			prec = int(p.intArg())
			i++
		} else {
			start := i
			for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
				i++
			}
			prec, _ = strconv.Atoi(spec[start:i])
		}
		if prec < 0 {
			hasPrec = false
		}
	}
	if width < 0 {
		// A negative width from * is a - flag.
		flags.WriteByte('-')
		width = -width
	}
	// Length modifiers mean nothing here.
	for i < len(spec) && strings.IndexByte("hlLjzt", spec[i]) >= 0 {
		i++
	}
	if i >= len(spec) {
		p.fail("`%s': missing format character", spec)
		return i, false
	}
	f := numberFormat{flags: flags.String(), width: width, hasWidth: hasWidth, prec: prec, hasPrec: hasPrec}
	conv := spec[i]
	i++
	switch conv {
	case 's':
		arg, _ := p.next()
		p.out.WriteString(f.pad(f.cut(arg)))
	case 'b':
		arg, _ := p.next()
		text, stop, badHex := expandEscapes(arg)
		if badHex {
			p.fail("missing hex digit for \\x")
		}
		p.out.WriteString(f.pad(f.cut(text)))
		p.stop = stop
	case 'q', 'Q':
		arg, _ := p.next()
		if conv == 'Q' {
			arg = f.cut(arg)
		}
		quoted := shellQuote(arg, p.utf8)
		if conv == 'q' {
			quoted = f.cut(quoted)
		}
		p.out.WriteString(f.pad(quoted))
	case 'c':
		arg, _ := p.next()
		ch := "\x00"
		if arg != "" {
			ch = arg[:1]
			if p.utf8 {
				_, size := utf8.DecodeRuneInString(arg)
				ch = arg[:size]
			}
		}
		p.out.WriteString(f.pad(ch))
	case 'd', 'i':
		p.out.WriteString(f.integer(p.intArg(), true, 10, false))
	case 'u', 'o', 'x', 'X':
		v := p.intArg()
		base := map[byte]int{'u': 10, 'o': 8, 'x': 16, 'X': 16}[conv]
		p.out.WriteString(f.integer(v, false, base, conv == 'X'))
	case 'f', 'F', 'e', 'E', 'g', 'G', 'a', 'A':
		p.out.WriteString(f.float(p.floatArg(), conv))
	case 'n':
		name, ok := p.next()
		if ok && isName(name) {
			if p.counts == nil {
				p.counts = map[string]int{}
			}
			p.counts[name] = p.out.Len()
		}
	case '(':
		// The time format runs to the matching parenthesis.
		depth, end := 1, i
		for ; end < len(spec); end++ {
			if spec[end] == '(' {
				depth++
			} else if spec[end] == ')' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		next := byte(0)
		if end+1 < len(spec) {
			next = spec[end+1]
		}
		if next != 'T' {
			// bash warns, writes the % and goes on after it.
			p.errs = append(p.errs, fmt.Sprintf("%s printf: warning: `%c': invalid time format specification", p.where, next))
			p.out.WriteByte('%')
			return 1, true
		}
		layout := spec[i:end]
		i = end + 2
		if layout == "" {
			layout = "%X"
		}
		p.out.WriteString(f.pad(f.cut(strftime(layout, p.timeArg()))))
	default:
		p.fail("`%c': invalid format character", conv)
		return i, false
	}
	return i, true
}

// intArg reads the next argument as bash reads a number: decimal, 0NNN
// octal, 0xNN hexadecimal, or 'C for C's code. A bad one is reported and
// counts as what could be read of it.
func (p *printfState) intArg() int64 {
	arg, _ := p.next()
	if v, ok := charCode(arg, p.utf8); ok {
		return v
	}
	s := strings.TrimLeft(arg, " \t\n")
	if s == "" {
		if arg != "" {
			p.fail("%s: invalid number", arg)
		}
		return 0
	}
	end, v, overflow := parseInteger(s)
	switch {
	case end == 0:
		p.fail("%s: invalid number", arg)
		return 0
	case overflow:
		p.fail("%s: Numerical result out of range", arg)
	case end < len(s):
		p.fail("%s: invalid number", arg)
	}
	return v
}

// charCode is the value of a 'C or "C argument.
func charCode(arg string, isUTF8 bool) (int64, bool) {
	if arg == "" || arg[0] != '\'' && arg[0] != '"' {
		return 0, false
	}
	rest := arg[1:]
	if rest == "" {
		return 0, true
	}
	if isUTF8 {
		if r, size := utf8.DecodeRuneInString(rest); r != utf8.RuneError || size > 1 {
			return int64(r), true
		}
	}
	return int64(rest[0]), true
}

// parseInteger reads the longest number at the start of s as strtoimax
// with base 0 does: the length read, the value, and whether it
// overflowed (the value is then the limit).
func parseInteger(s string) (end int, v int64, overflow bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	digitsStart := i
	if i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < len(s) && isDigitIn(s[i+2], 16) {
		base, i = 16, i+2
		digitsStart = i
	} else if i < len(s) && s[i] == '0' {
		base = 8
	}
	var u uint64
	for i < len(s) && isDigitIn(s[i], base) {
		d := uint64(digitValue(s[i]))
		if u > (math.MaxUint64-d)/base {
			overflow = true
		} else {
			u = u*base + d
		}
		i++
	}
	if i == digitsStart {
		return 0, 0, false
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	if u > limit {
		overflow = true
	}
	if overflow {
		if neg {
			return i, math.MinInt64, true
		}
		return i, math.MaxInt64, true
	}
	if neg {
		return i, -int64(u), false
	}
	return i, int64(u), false
}

func isDigitIn(c byte, base uint64) bool {
	d := digitValue(c)
	return d >= 0 && uint64(d) < base
}

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// floatArg reads the next argument as a floating point number.
func (p *printfState) floatArg() float64 {
	arg, _ := p.next()
	if v, ok := charCode(arg, p.utf8); ok {
		return float64(v)
	}
	s := strings.TrimLeft(arg, " \t\n")
	if s == "" {
		if arg != "" {
			p.fail("%s: invalid number", arg)
		}
		return 0
	}
	// The longest prefix that parses, as strtold reads.
	for end := len(s); end > 0; end-- {
		v, err := strconv.ParseFloat(s[:end], 64)
		if err == nil || errors.Is(err, strconv.ErrRange) {
			if end < len(s) {
				p.fail("%s: invalid number", arg)
			}
			return v
		}
	}
	p.fail("%s: invalid number", arg)
	return 0
}

// timeArg reads the next argument as %(...)T does: seconds since the
// epoch, -1 (or nothing) for now, -2 for when the shell started.
func (p *printfState) timeArg() time.Time {
	if len(p.args) == 0 {
		return time.Now().In(p.tz)
	}
	v := p.intArg()
	switch v {
	case -1:
		return time.Now().In(p.tz)
	case -2:
		return shellStart.In(p.tz)
	}
	return time.Unix(v, 0).In(p.tz)
}

// numberFormat is a conversion's flags, width and precision.
type numberFormat struct {
	flags       string
	width, prec int
	hasWidth    bool
	hasPrec     bool
}

func (f numberFormat) has(flag byte) bool { return strings.IndexByte(f.flags, flag) >= 0 }

// cut applies a precision to a string: at most that many bytes.
func (f numberFormat) cut(s string) string {
	if f.hasPrec && f.prec < len(s) {
		return s[:f.prec]
	}
	return s
}

// pad pads a string to the width, on the left unless the - flag.
func (f numberFormat) pad(s string) string {
	if len(s) >= f.width {
		return s
	}
	fill := strings.Repeat(" ", f.width-len(s))
	if f.has('-') {
		return s + fill
	}
	return fill + s
}

// integer formats an integer as C's printf does.
func (f numberFormat) integer(v int64, signed bool, base int, upper bool) string {
	var digits, sign, prefix string
	if signed {
		if v < 0 {
			sign = "-"
			digits = strconv.FormatUint(uint64(-(v+1))+1, base)
		} else {
			digits = strconv.FormatInt(v, base)
			if f.has('+') {
				sign = "+"
			} else if f.has(' ') {
				sign = " "
			}
		}
	} else {
		digits = strconv.FormatUint(uint64(v), base)
	}
	if upper {
		digits = strings.ToUpper(digits)
	}
	if f.hasPrec {
		if f.prec == 0 && v == 0 {
			digits = ""
		}
		if len(digits) < f.prec {
			digits = strings.Repeat("0", f.prec-len(digits)) + digits
		}
	}
	if f.has('#') {
		switch {
		case base == 8 && !strings.HasPrefix(digits, "0"):
			digits = "0" + digits
		case base == 16 && v != 0 && upper:
			prefix = "0X"
		case base == 16 && v != 0:
			prefix = "0x"
		}
	}
	body := sign + prefix + digits
	if len(body) < f.width && f.has('0') && !f.has('-') && !f.hasPrec {
		return sign + prefix + strings.Repeat("0", f.width-len(body)) + digits
	}
	return f.pad(body)
}

// float formats a floating point number as C's printf does.
func (f numberFormat) float(v float64, conv byte) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		text := "inf"
		if math.IsNaN(v) {
			text = "nan"
		}
		if conv >= 'A' && conv <= 'Z' {
			text = strings.ToUpper(text)
		}
		switch {
		case math.Signbit(v):
			text = "-" + text
		case f.has('+'):
			text = "+" + text
		case f.has(' '):
			text = " " + text
		}
		return f.pad(text)
	}
	prec := 6
	if f.hasPrec {
		prec = f.prec
	}
	verb := conv
	switch conv {
	case 'F':
		verb = 'f'
	case 'a':
		verb = 'x'
	case 'A':
		verb = 'X'
	case 'g', 'G':
		if prec == 0 {
			prec = 1
		}
	}
	layout := "%" + f.flags
	if f.hasWidth {
		layout += strconv.Itoa(f.width)
	}
	if conv != 'a' && conv != 'A' || f.hasPrec {
		layout += "." + strconv.Itoa(prec)
	}
	out := fmt.Sprintf(layout+string(verb), v)
	if conv == 'a' || conv == 'A' {
		// C writes the exponent without leading zeros.
		out = trimHexExponent(out)
	}
	return out
}

// trimHexExponent turns Go's p+02 into C's p+2.
func trimHexExponent(s string) string {
	i := strings.LastIndexAny(s, "pP")
	if i < 0 || i+2 >= len(s) {
		return s
	}
	exp := strings.TrimLeft(s[i+2:], "0")
	if exp == "" || exp[0] == ' ' {
		exp = "0" + exp
	}
	return s[:i+2] + exp
}

// formatEscape writes the backslash escape at the start of s, as the
// format string knows them, and says how long it is. An unknown one is
// written as it is.
func (p *printfState) formatEscape(s string) int {
	out := &p.out
	if len(s) < 2 {
		out.WriteString(s)
		return len(s)
	}
	c := s[1]
	if simple, ok := simpleEscape(c); ok {
		out.WriteByte(simple)
		return 2
	}
	switch {
	case c >= '0' && c <= '7':
		v, n := octal(s[1:], 3)
		out.WriteByte(byte(v))
		return 1 + n
	case c == 'x':
		if v, n := hexDigits(s[2:], 2); n > 0 {
			out.WriteByte(byte(v))
			return 2 + n
		}
		p.fail("missing hex digit for \\x")
	case c == 'u' || c == 'U':
		max := 4
		if c == 'U' {
			max = 8
		}
		if v, n := hexDigits(s[2:], max); n > 0 {
			out.WriteRune(rune(v))
			return 2 + n
		}
	case c == '"' || c == '\'' || c == '?':
		out.WriteByte(c)
		return 2
	}
	out.WriteString(s[:2])
	return 2
}

// simpleEscape is a one-letter escape's character.
func simpleEscape(c byte) (byte, bool) {
	switch c {
	case 'a':
		return '\a', true
	case 'b':
		return '\b', true
	case 'e', 'E':
		return 0x1b, true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'v':
		return '\v', true
	case '\\':
		return '\\', true
	}
	return 0, false
}

// expandEscapes expands the escapes of a %b argument, as echo -e does;
// stop is set by \c, which ends the output; badHex by a \x without
// digits.
func expandEscapes(s string) (text string, stop, badHex bool) {
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			out.WriteByte(s[i])
			continue
		}
		c := s[i+1]
		if simple, ok := simpleEscape(c); ok {
			out.WriteByte(simple)
			i++
			continue
		}
		switch {
		case c == 'c':
			return out.String(), true, badHex
		case c == '0':
			v, n := octal(s[i+2:], 3)
			out.WriteByte(byte(v))
			i += 1 + n
		case c >= '1' && c <= '7':
			v, n := octal(s[i+1:], 3)
			out.WriteByte(byte(v))
			i += n
		case c == 'x':
			v, n := hexDigits(s[i+2:], 2)
			if n == 0 {
				out.WriteString(`\x`)
				badHex = true
				i++
				continue
			}
			out.WriteByte(byte(v))
			i += 1 + n
		case c == 'u' || c == 'U':
			max := 4
			if c == 'U' {
				max = 8
			}
			v, n := hexDigits(s[i+2:], max)
			if n == 0 {
				out.WriteByte('\\')
				out.WriteByte(c)
				i++
				continue
			}
			out.WriteRune(rune(v))
			i += 1 + n
		default:
			out.WriteByte('\\')
			out.WriteByte(c)
			i++
		}
	}
	return out.String(), false, badHex
}

func octal(s string, max int) (int, int) {
	v, n := 0, 0
	for n < max && n < len(s) && s[n] >= '0' && s[n] <= '7' {
		v = v*8 + int(s[n]-'0')
		n++
	}
	return v, n
}

func hexDigits(s string, max int) (int, int) {
	v, n := 0, 0
	for n < max && n < len(s) && isDigitIn(s[n], 16) {
		v = v*16 + digitValue(s[n])
		n++
	}
	return v, n
}

// backslashQuoted are the characters %q escapes with a backslash.
const backslashQuoted = " \t\n!\"$&'()*,;<>?[\\]^`{|}"

// shellQuote quotes a word as bash's %q does: ” for nothing, $'...' for
// a word with characters that do not print, else backslashes.
func shellQuote(s string, isUTF8 bool) string {
	if s == "" {
		return "''"
	}
	if needsANSIQuote(s, isUTF8) {
		return ansiQuote(s, isUTF8)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(backslashQuoted, c) >= 0,
			c == '#' && i == 0,
			c == '~' && (i == 0 || s[i-1] == ':' || s[i-1] == '='):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func needsANSIQuote(s string, isUTF8 bool) bool {
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if isUTF8 && s[i] >= 0x80 {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return true
			}
		} else if s[i] >= 0x80 {
			return true
		}
		if !unicode.IsPrint(r) && r != ' ' {
			return true
		}
		i += size
	}
	return false
}

// ansiQuote is $'...' quoting.
func ansiQuote(s string, isUTF8 bool) string {
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case 0x1b:
			b.WriteString(`\E`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		case '\\', '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			if isUTF8 && c >= 0x80 {
				if r, size := utf8.DecodeRuneInString(s[i:]); !(r == utf8.RuneError && size == 1) && unicode.IsPrint(r) {
					b.WriteString(s[i : i+size])
					i += size
					continue
				}
			}
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&b, "\\%03o", c)
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('\'')
	return b.String()
}

// utf8Locale reports whether the locale's characters are UTF-8.
func utf8Locale(env expand.Environ) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := env.Get(name).String(); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// timeZone is the zone TZ names when it is exported, as bash sets the
// zone then; local time without it.
func timeZone(env expand.Environ) *time.Location {
	tz := env.Get("TZ")
	if !tz.IsSet() || !tz.Exported {
		return time.Local
	}
	name := strings.TrimPrefix(tz.String(), ":")
	if name == "" {
		return time.UTC
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}
