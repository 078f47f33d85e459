package bash

import (
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// setNames holds, for a command, the variables surely set when it runs,
// which need no check under set -u (unbound.go): those its list assigned
// before it, a declaration giving them a value, an assignment of a
// string or read, in the same function or file, and a for loop's
// variable in its body. An unset, eval or source forgets them, as may a command holding
// one; a function called is taken not to unset them. Fewer checks are
// less text to parse and run.
type setNames map[syntax.Command][]string

// surelySet computes setNames for a script.
func surelySet(file *syntax.File) setNames {
	known := setNames{}
	var list func(stmts []*syntax.Stmt, set []string) []string
	var stmt func(st *syntax.Stmt, set []string)
	list = func(stmts []*syntax.Stmt, set []string) []string {
		for _, st := range stmts {
			stmt(st, set)
			set = setAfter(st, set)
		}
		return set
	}
	stmt = func(st *syntax.Stmt, set []string) {
		if st.Cmd == nil {
			return
		}
		known[st.Cmd] = set
		switch c := st.Cmd.(type) {
		case *syntax.BinaryCmd:
			stmt(c.X, set)
			stmt(c.Y, set)
		case *syntax.Block:
			list(c.Stmts, set)
		case *syntax.Subshell:
			list(c.Stmts, set)
		case *syntax.IfClause:
			for clause := c; clause != nil; clause = clause.Else {
				list(clause.Then, list(clause.Cond, set))
			}
		case *syntax.WhileClause:
			// The body runs after its condition.
			list(c.Do, list(c.Cond, set))
		case *syntax.ForClause:
			inner := set
			if wi, ok := c.Loop.(*syntax.WordIter); ok {
				inner = append(slices.Clip(set), wi.Name.Value)
			}
			list(c.Do, inner)
		case *syntax.CaseClause:
			for _, item := range c.Items {
				list(item.Stmts, set)
			}
		case *syntax.FuncDecl:
			// Called later, from anywhere.
			stmt(c.Body, nil)
		}
	}
	list(file.Stmts, nil)
	return known
}

// setAfter is the names surely set after a statement of a list, from
// set, those before it. set is never changed in place: lists nested in
// the statement share it.
func setAfter(st *syntax.Stmt, set []string) []string {
	if st.Background || st.Coprocess || st.Cmd == nil {
		return set
	}
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		if len(c.Args) == 0 {
			for _, as := range c.Assigns {
				if as.Name != nil && as.Index == nil && as.Array == nil && !slices.Contains(set, as.Name.Value) {
					set = append(slices.Clip(set), as.Name.Value)
				}
			}
			return set
		}
	case *syntax.DeclClause:
		if declaresNameref(c) {
			return set
		}
		switch c.Variant.Value {
		case "declare", "local", "typeset", "export", "readonly":
		default:
			return set
		}
		for _, as := range c.Args {
			if !as.Naked && as.Name != nil && as.Index == nil && as.Array == nil && !slices.Contains(set, as.Name.Value) {
				set = append(slices.Clip(set), as.Name.Value)
			}
		}
		return set
	}
	if forgets(st) {
		return nil
	}
	if call, ok := st.Cmd.(*syntax.CallExpr); ok && call.Args[0].Lit() == "read" {
		// read sets its variables, empty at the end of its input.
		for _, name := range readNames(call.Args[1:]) {
			if !slices.Contains(set, name) {
				set = append(slices.Clip(set), name)
			}
		}
	}
	return set
}

// readNames are the variables read assigns, by the words after its name;
// none with -a (an array), or words that are not all literal.
func readNames(words []*syntax.Word) []string {
	var names []string
	valued := false
	for _, w := range words {
		word := w.Lit()
		switch {
		case word == "":
			return nil
		case valued:
			valued = false
		case strings.HasPrefix(word, "-") && len(names) == 0:
			if strings.Contains(word, "a") {
				return nil
			}
			// An option taking a value, as the word's last letter, takes
			// the next word when it has none attached.
			valued = strings.ContainsAny(word[len(word)-1:], "dinNptu")
		case syntax.ValidName(word):
			names = append(names, word)
		default:
			return nil
		}
	}
	if len(names) == 0 {
		names = []string{"REPLY"}
	}
	return names
}

// forgets reports whether a statement may unset variables: it holds
// unset, eval, source or ., or a command named by an expansion.
func forgets(st *syntax.Stmt) bool {
	found := false
	walk(st, func(node syntax.Node) bool {
		if call, ok := node.(*syntax.CallExpr); ok && len(call.Args) > 0 {
			switch name := call.Args[0].Lit(); name {
			case "unset", "eval", "source", ".", "":
				found = true
			}
		}
		return !found
	})
	return found
}
