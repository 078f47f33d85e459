package bash

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// printFunction renders a function definition as bash prints it back
// (print_cmd.c), for type and command -V: `NAME () `, the body's
// commands one a line, each but the last ended by `;`, four spaces of
// indentation a level, elif as an if nested in else. Words are written as
// the script wrote them. src is the text the declaration was parsed from.
func printFunction(fd *syntax.FuncDecl, src []byte) string {
	p := &bashPrinter{src: src}
	p.function(fd, false)
	return p.b.String()
}

type bashPrinter struct {
	b      strings.Builder
	src    []byte
	indent int
	// skip is how many commands to come start without indentation: the
	// right side of && and the like.
	skip   int
	inFunc int
	// heredocs are the here-documents whose bodies follow the command
	// being printed.
	heredocs []*syntax.Redirect
	// afterHeredoc is set once here-document bodies ended a line: the
	// command separator is that line's end.
	afterHeredoc bool
}

func (p *bashPrinter) text(n syntax.Node) string {
	return string(p.src[n.Pos().Offset():n.End().Offset()])
}

// word is a word's text as bash prints it back: a command substitution's
// commands printed again, $'...' as the single-quoted string it stands
// for.
func (p *bashPrinter) word(n syntax.Node) string {
	start, end := n.Pos().Offset(), n.End().Offset()
	var edits []Edit
	walk(n, func(node syntax.Node) bool {
		switch x := node.(type) {
		case *syntax.CmdSubst:
			if x.Backquotes {
				return false
			}
			sub := &bashPrinter{src: p.src}
			sub.list(x.Stmts)
			sub.flushHeredocs("")
			inner := sub.b.String()
			if strings.HasPrefix(inner, "(") {
				inner = " " + inner
			}
			edits = append(edits, Edit{Offset: x.Pos().Offset() - start, Remove: x.End().Offset() - x.Pos().Offset(), Text: "$(" + inner + ")"})
			return false
		case *syntax.SglQuoted:
			if x.Dollar {
				edits = append(edits, Edit{Offset: x.Pos().Offset() - start, Remove: x.End().Offset() - x.Pos().Offset(),
					Text: "'" + strings.ReplaceAll(decodeANSI(x.Value), "'", `'\''`) + "'"})
			}
			return false
		}
		return true
	})
	return flatten(string(ApplyEdits(p.src[start:end], edits)))
}

// decodeANSI is the value of the text of a $'...' string.
func decodeANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		c := s[i+1]
		if simple, ok := simpleEscape(c); ok {
			b.WriteByte(simple)
			i++
			continue
		}
		switch {
		case c >= '0' && c <= '7':
			v, n := octal(s[i+1:], 3)
			b.WriteByte(byte(v))
			i += n
		case c == 'x' || c == 'u' || c == 'U':
			max := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
			v, n := hexDigits(s[i+2:], max)
			if n == 0 {
				b.WriteString(s[i : i+2])
				i++
				continue
			}
			if c == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += 1 + n
		case c == 'c' && i+2 < len(s):
			b.WriteByte(s[i+2] & 0x1f)
			i += 2
		case c == '\'' || c == '"' || c == '?':
			b.WriteByte(c)
			i++
		default:
			b.WriteString(s[i : i+2])
			i++
		}
	}
	return b.String()
}

func (p *bashPrinter) write(s string) { p.b.WriteString(s) }

func (p *bashPrinter) newline(s string) {
	p.write("\n" + strings.Repeat(" ", p.indent) + s)
}

// semicolon ends a list before a keyword, unless a line or & ended it;
// the here-documents pending are written first.
func (p *bashPrinter) semicolon() {
	p.flushHeredocs("")
	out := p.b.String()
	if len(out) > 0 && (out[len(out)-1] == '&' || out[len(out)-1] == '\n') {
		return
	}
	p.write(";")
}

func (p *bashPrinter) startCommand() {
	if p.skip > 0 {
		p.skip--
		return
	}
	p.write(strings.Repeat(" ", p.indent))
}

