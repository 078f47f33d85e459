package funcs

import (
	"context"
	"strings"
	"testing"

	"devstack/internal/bash"
)

func TestIsServiceEnabled(t *testing.T) {
	tests := []struct {
		enabled string
		query   string
		want    bool
	}{
		{"n-cpu,g-api", "n-cpu", true},
		{"n-cpu,g-api", "nova", true},
		{"n-api", "n-cpu", false},
		{"g-api", "glance", true},
		{"c-vol", "cinder", true},
		{"q-svc", "neutron", true},
		{"neutron-api", "neutron", true},
		{"s-proxy", "swift", true},
		{"swift", "s-proxy", true},
		{"key", "keystone", false},
		{"keystone", "key", false},
		{"", "nova", false},
		{"horizon", "tempest horizon", true},
		{"horizon", "tempest nova", false},
	}
	for _, tt := range tests {
		t.Run(tt.enabled+"/"+tt.query, func(t *testing.T) {
			s, _ := newTestSession(t, "ENABLED_SERVICES="+tt.enabled)
			err := s.Eval(context.Background(), "t", "is_service_enabled "+tt.query)
			if got := err == nil; got != tt.want {
				t.Errorf("is_service_enabled %s with %q = %v, want %v", tt.query, tt.enabled, got, tt.want)
			}
			ok, err := IsServiceEnabled(context.Background(), s.Session, strings.Fields(tt.query)...)
			if err != nil || ok != tt.want {
				t.Errorf("IsServiceEnabled = %v, %v; want %v", ok, err, tt.want)
			}
		})
	}
}

func TestServiceFunctionOverrides(t *testing.T) {
	s, _ := newTestSession(t, "ENABLED_SERVICES=a")
	ctx := context.Background()
	if err := s.Eval(ctx, "t", "function is_myplugin_enabled { return 0; }"); err != nil {
		t.Fatal(err)
	}
	if err := s.Eval(ctx, "t", "is_service_enabled myplugin"); err != nil {
		t.Errorf("is_myplugin_enabled not consulted: %v", err)
	}
	// A shell definition of the function itself wins over the library.
	if err := s.Eval(ctx, "t", "function is_service_enabled { return 1; }"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := IsServiceEnabled(ctx, s.Session, "a"); ok {
		t.Error("the shell's is_service_enabled did not win")
	}
}

func TestEnableDisableService(t *testing.T) {
	tests := []struct {
		script string
		want   string
	}{
		{"enable_service c-api", "n-cpu,g-api,c-api"},
		{"enable_service n-cpu", "n-cpu,g-api"},
		{"disable_service g-api", "n-cpu"},
		{"disable_service g-api; enable_service g-api", "n-cpu"},
		{"enable_service -n-cpu", "g-api"},
		{"disable_service n-cpu g-api", ""},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			s, _ := newTestSession(t)
			if err := s.Eval(context.Background(), "t", "ENABLED_SERVICES=n-cpu,g-api; "+tt.script); err != nil {
				t.Fatal(err)
			}
			if got := s.Var("ENABLED_SERVICES"); got != tt.want {
				t.Errorf("ENABLED_SERVICES = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTrueOrFalse(t *testing.T) {
	tests := []struct {
		value, def, want string
	}{
		{"yes", "False", "True"},
		{"True", "False", "True"},
		{"1", "False", "True"},
		{"no", "True", "False"},
		{"FALSE", "True", "False"},
		{"0", "True", "False"},
		{"maybe", "True", "True"},
		{"", "False", "False"},
	}
	for _, tt := range tests {
		s, out := newTestSession(t)
		if err := s.Eval(context.Background(), "t", "V='"+tt.value+"'; trueorfalse "+tt.def+" V"); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(out.String()); got != tt.want {
			t.Errorf("trueorfalse %s V=%q = %q, want %q", tt.def, tt.value, got, tt.want)
		}
	}
}

type recordingReporter struct{ summaries, warnings, errors []string }

func (r *recordingReporter) Summary(m string) { r.summaries = append(r.summaries, m) }
func (r *recordingReporter) Warning(m string) { r.warnings = append(r.warnings, m) }
func (r *recordingReporter) Error(m string)   { r.errors = append(r.errors, m) }

func TestMessagesAndDie(t *testing.T) {
	rep := &recordingReporter{}
	logdir := t.TempDir()
	s, err := newSession(bash.Options{Dir: t.TempDir(), Env: []string{"LOGDIR=" + logdir}}, rep)
	if err != nil {
		t.Fatal(err)
	}
	path := writeScript(t, "echo_summary Installing demo\nwarn $LINENO careful\ndie $LINENO broken\necho never\n")
	err = s.Source(context.Background(), path)
	se, ok := err.(*bash.ScriptError)
	if !ok || se.Status != 1 || !se.Exited {
		t.Fatalf("die: %v", err)
	}
	if strings.Join(rep.summaries, "|") != "Installing demo" {
		t.Errorf("summaries %q", rep.summaries)
	}
	if len(rep.warnings) != 1 || rep.warnings[0] != path+":2 careful" {
		t.Errorf("warnings %q", rep.warnings)
	}
	if len(rep.errors) != 1 || rep.errors[0] != path+":3 broken" {
		t.Errorf("errors %q", rep.errors)
	}
}
func TestServiceAnswers(t *testing.T) {
	tests := []struct {
		service string
		asked   []string
		want    bool
	}{
		{"template", []string{"n-cpu", "template"}, true},
		{"tempalte", []string{"n-cpu", "template"}, false},
		{"n-api", []string{"nova"}, true},
		{"n-api", []string{"n-cpu"}, false},
		{"s-proxy", []string{"swift"}, true},
	}
	for _, tt := range tests {
		if got := ServiceAnswers(tt.service, tt.asked); got != tt.want {
			t.Errorf("ServiceAnswers(%q, %q) = %v, want %v", tt.service, tt.asked, got, tt.want)
		}
	}
}
