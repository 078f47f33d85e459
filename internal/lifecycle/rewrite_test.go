package lifecycle

import (
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

func TestRewriteExtrasLoops(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			name: "inline loop of 2014's stack.sh",
			src:  "if [[ -d $TOP_DIR/extras.d ]]; then\n    for i in $TOP_DIR/extras.d/*.sh; do\n        [[ -r $i ]] && source $i stack install\n    done\nfi\n",
			want: "if [[ -d $TOP_DIR/extras.d ]]; then\n    for i in $TOP_DIR/extras.d/*.sh; do\n        [[ -r $i ]] && source $i stack install\n    __devstack_extras_ensure \"$i\" stack install; done\nfi\n",
		},
		{
			name: "run_phase skipping all but one script",
			src:  "function run_phase {\n    local mode=$1\n    local phase=$2\n    for f in $TOP_DIR/extras.d/*.sh; do\n        if [[ $(basename $f) != 80-tempest.sh ]]; then\n            warn skipped\n        else\n            [[ -r $f ]] && source $f $mode $phase\n        fi\n    done\n    run_plugins $mode $phase\n}\n",
			want: "function run_phase {\n    local mode=$1\n    local phase=$2\n    for f in $TOP_DIR/extras.d/*.sh; do\n        if [[ $(basename $f) != 80-tempest.sh ]]; then\n            warn skipped\n        else\n            [[ -r $f ]] && source $f $mode $phase\n        fi\n    __devstack_extras_ensure \"$f\" $mode $phase; done\n    run_plugins $mode $phase\n}\n",
		},
		{
			name: "dot and a loop on one line",
			src:  "for x in ${TOP_DIR}/extras.d/*.sh; do . \"$x\" unstack; done; echo after\n",
			want: "for x in ${TOP_DIR}/extras.d/*.sh; do . \"$x\" unstack; __devstack_extras_ensure \"$x\" unstack; done; echo after\n",
		},
		{
			name: "a loop over other files is left alone",
			src:  "for i in $TOP_DIR/lib/*; do source $i; done\n",
			want: "for i in $TOP_DIR/lib/*; do source $i; done\n",
		},
		{
			name: "a loop over extras.d that sources something else is left alone",
			src:  "for i in $TOP_DIR/extras.d/*.sh; do echo $i; source other.sh; done\n",
			want: "for i in $TOP_DIR/extras.d/*.sh; do echo $i; source other.sh; done\n",
		},
	}
	checkRewrites(t, rewriteExtrasLoops, tests)
}

func TestRewriteRootRefusal(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			name: "top-level refusal",
			src:  "if [[ $EUID -eq 0 ]]; then\n    echo root\n    exit 1\nfi\n",
			want: "if false; then\n    echo root\n    exit 1\nfi\n",
		},
		{
			name: "other spacing",
			src:  "if [[  $EUID -eq 0  ]]; then exit 1; fi\n",
			want: "if false; then exit 1; fi\n",
		},
		{
			name: "inside a function it is not the refusal",
			src:  "function f {\n    if [[ $EUID -eq 0 ]]; then\n        SUDO=\n    fi\n}\n",
			want: "function f {\n    if [[ $EUID -eq 0 ]]; then\n        SUDO=\n    fi\n}\n",
		},
		{
			name: "another test is left alone",
			src:  "if [[ $EUID -ne 0 ]]; then\n    SUDO=sudo\nfi\n",
			want: "if [[ $EUID -ne 0 ]]; then\n    SUDO=sudo\nfi\n",
		},
	}
	checkRewrites(t, rewriteRootRefusal, tests)
}

// checkRewrites runs a table of rewrites: each must give want, keep every
// line where it was, and still parse.
func checkRewrites(t *testing.T, rewrite func(string, []byte) []byte, tests []struct{ name, src, want string }) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(rewrite("test.sh", []byte(tt.src)))
			if got != tt.want {
				t.Errorf("rewrite:\n%s\nwant:\n%s", got, tt.want)
			}
			if strings.Count(got, "\n") != strings.Count(tt.src, "\n") {
				t.Errorf("the rewrite moved lines: %d lines, was %d", strings.Count(got, "\n"), strings.Count(tt.src, "\n"))
			}
			if _, err := syntax.NewParser().Parse(strings.NewReader(got), "test.sh"); err != nil {
				t.Errorf("the rewrite does not parse: %v", err)
			}
		})
	}
}
