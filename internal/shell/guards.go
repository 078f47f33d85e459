package shell

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Inputs that make the interpreter panic, and what bash does with them
// instead:
//
//   - a variable looked up by the empty name: `unset ""`, `test -v ""`,
//     `[[ -v $name ]]` with name empty. bash finds no such variable (and
//     unset -v says the name is not valid);
//   - `shift -N`: bash refuses a negative count;
//   - arithmetic assigning to an array element (arrayarith.go);
//   - an associative array's literal with elements without a subscript.
//
// guardCall handles the commands, guardSource rewrites [[ -v ]], the
// arithmetic and the literals.

// guardCommand runs a command guardCall took: `__devstack_guard NAME ARGS`.
const guardCommand = "__devstack_guard"

// guardCall routes the commands above to guardCommand (done is true), or
// gives test a name it can look up; other commands are left as they are.
func guardCall(args []string) (_ []string, done bool) {
	switch args[0] {
	case "unset":
		if slices.Contains(args[1:], "") {
			return append([]string{guardCommand}, args...), true
		}
	case "shift":
		if len(args) == 2 {
			if n, err := strconv.Atoi(args[1]); err == nil && n < 0 {
				return append([]string{guardCommand}, args...), true
			}
		}
	case "test", "[":
		for i := 1; i+1 < len(args); i++ {
			if args[i] == "-v" && args[i+1] == "" {
				// No variable has this name either, and the
				// interpreter can look it up.
				args = slices.Clone(args)
				args[i+1] = noSuchName
			}
		}
	}
	return args, false
}

// noSuchName is a variable name that is never set: what an empty name is
// looked up as.
const noSuchName = " "

// guard runs the commands guardCall routed to guardCommand.
func (s *Session) guard(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) == 0 {
		return nil
	}
	s.mu.Lock()
	where := (*s.stack())[len(*s.stack())-1].source
	s.mu.Unlock()
	complain := func(format string, a ...any) {
		fmt.Fprintf(hc.Stderr, "%s: line %d: %s\n", where, hc.Pos.Line(), fmt.Sprintf(format, a...))
	}
	switch args[0] {
	case "unset":
		// Only unset -v says so; an empty name is no variable and no
		// function either way.
		vars := false
		var rest []string
		status := 0
		for _, arg := range args[1:] {
			switch {
			case arg == "-v":
				vars = true
			case arg == "" && vars:
				complain("unset: `': not a valid identifier")
				status = 1
				continue
			case arg == "":
				continue
			}
			rest = append(rest, arg)
		}
		if err := hc.Builtin(ctx, append([]string{"unset"}, rest...)); err != nil {
			return err
		}
		return exitStatus(status)
	case "shift":
		complain("shift: %s: shift count out of range", args[1])
		return interp.ExitStatus(1)
	}
	return nil
}

