package bash

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestLet checks let's status rule and its assignments, through the
// session's own Eval, which the tool uses for configuration text.
func TestLet(t *testing.T) {
	tests := []struct {
		script string
		want   string
		status uint8
	}{
		{`let x="3 - 1"; echo $x`, "2\n", 0},
		{`n=1; let "n=n+1"; echo $n`, "2\n", 0},
		{`i=0; let i++`, "", 1},
		{`i=1; let i++; echo $i`, "2\n", 0},
		{`let 1 0`, "", 1},
		{`let 0 1`, "", 0},
		{`f() { local v=1; let v+=4; echo $v; }; f; echo "[${v:-}]"`, "5\n[]\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			s, out := newTestSession(t)
			err := s.Eval(context.Background(), "let.sh", tt.script)
			var status uint8
			var se *ScriptError
			if errors.As(err, &se) {
				status = se.Status
			} else if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want || status != tt.status {
				t.Errorf("output %q, status %d; want %q, status %d", out.String(), status, tt.want, tt.status)
			}
		})
	}
}

func TestSecondsCountsFromAssignment(t *testing.T) {
	s, _ := newTestSession(t)
	if err := s.Eval(context.Background(), "seconds.sh", "SECONDS=1000"); err != nil {
		t.Fatal(err)
	}
	if got := s.Var("SECONDS"); got != "1000" && got != "1001" {
		t.Errorf("SECONDS = %q after SECONDS=1000", got)
	}
	s.secondsBase.Add(-5) // as if five seconds had passed
	if got := s.Var("SECONDS"); got != "1005" && got != "1006" {
		t.Errorf("SECONDS = %q five seconds after SECONDS=1000", got)
	}
}

// TestKillStopsJob checks that a job killed while an external command
// runs ends at once, without running what follows in it.
func TestKillStopsJob(t *testing.T) {
	s, out := newTestSession(t, "PATH="+os.Getenv("PATH"))
	start := time.Now()
	script := writeScript(t, `spin() { while true; do sleep 5; done; echo "loop left"; }
spin &
pid=$!
[[ $(jobs -p) == "$pid" ]] && echo listed
sleep 0.2
kill $pid
wait $pid
echo "status $?"
echo "left [$(jobs -p)]"
`)
	status, err := s.RunScript(context.Background(), script)
	if err != nil || status != 0 {
		t.Fatalf("status %d, %v\n%s", status, err, out)
	}
	if want := "listed\nstatus 143\nleft []\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("the killed job's sleep ran on: %v", elapsed)
	}
	if strings.Contains(out.String(), "loop left") {
		t.Error("the job ran on after kill")
	}
}

// TestExitTrapStatus checks that the EXIT trap sees the status the shell
// ends with and that its exit gives the shell's status.
func TestExitTrapStatus(t *testing.T) {
	s, out := newTestSession(t)
	script := writeScript(t, `trap 'r=$?; echo "trap saw $r"; exit 9' EXIT
f() { exit 4; }
f
`)
	status, err := s.RunScript(context.Background(), script)
	if err != nil {
		t.Fatal(err)
	}
	if status != 9 || out.String() != "trap saw 4\n" {
		t.Errorf("status %d, output %q; want 9 and the trap's line", status, out.String())
	}
}
