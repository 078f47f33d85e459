package bash

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Associative arrays. The interpreter stores one as a Go map and lists
// it sorted by key (or by value, for ${m[@]}) or in random order; it
// counts ${#m[@]} as 1, ignores m+=(...), and reads a subscript such as
// m[a-b] as arithmetic. bash lists an associative array in the order of
// its hash table and reads every subscript of one as a string. The
// session rewrites the script (arraySource) so that these expansions and
// assignments go through the commands below, which see the variables as
// they are and answer as bash would.
const (
	// subscriptCommand prints what a subscript the interpreter would read
	// as arithmetic stands for: the text itself for an associative
	// array, its arithmetic value for any other variable. It runs in a
	// command substitution that replaces the subscript.
	subscriptCommand = "__devstack_subscript"
	// viewsCommand sets the variables that stand, for one statement, for
	// the list expansions, indirections and -v tests it holds.
	viewsCommand = "__devstack_views"
	// arrayAssignCommand assigns an array literal with subscripts:
	// NAME =|+= KEY VALUE...
	arrayAssignCommand = "__devstack_arrayassign"
)

// hashBuckets is the size of the hash table bash starts an associative
// array with; it grows fourfold once it holds twice as many entries.
const hashBuckets = 1024

// bashHash is bash's hash_string: 32-bit FNV-1 over the bytes, each read
// as a signed char.
func bashHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h *= 16777619
		h ^= uint32(int32(int8(s[i])))
	}
	return h
}

// arrayOrder records when each key went into an associative array, by
// the array's name: bash lists the keys that share a hash bucket latest
// first, and the interpreter's map keeps no order. The views before
// each element assignment and literal record the keys that are new
// (views, kinds n and a).
type arrayOrder struct {
	seq  uint64
	keys map[string]map[string]uint64
}

// note records keys going into the array name; reset first forgets the
// keys it had, for a literal that replaces them all.
func (s *Session) note(name string, reset bool, keys ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &s.arrays
	if o.keys == nil {
		o.keys = map[string]map[string]uint64{}
	}
	if reset || o.keys[name] == nil {
		o.keys[name] = map[string]uint64{}
	}
	for _, k := range keys {
		o.seq++
		o.keys[name][k] = o.seq
	}
}

// insertions is when the keys of an array went in.
func (s *Session) insertions(name string) map[string]uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.arrays.keys[name])
}

// assocKeys lists the keys of an associative array in the order bash
// does: by hash bucket, and within a bucket the latest insertion first.
// A key whose insertion the session did not see comes after those it
// did, in byte order.
func assocKeys(m map[string]string, order map[string]uint64) []string {
	buckets := uint32(hashBuckets)
	for uint32(len(m)) > buckets*2 {
		buckets *= 4
	}
	type entry struct {
		key    string
		bucket uint32
		seq    uint64
	}
	entries := make([]entry, 0, len(m))
	for k := range m {
		entries = append(entries, entry{k, bashHash(k) & (buckets - 1), order[k]})
	}
	slices.SortFunc(entries, func(a, b entry) int {
		switch {
		case a.bucket != b.bucket:
			return int(a.bucket) - int(b.bucket)
		case a.seq != b.seq:
			return cmp.Compare(b.seq, a.seq)
		}
		return strings.Compare(a.key, b.key)
	})
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.key
	}
	return keys
}

// lookup is a variable as the running shell sees it, following a
// nameref.
func lookup(env expand.Environ, name string) (string, expand.Variable) {
	vr := env.Get(name)
	if n, v := vr.Resolve(env); n != "" {
		return n, v
	}
	return name, vr
}

// arrayValues are an array's values in bash's order, with the index of
// each for an indexed array.
func arrayValues(vr expand.Variable, order map[string]uint64) (values []string, indexes []int) {
	switch vr.Kind {
	case expand.Indexed:
		for i, v := range vr.List {
			idx := i
			if vr.Indexes != nil {
				idx = vr.Indexes[i]
			}
			values, indexes = append(values, v), append(indexes, idx)
		}
	case expand.Associative:
		for _, k := range assocKeys(vr.Map, order) {
			values = append(values, vr.Map[k])
		}
	case expand.String:
		if vr.IsSet() {
			values, indexes = []string{vr.Str}, []int{0}
		}
	}
	return values, indexes
}

