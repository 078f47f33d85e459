package proc

import (
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0100007F:1F9A", "127.0.0.1:8090"},
		{"00000000:0016", "0.0.0.0:22"},
		{"00000000000000000000000000000000:0050", "[::]:80"},
		{"00000000000000000000000001000000:1F90", "[::1]:8080"},
		{"0000000000000000FFFF00000100007F:0BB8", "127.0.0.1:3000"},
	}
	for _, tt := range tests {
		if got, err := parseAddr(tt.in); err != nil || got != tt.want {
			t.Errorf("parseAddr(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "0100007F", "XYZ:0050", "0100:0050", "0100007F:FFFFF"} {
		if got, err := parseAddr(bad); err == nil {
			t.Errorf("parseAddr(%q) = %q, want refused", bad, got)
		}
	}
}

func TestParseSocketsKeepsListeningOnes(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F9A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F9A 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1
   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 100 0 0 10 0
`
	got, err := parseSockets(strings.NewReader(table))
	if err != nil || len(got) != 1 || got[0] != (Socket{Addr: "127.0.0.1:8090", Inode: 4242}) {
		t.Errorf("listening sockets %v, want only inode 4242 on 127.0.0.1:8090 (4343 is a connection, the last has no inode)", got)
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
