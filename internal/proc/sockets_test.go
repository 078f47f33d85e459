package proc

import (
	"net"
	"os"
	"slices"
	"strconv"
	"testing"
)

func TestParseAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0100007F:1F9A", "127.0.0.1:8090"},
		{"00000000:0016", "0.0.0.0:22"},
		{"00000000000000000000000001000000:1F90", "[::1]:8080"},
		{"00000000000000000000000000000000:0050", "[::]:80"},
	}
	for _, tt := range tests {
		if got, err := parseAddr(tt.in); err != nil || got != tt.want {
			t.Errorf("parseAddr(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := parseAddr("zz:1"); err == nil {
		t.Error("a bad address parsed")
	}
}

// TestListeningOf: a socket this process listens on is found as its
// process group's.
func TestListeningOf(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	st, ok := Read(os.Getpid())
	if !ok {
		t.Skip("no /proc")
	}
	want := "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	if got := ListeningOf(st.PGRP); !slices.Contains(got, want) {
		t.Errorf("ListeningOf(%d) = %v, want %s among them", st.PGRP, got, want)
	}
}