// function prints a function; nested is a definition inside another's
// body, which bash marks with the function keyword.
func (p *bashPrinter) function(fd *syntax.FuncDecl, nested bool) {
	name := fd.Name.Value
	if nested || syntax.IsKeyword(name) {
		p.write("function ")
	}
	p.write(name + " () \n")
	old := p.indent
	if nested {
		p.write(strings.Repeat(" ", p.indent))
	}
	p.write("{ \n")
	p.inFunc++
	p.indent += 4
	body := fd.Body
	if block, ok := body.Cmd.(*syntax.Block); ok {
		p.list(block.Stmts)
	} else {
		p.stmt(&syntax.Stmt{Cmd: body.Cmd, Negated: body.Negated})
	}
	p.flushHeredocs("")
	p.indent = old
	p.inFunc--
	if len(body.Redirs) > 0 {
		p.newline("} ")
		p.redirects(body.Redirs)
	} else {
		p.newline("}")
	}
}

// list prints statements with bash's separators.
func (p *bashPrinter) list(stmts []*syntax.Stmt) {
	for i, st := range stmts {
		p.stmt(st)
		last := i == len(stmts)-1
		switch {
		case st.Background:
			p.write(" &")
			if !last {
				p.write(" ")
				p.skip++
			}
		case last:
		default:
			switch {
			case len(p.heredocs) > 0:
				// The bodies end the line.
				p.flushHeredocs("")
				p.afterHeredoc = false
			case p.afterHeredoc:
				// Bodies written at the end of a compound command
				// ended its line: bash leaves out the next separator.
				p.afterHeredoc = false
			default:
				p.write(";")
			}
			if p.inFunc > 0 {
				p.write("\n")
			} else {
				p.write(" ")
				p.skip++
			}
		}
	}
}

// flushHeredocs writes the bodies of the here-documents pending.
func (p *bashPrinter) flushHeredocs(sep string) {
	if len(p.heredocs) == 0 {
		return
	}
	p.write(sep + "\n")
	for _, rd := range p.heredocs {
		body, delim := "", rd.Word.Lit()
		if rd.Hdoc != nil {
			body = p.text(rd.Hdoc)
		}
		if rd.Op == syntax.DashHdoc {
			// <<- drops the tabs that start its lines.
			lines := strings.Split(body, "\n")
			for i := range lines {
				lines[i] = strings.TrimLeft(lines[i], "\t")
			}
			body = strings.Join(lines, "\n")
		}
		// The body's text may run on to its closing line.
		if body != delim && !strings.HasSuffix(body, "\n"+delim) {
			body += delim
		}
		p.write(body + "\n")
	}
	p.heredocs = nil
	p.afterHeredoc = true
}

func (p *bashPrinter) stmt(st *syntax.Stmt) {
	if _, isList := st.Cmd.(*syntax.BinaryCmd); !isList || st.Negated {
		// A list is indented by its first command.
		p.startCommand()
		if isList {
			p.skip++
		}
	}
	if st.Negated {
		p.write("! ")
	}
	p.command(st.Cmd)
	if len(st.Redirs) > 0 {
		if st.Cmd != nil {
			p.write(" ")
		}
		p.redirects(st.Redirs)
	}
}

func (p *bashPrinter) redirects(rds []*syntax.Redirect) {
	for i, rd := range rds {
		if i > 0 {
			p.write(" ")
		}
		n := ""
		if rd.N != nil {
			n = rd.N.Value
		}
		switch rd.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			p.write(n + rd.Op.String() + p.text(rd.Word))
			p.heredocs = append(p.heredocs, rd)
		case syntax.DplOut, syntax.DplIn:
			// A descriptor or - is written with the one it redirects;
			// a word (>&$fd) as it was.
			if _, err := strconv.Atoi(rd.Word.Lit()); (err == nil || rd.Word.Lit() == "-") && n == "" {
				n = map[syntax.RedirOperator]string{syntax.DplOut: "1", syntax.DplIn: "0"}[rd.Op]
			}
			p.write(n + rd.Op.String() + p.word(rd.Word))
		default:
			if (n == "1" && rd.Op != syntax.RdrIn) || (n == "0" && rd.Op == syntax.RdrIn) {
				n = ""
			}
			p.write(n + rd.Op.String() + " " + p.word(rd.Word))
		}
	}
}

