package bash

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter parses `let` as a keyword whose arguments are arithmetic
// expressions, so a quoted argument ("3 - 1") is read as one operand. In
// bash let is a builtin: its arguments are expanded as words, then each is
// evaluated as an expression. compatSource turns the keyword into a call
// of letCommand, which does the second step.
const letCommand = "__devstack_let"

// let evaluates each argument as an arithmetic expression; the status is
// 1 when the last one evaluates to 0, as in bash.
func (s *Session) let(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) == 0 {
		fmt.Fprintln(hc.Stderr, "let: expression expected")
		return interp.ExitStatus(1)
	}
	// An array element may be assigned (arrayarith.go).
	env := newArithEnv(ctx)
	value := 0
	for _, arg := range args {
		expr, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Arithmetic(strings.NewReader(arg))
		if err == nil && expr == nil {
			err = fmt.Errorf("expression expected")
		}
		if err == nil {
			env.standIn(expr, arg)
			value, err = expand.Arithm(env.cfg, expr)
		}
		if err == nil {
			err = env.err
		}
		if err != nil {
			if aerr := env.apply(ctx); aerr != nil {
				return aerr
			}
			var readonly readonlyError
			if errors.As(err, &readonly) {
				// Not the expression's fault: bash's words.
				s.shellError(hc, "%s", readonly.Error())
				return interp.ExitStatus(1)
			}
			fmt.Fprintf(hc.Stderr, "let: %s: syntax error: %v\n", arg, err)
			return interp.ExitStatus(1)
		}
	}
	if err := env.apply(ctx); err != nil {
		return err
	}
	if value == 0 {
		return interp.ExitStatus(1)
	}
	return nil
}

// letEnv is the shell's variables as let's expressions see them: the
// assignments they make are kept in order, for apply to make in the shell.
type letEnv struct {
	base  expand.Environ
	set   map[string]expand.Variable
	order []string
	// elements are the array elements assigned (elementTargets): by
	// the name standing for each, the element as assigned and its value
	// before.
	elements map[string][2]string
}

func (e *letEnv) Get(name string) expand.Variable {
	if vr, ok := e.set[name]; ok {
		return vr
	}
	if el, ok := e.elements[name]; ok {
		return expand.Variable{Set: true, Kind: expand.String, Str: el[1]}
	}
	return e.base.Get(name)
}

func (e *letEnv) Each(f func(name string, vr expand.Variable) bool) {
	e.base.Each(func(name string, vr expand.Variable) bool {
		if _, ok := e.set[name]; ok {
			return true
		}
		return f(name, vr)
	})
	for _, name := range e.order {
		if !f(name, e.set[name]) {
			return
		}
	}
}

func (e *letEnv) Set(name string, vr expand.Variable) error {
	if e.base.Get(name).ReadOnly {
		return readonlyError{name}
	}
	if _, ok := e.set[name]; !ok {
		e.order = append(e.order, name)
	}
	e.set[name] = vr
	return nil
}

// apply makes the assignments in the shell, where a function's local
// variables are the ones assigned, as in bash.
func (e *letEnv) apply(ctx context.Context) error {
	var b strings.Builder
	for _, name := range e.order {
		vr := e.set[name]
		switch vr.Kind {
		case expand.Indexed:
			fmt.Fprintf(&b, "%s=(", name)
			for i, v := range vr.List {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(quoteWord(v))
			}
			b.WriteString(") ")
		default:
			if el, ok := e.elements[name]; ok {
				name = el[0]
			}
			fmt.Fprintf(&b, "%s=%s ", name, quoteWord(vr.String()))
		}
	}
	if b.Len() == 0 {
		return nil
	}
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", b.String()})
}

// secondsCommand is an assignment to SECONDS, rewritten by compatSource
// to run with the value in secondsValue: bash then counts on from the
// value assigned.
const (
	secondsCommand = "__devstack_seconds"
	secondsValue   = "__devstack_seconds_value"
)

func (s *Session) setSeconds(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	raw := strings.TrimSpace(hc.Env.Get(secondsValue).String())
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		// bash reads the value as an arithmetic expression.
		if expr, perr := syntax.NewParser().Arithmetic(strings.NewReader(raw)); perr == nil && expr != nil {
			if v, aerr := expand.Arithm(&expand.Config{Env: hc.Env}, expr); aerr == nil {
				n = int64(v)
			}
		}
	}
	s.secondsBase.Store(time.Now().Unix() - n)
	return nil
}

// seconds is $SECONDS: whole seconds since the shell started or since
// SECONDS was assigned, plus the value assigned.
func (s *Session) seconds() expand.Variable {
	return expand.Variable{Set: true, Kind: expand.String, Str: strconv.FormatInt(time.Now().Unix()-s.secondsBase.Load(), 10)}
}