// arrayKeys are what ${!NAME[@]} lists.
func arrayKeys(vr expand.Variable, order map[string]uint64) []string {
	if vr.Kind == expand.Associative {
		return assocKeys(vr.Map, order)
	}
	_, indexes := arrayValues(vr, nil)
	keys := make([]string, len(indexes))
	for i, idx := range indexes {
		keys[i] = strconv.Itoa(idx)
	}
	return keys
}

// arithmetic evaluates a subscript of an indexed array as bash does.
func arithmetic(env expand.Environ, text string) (int, error) {
	expr, err := syntax.NewParser().Arithmetic(strings.NewReader(text))
	if err != nil {
		return 0, fmt.Errorf("%s: syntax error: invalid arithmetic operator", text)
	}
	if expr == nil {
		return 0, fmt.Errorf("%s: bad array subscript", text)
	}
	n, err := expand.Arithm(&expand.Config{Env: env}, expr)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", text, err)
	}
	return n, nil
}

// arrayElement is NAME[SUB] of a variable: its value and whether it is set.
func arrayElement(env expand.Environ, vr expand.Variable, sub string) (string, bool, error) {
	if sub == "@" || sub == "*" {
		values, _ := arrayValues(vr, nil)
		return strings.Join(values, " "), len(values) > 0, nil
	}
	if vr.Kind == expand.Associative {
		v, ok := vr.Map[sub]
		return v, ok, nil
	}
	i, err := arithmetic(env, sub)
	if err != nil {
		return "", false, err
	}
	values, indexes := arrayValues(vr, nil)
	if i < 0 && len(indexes) > 0 {
		i += indexes[len(indexes)-1] + 1
	}
	for n, idx := range indexes {
		if idx == i {
			return values[n], true, nil
		}
	}
	return "", false, nil
}

// splitSubscript splits NAME[SUB] into its parts.
func splitSubscript(ref string) (name, sub string, indexed bool) {
	open := strings.IndexByte(ref, '[')
	if open > 0 && strings.HasSuffix(ref, "]") {
		return ref[:open], ref[open+1 : len(ref)-1], true
	}
	return ref, "", false
}

// subscript is subscriptCommand: NAME TEXT.
func (s *Session) subscript(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 2 {
		return interp.ExitStatus(2)
	}
	if _, vr := lookup(hc.Env, args[0]); vr.Kind == expand.Associative {
		io.WriteString(hc.Stdout, args[1])
		return nil
	}
	n, err := arithmetic(hc.Env, args[1])
	if err != nil {
		s.shellError(hc, "%s", err.Error())
		return interp.ExitStatus(1)
	}
	io.WriteString(hc.Stdout, strconv.Itoa(n))
	return nil
}

// arrayAssign is arrayAssignCommand NAME =|+= KEY VALUE...: the literal
// NAME=([KEY]=VALUE ...) or NAME+=(...), whose words are expanded
// already. An associative array stays one, and takes the keys as they
// are; any other variable is an indexed array, whose subscripts are
// arithmetic. The interpreter would make an indexed array of an
// associative one, and ignore +=.
func (s *Session) arrayAssign(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 2 || len(args)%2 != 0 || !syntax.ValidName(args[0]) {
		return interp.ExitStatus(2)
	}
	name, vr := lookup(hc.Env, args[0])
	op, pairs := args[1], args[2:]
	var script strings.Builder
	if vr.Kind == expand.Associative {
		var keys []string
		for i := 0; i < len(pairs); i += 2 {
			k, v := pairs[i], quoteWord(pairs[i+1])
			if _, ok := vr.Map[k]; (!ok || op == "=") && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
			if op == "=" {
				fmt.Fprintf(&script, `["%s"]=%s `, escapeDouble(k), v)
			} else {
				fmt.Fprintf(&script, `%s["%s"]=%s; `, name, escapeDouble(k), v)
			}
		}
		s.note(name, op == "=", keys...)
		switch {
		case op != "=":
		case len(pairs) == 0:
			// A quoted subscript makes the literal associative; the one
			// key is then removed.
			return hc.Builtin(ctx, []string{"eval", name + `=(["_"]=); ` + bypassCommand + ` unset '` + name + `[_]'`})
		default:
			return hc.Builtin(ctx, []string{"eval", name + "=(" + script.String() + ")"})
		}
		return hc.Builtin(ctx, []string{"eval", script.String()})
	}
	script.WriteString(name + op + "(")
	for i := 0; i < len(pairs); i += 2 {
		n, err := s.evalArith(ctx, pairs[i])
		if err != nil {
			s.shellError(hc, "%s", fmt.Sprintf("%s: %v", pairs[i], err))
			return interp.ExitStatus(1)
		}
		fmt.Fprintf(&script, "[%d]=%s ", n, quoteWord(pairs[i+1]))
	}
	script.WriteString(")")
	return hc.Builtin(ctx, []string{"eval", script.String()})
}

