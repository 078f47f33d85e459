package bash

import (
	"reflect"
	"testing"
)

func TestLiteralCalls(t *testing.T) {
	src := `if is_service_enabled hello "n-cpu"; then
    source $TOP_DIR/lib/hello
fi
function start_hello {
    run_process hello "sleep 1"
    is_service_enabled $SERVICE
    is_service_enabled "x-$NAME"
}
enable_service 'quoted'
echo is_service_enabled not-a-call
`
	script, err := Parse("/t/hook.sh", "hook.sh", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := script.LiteralCalls("is_service_enabled", "enable_service", "run_process")
	want := [][]string{
		{"is_service_enabled", "hello", "n-cpu"},
		{"run_process", "hello", "sleep 1"},
		{"enable_service", "quoted"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LiteralCalls =\n %q\nwant\n %q", got, want)
	}
}

func TestLiteralAssign(t *testing.T) {
	tests := []struct {
		name, src, value string
		found            bool
	}{
		{"none", "ADMIN_PASSWORD=x\n", "", false},
		{"plain, last wins", "DEST=/srv/a\nDEST='/srv/b'\n", "/srv/b", true},
		{"an expansion is not known", "DEST=$HOME/stack\n", "", false},
		{"inside a condition", "if true; then\n    DEST=/srv/c\nfi\n", "/srv/c", true},
		{"appended is not the value", "DEST+=/x\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script, err := Parse("/t/localrc", "localrc", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			value, found := script.LiteralAssign("DEST")
			if value != tt.value || found != tt.found {
				t.Errorf("LiteralAssign = %q, %v; want %q, %v", value, found, tt.value, tt.found)
			}
		})
	}
}