// guardSource rewrites, in a script's text, `-v WORD` in [[ ]] where WORD
// is one parameter ($name, "${name}") to `-v "${name:- }"`, and `-v ""` to
// `-v " "`: an empty value is a name no variable has.
func guardSource(name string, src []byte) []byte {
	if !containsAny(src, "-v", "((", "-A") {
		return src
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil {
		return src
	}
	edits := append(arithEdits(file, src), assocEdits(file, src)...)
	syntax.Walk(file, func(node syntax.Node) bool {
		test, ok := node.(*syntax.UnaryTest)
		if !ok || test.Op != syntax.TsVarSet {
			return true
		}
		word, ok := test.X.(*syntax.Word)
		if !ok {
			return true
		}
		whole := Edit{Offset: word.Pos().Offset(), Remove: word.End().Offset() - word.Pos().Offset()}
		if param := loneParam(word); param != nil {
			whole.Text = `"${` + param.Param.Value + ":-" + noSuchName + `}"`
			edits = append(edits, whole)
		} else if emptyQuotes(word) {
			whole.Text = `"` + noSuchName + `"`
			edits = append(edits, whole)
		}
		return true
	})
	return ApplyEdits(src, edits)
}

// loneParam is the parameter a word is made of alone, quoted or not, with
// no operator: $name, ${name}, "$name".
func loneParam(word *syntax.Word) *syntax.ParamExp {
	parts := word.Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	if len(parts) != 1 {
		return nil
	}
	pe, ok := parts[0].(*syntax.ParamExp)
	if !ok || pe.Param == nil || pe.Excl || pe.Length || pe.Width || pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Names != 0 || pe.Exp != nil {
		return nil
	}
	return pe
}

// emptyQuotes reports whether a word is made of empty quotes only: "", ”.
func emptyQuotes(word *syntax.Word) bool {
	for _, part := range word.Parts {
		switch p := part.(type) {
		case *syntax.SglQuoted:
			if p.Value != "" {
				return false
			}
		case *syntax.DblQuoted:
			if len(p.Parts) > 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// An associative array's literal with elements without a subscript makes
// the interpreter panic. bash takes `declare -A a=(k1 v1 k2 v2)` as pairs
// of key and value (a key left over gets the empty value), and drops, with
// a warning, an element without a subscript among ones with one.
// assocEdits rewrites a declaration with -A whose literal has no
// subscripts into the declaration of an empty array followed by
// assocPairsCommand with the literal's words, and drops the elements
// without a subscript from one that has some.

// assocPairsCommand is `__devstack_assocpairs NAME WORDS...`.
const assocPairsCommand = "__devstack_assocpairs"

func assocEdits(file *syntax.File, src []byte) []Edit {
	var edits []Edit
	syntax.Walk(file, func(node syntax.Node) bool {
		dc, ok := node.(*syntax.DeclClause)
		if !ok || !declaresAssoc(dc) {
			return true
		}
		var pairs []string
		for _, as := range dc.Args {
			if as.Array == nil || as.Name == nil || as.Append || len(as.Array.Elems) == 0 {
				continue
			}
			var indexed, plain []*syntax.ArrayElem
			for _, elem := range as.Array.Elems {
				switch {
				case elem.Index != nil:
					indexed = append(indexed, elem)
				case elem.Value != nil:
					plain = append(plain, elem)
				}
			}
			if len(plain) == 0 {
				continue
			}
			if len(indexed) > 0 {
				for _, elem := range plain {
					edits = append(edits, Edit{Offset: elem.Pos().Offset(), Remove: elem.End().Offset() - elem.Pos().Offset()})
				}
				continue
			}
			words := []string{assocPairsCommand, as.Name.Value}
			for _, elem := range plain {
				text := string(src[elem.Pos().Offset():elem.End().Offset()])
				if strings.Contains(text, "\n") {
					return true
				}
				if !strings.ContainsAny(text, `"'\`) {
					// bash splits no word of the literal.
					text = `"` + text + `"`
				}
				words = append(words, text)
			}
			// The literal's lines stay, empty.
			inside := src[as.Array.Lparen.Offset()+1 : as.Array.Rparen.Offset()]
			edits = append(edits, Edit{Offset: as.Array.Lparen.Offset() + 1, Remove: uint(len(inside)),
				Text: strings.Repeat("\n", bytes.Count(inside, []byte("\n")))})
			pairs = append(pairs, strings.Join(words, " "))
		}
		if len(pairs) > 0 {
			edits = append(edits, Edit{Offset: dc.Pos().Offset(), Text: "{ "},
				Edit{Offset: dc.End().Offset(), Text: " && " + strings.Join(pairs, " && ") + "; }"})
		}
		return true
	})
	return edits
}

// declaresAssoc reports whether a declaration has the -A option.
func declaresAssoc(dc *syntax.DeclClause) bool {
	for _, as := range dc.Args {
		if as.Naked && as.Name == nil && as.Value != nil {
			if lit := as.Value.Lit(); strings.HasPrefix(lit, "-") && strings.Contains(lit, "A") {
				return true
			}
		}
	}
	return false
}

// assocPairs is assocPairsCommand: NAME[KEY]=VALUE for each pair of words.
func (s *Session) assocPairs(ctx context.Context, args []string) error {
	if len(args) < 1 {
		return nil
	}
	name, words := args[0], args[1:]
	if len(words)%2 == 1 {
		words = append(words, "")
	}
	var b strings.Builder
	for i := 0; i < len(words); i += 2 {
		fmt.Fprintf(&b, "%s[%s]=%s\n", name, quoteWord(words[i]), quoteWord(words[i+1]))
	}
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", b.String()})
}