// views is viewsCommand SPEC... [-- PARAMS...]: each spec sets a variable
// that stands, in the statement after it, for an expansion the
// interpreter gets wrong:
//
//	e TEMP NAME            the values of NAME, in bash's order (and
//	                       indexes, for an indexed array)
//	k TEMP NAME            the keys of NAME, as values
//	i TEMP PARAM SET REF   the variable named by REF, the value of PARAM
//	                       (SET is "1" when PARAM is set)
//	v TEMP REF             set when the variable or element REF is
//	w TEMP NAME WORD       bash's complaint about a word without a
//	                       subscript in NAME's associative literal
//	x TEMP EXPR            the value of arithmetic that assigns an
//	                       array element, assigned
//	f TEMP N WORD...       the fields of N words marked for resplit
//	n TEMP NAME KEY        KEY goes into NAME, if associative (arrayOrder)
//	A TEMP NAME N KEY...   declare -A's literal, with these keys
//
// PARAMS are the positional parameters, for an indirection through a
// number. The status before the command is kept, for $? in the statement.
func (s *Session) views(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	status := hc.LastExitStatus
	var params []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, params = args[:i], args[i+1:]
	}
	var script strings.Builder
	var noted []string
	set := func(temp string, values []string, indexes []int) {
		script.WriteString(temp + "=(")
		for i, v := range values {
			if i > 0 {
				script.WriteByte(' ')
			}
			if indexes != nil {
				script.WriteString("[" + strconv.Itoa(indexes[i]) + "]=")
			}
			script.WriteString(quoteWord(v))
		}
		script.WriteString("); ")
	}
	unset := func(temp string) {
		// bypassCommand: not a command of the script, not traced.
		script.WriteString(bypassCommand + " unset " + temp + "; ")
	}
	for len(args) >= 3 {
		kind, temp := args[0], args[1]
		if !strings.HasPrefix(temp, "__devstack_") || !syntax.ValidName(temp) {
			return interp.ExitStatus(2)
		}
		switch kind {
		case "e", "k":
			name, vr := lookup(hc.Env, args[2])
			order := s.insertions(name)
			s.mu.Lock()
			nounset := s.options["nounset"]
			s.mu.Unlock()
			switch {
			case !vr.IsSet() && vr.Kind != expand.Indexed && vr.Kind != expand.Associative && nounset:
				// bash lets ${name[@]} of an unset name expand to
				// nothing under set -u.
				set(temp, nil, nil)
			case !vr.IsSet() && vr.Kind != expand.Indexed && vr.Kind != expand.Associative:
				unset(temp)
			case kind == "e":
				values, indexes := arrayValues(vr, order)
				if vr.Kind == expand.Associative {
					// Numbered from 1: bash slices an associative
					// array's values so, ${m[@]:1} from the first.
					indexes = make([]int, len(values))
					for i := range indexes {
						indexes[i] = i + 1
					}
				}
				set(temp, values, indexes)
			default:
				set(temp, arrayKeys(vr, order), nil)
			}
			args = args[3:]
		case "v":
			if s.isSet(hc, args[2], params) {
				script.WriteString(temp + "=1; ")
			} else {
				unset(temp)
			}
			args = args[3:]
		case "n":
			// NAME[KEY]=...: a key new to an associative array.
			if name, vr := lookup(hc.Env, args[2]); vr.Kind == expand.Associative && len(args) >= 4 {
				if _, ok := vr.Map[args[3]]; !ok && !slices.Contains(noted, name+"\x00"+args[3]) {
					s.note(name, false, args[3])
					noted = append(noted, name+"\x00"+args[3])
				}
			}
			args = args[4:]
		case "A":
			// declare -A's literal replaces the keys of NAME.
			n, err := strconv.Atoi(args[3])
			if err != nil || len(args) < 4+n {
				return interp.ExitStatus(2)
			}
			name, _ := lookup(hc.Env, args[2])
			s.note(name, true, args[4:4+n]...)
			args = args[4+n:]
		case "x":
			value, err := s.evalArith(ctx, args[2])
			if err != nil {
				s.shellError(hc, "%s", fmt.Sprintf("%s: %v", args[2], err))
			}
			script.WriteString(temp + "=" + strconv.Itoa(value) + "; ")
			args = args[3:]
		case "f":
			n, err := strconv.Atoi(args[2])
			if err != nil || len(args) < 3+n {
				return interp.ExitStatus(2)
			}
			set(temp, s.resplit(ctx, args[3:3+n]), nil)
			args = args[3+n:]
		case "w":
			if len(args) < 4 {
				return interp.ExitStatus(2)
			}
			s.shellError(hc, "%s", fmt.Sprintf("%s: '%s': must use subscript when assigning associative array", args[2], args[3]))
			args = args[4:]
		case "i":
			if len(args) < 5 {
				return interp.ExitStatus(2)
			}
			// An earlier run may have left a nameref: unset it, or
			// the assignment would go where it points.
			unset(temp)
			value, ok, err := s.indirect(hc, args[2], args[3] == "1", args[4], params)
			switch {
			case err != nil:
				s.shellError(hc, "%s", err.Error())
			case ok && value == args[4] && syntax.ValidName(value):
				// A variable: a nameref to it, which ${!x:=word}
				// assigns through.
				script.WriteString("declare -n " + temp + "=" + value + "; ")
			case ok:
				script.WriteString(temp + "=" + quoteWord(value) + "; ")
			}
			args = args[5:]
		default:
			return interp.ExitStatus(2)
		}
	}
	if script.Len() > 0 {
		if err := hc.Builtin(ctx, []string{"eval", script.String()}); err != nil {
			return err
		}
	}
	return exitStatus(status)
}