func (p *bashPrinter) command(cmd syntax.Command) {
	switch c := cmd.(type) {
	case nil:
	case *syntax.CallExpr:
		var words []string
		for _, as := range c.Assigns {
			words = append(words, p.word(as))
		}
		for _, w := range c.Args {
			words = append(words, p.word(w))
		}
		p.write(strings.Join(words, " "))
	case *syntax.DeclClause:
		words := []string{c.Variant.Value}
		for _, as := range c.Args {
			words = append(words, p.word(as))
		}
		p.write(strings.Join(words, " "))
	case *syntax.BinaryCmd:
		p.stmt(c.X)
		p.write(" " + c.Op.String() + " ")
		p.skip++
		p.stmt(c.Y)
	case *syntax.IfClause:
		p.ifClause(c)
	case *syntax.WhileClause:
		if c.Until {
			p.write("until ")
		} else {
			p.write("while ")
		}
		p.skip++
		p.list(c.Cond)
		p.semicolon()
		p.write(" do\n")
		p.body(c.Do)
		p.semicolon()
		p.newline("done")
	case *syntax.ForClause:
		switch loop := c.Loop.(type) {
		case *syntax.WordIter:
			p.write("for " + loop.Name.Value + " in")
			if !loop.InPos.IsValid() {
				p.write(` "$@"`)
			}
			for _, w := range loop.Items {
				p.write(" " + p.word(w))
			}
			p.write(";")
		case *syntax.CStyleLoop:
			p.write("for ((" + p.arith(loop.Init) + "; " + p.arith(loop.Cond) + "; " + p.arith(loop.Post) + "))")
		}
		p.newline("do\n")
		p.body(c.Do)
		p.semicolon()
		p.newline("done")
	case *syntax.CaseClause:
		p.write("case " + p.word(c.Word) + " in ")
		p.indent += 4
		for _, item := range c.Items {
			var pats []string
			for _, w := range item.Patterns {
				pats = append(pats, p.word(w))
			}
			p.newline(strings.Join(pats, " | ") + ")\n")
			p.body(item.Stmts)
			p.flushHeredocs("")
			p.newline(item.Op.String())
		}
		p.indent -= 4
		p.newline("esac")
	case *syntax.Block:
		p.write("{ ")
		if p.inFunc > 0 {
			p.write("\n")
			p.indent += 4
			p.list(c.Stmts)
			p.flushHeredocs("")
			p.write("\n")
			p.indent -= 4
			p.write(strings.Repeat(" ", p.indent))
		} else {
			p.skip++
			p.list(c.Stmts)
			p.semicolon()
			p.write(" ")
		}
		p.write("}")
	case *syntax.Subshell:
		p.write("( ")
		p.skip++
		p.list(c.Stmts)
		p.flushHeredocs("")
		p.write(" )")
	case *syntax.ArithmCmd:
		inner := string(p.src[c.Left.Offset()+2 : c.Right.Offset()])
		p.write("(( " + strings.TrimSpace(flatten(inner)) + " ))")
	case *syntax.TestClause:
		p.write("[[ " + p.test(c.X) + " ]]")
	case *syntax.LetClause:
		words := []string{"let"}
		for _, x := range c.Exprs {
			words = append(words, p.text(x))
		}
		p.write(strings.Join(words, " "))
	case *syntax.TimeClause:
		p.write("time ")
		if c.PosixFormat {
			p.write("-p ")
		}
		if c.Stmt != nil {
			p.skip++
			p.stmt(c.Stmt)
		}
	case *syntax.FuncDecl:
		p.function(c, true)
	default:
		p.write(flatten(p.text(cmd)))
	}
}

// body prints a compound command's statements one level in.
func (p *bashPrinter) body(stmts []*syntax.Stmt) {
	p.indent += 4
	p.list(stmts)
	p.indent -= 4
}

func (p *bashPrinter) ifClause(c *syntax.IfClause) {
	p.write("if ")
	p.skip++
	p.list(c.Cond)
	p.semicolon()
	p.write(" then\n")
	p.body(c.Then)
	if e := c.Else; e != nil {
		p.semicolon()
		p.newline("else\n")
		p.indent += 4
		if e.ThenPos.IsValid() {
			// elif: an if of its own in the else part.
			p.write(strings.Repeat(" ", p.indent))
			p.ifClause(e)
		} else {
			p.list(e.Then)
		}
		p.indent -= 4
	}
	p.semicolon()
	p.newline("fi")
}

func (p *bashPrinter) arith(x syntax.ArithmExpr) string {
	if x == nil {
		return ""
	}
	return p.text(x)
}

// test prints a [[ ]] expression with single spaces.
func (p *bashPrinter) test(x syntax.TestExpr) string {
	switch t := x.(type) {
	case *syntax.BinaryTest:
		return p.test(t.X) + " " + t.Op.String() + " " + p.test(t.Y)
	case *syntax.UnaryTest:
		return t.Op.String() + " " + p.test(t.X)
	case *syntax.ParenTest:
		return "( " + p.test(t.X) + " )"
	}
	return p.word(x)
}