// positional answers the special parameters a handler's environment does
// not hold, for an indirection or -v through them.
func positional(hc interp.HandlerContext, name string, params []string) (string, bool, bool) {
	if n, err := strconv.Atoi(name); err == nil && name != "" && name[0] != '-' {
		if n == 0 {
			return hc.Env.Get("0").String(), true, true
		}
		if n <= len(params) {
			return params[n-1], true, true
		}
		return "", false, true
	}
	switch name {
	case "#":
		return strconv.Itoa(len(params)), true, true
	case "@", "*":
		return strings.Join(params, " "), true, true
	case "?":
		return strconv.Itoa(hc.LastExitStatus), true, true
	case "LINENO":
		return strconv.Itoa(int(hc.Pos.Line())), true, true
	}
	return "", false, false
}

// indirect resolves ${!PARAM}: ref is PARAM's value, the name of a
// variable, of an array's element or of a positional parameter. For a
// variable, the value is its name, and ok is true.
func (s *Session) indirect(hc interp.HandlerContext, param string, paramSet bool, ref string, params []string) (string, bool, error) {
	if vr := hc.Env.Get(param); vr.Kind == expand.NameRef {
		// ${!ref} of a nameref is the name it refers to.
		return vr.Str, true, nil
	}
	if !paramSet {
		return "", false, fmt.Errorf("%s: invalid indirect expansion", param)
	}
	if v, ok, special := positional(hc, ref, params); special {
		return v, ok, nil
	}
	name, sub, indexed := splitSubscript(ref)
	if !syntax.ValidName(name) {
		return "", false, fmt.Errorf("%s: invalid variable name", ref)
	}
	if !indexed {
		// Named, not copied: see views.
		return ref, true, nil
	}
	_, vr := lookup(hc.Env, name)
	return arrayElement(hc.Env, vr, sub)
}

// isSet answers [[ -v REF ]].
func (s *Session) isSet(hc interp.HandlerContext, ref string, params []string) bool {
	if _, ok, special := positional(hc, ref, params); special {
		return ok
	}
	name, sub, indexed := splitSubscript(ref)
	if !syntax.ValidName(name) {
		return false
	}
	_, vr := lookup(hc.Env, name)
	if !indexed {
		switch vr.Kind {
		case expand.Indexed, expand.Associative:
			// bash looks at element 0 (key "0") of an array.
			sub = "0"
		default:
			return vr.IsSet()
		}
	}
	_, ok, err := arrayElement(hc.Env, vr, sub)
	return err == nil && ok
}

// declarePrint is declare -p NAME...: each variable as bash prints it.
func (s *Session) declarePrint(hc interp.HandlerContext, names []string) error {
	var status error
	for _, name := range names {
		vr := hc.Env.Get(name)
		if !vr.Declared() {
			s.shellError(hc, "%s", "declare: "+name+": not found")
			status = interp.ExitStatus(1)
			continue
		}
		resolved, _ := lookup(hc.Env, name)
		fmt.Fprintln(hc.Stdout, declaration(name, vr, s.insertions(resolved)))
	}
	return status
}

// declaration is one variable as declare -p prints it.
func declaration(name string, vr expand.Variable, order map[string]uint64) string {
	flags := vr.Flags()
	if flags == "" {
		flags = "-"
	}
	head := "declare -" + flags + " " + name
	switch {
	case vr.Kind == expand.Indexed && !vr.IsSet() && len(vr.List) == 0,
		vr.Kind == expand.Associative && vr.Map == nil && !vr.IsSet(),
		vr.Kind != expand.Indexed && vr.Kind != expand.Associative && !vr.IsSet():
		return head
	case vr.Kind == expand.Indexed || vr.Kind == expand.Associative:
		return head + "=" + arrayLiteral(vr, order)
	}
	return head + "=" + declQuote(vr.Str)
}

// arrayLiteral is an array's value as declare -p and set print it:
// ([0]="a" [2]="b"), or ([key]="v" ) for an associative array, its keys in
// bash's order.
func arrayLiteral(vr expand.Variable, order map[string]uint64) string {
	var b strings.Builder
	b.WriteByte('(')
	if vr.Kind == expand.Associative {
		for _, k := range assocKeys(vr.Map, order) {
			b.WriteString("[" + keyQuote(k) + "]=" + declQuote(vr.Map[k]) + " ")
		}
	} else {
		values, indexes := arrayValues(vr, nil)
		for i, v := range values {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("[" + strconv.Itoa(indexes[i]) + "]=" + declQuote(v))
		}
	}
	b.WriteByte(')')
	return b.String()
}

// declQuote quotes a value as declare -p does: in double quotes, or
// ANSI-C quotes when it holds a character that is not printable.
func declQuote(v string) string {
	if needsANSIQuote(v, true) {
		return ansiQuote(v, true)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		if strings.ContainsRune("\"$`\\", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// needsQuotes reports whether a word holds a character the shell would
// read as more than itself, where set and declare -p quote it.
func needsQuotes(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case strings.IndexByte(" \t\n'\"\\|&;()<>!{}*[?]^$`", c) >= 0,
			c == '~' && (i == 0 || v[i-1] == '=' || v[i-1] == ':'),
			c == '#' && i == 0:
			return true
		}
	}
	return false
}

// keyQuote quotes an associative array's key as declare -p does: only
// when it needs quotes.
func keyQuote(k string) string {
	if needsANSIQuote(k, true) {
		return ansiQuote(k, true)
	}
	if needsQuotes(k) {
		return declQuote(k)
	}
	return k
}
