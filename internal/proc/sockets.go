package proc

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Socket is a listening TCP socket, from /proc/net/tcp and tcp6.
type Socket struct {
	// Addr is ADDRESS:PORT, [ADDRESS]:PORT for IPv6.
	Addr  string
	Inode uint64
}

// tcpListen is the state of a listening socket in /proc/net/tcp.
const tcpListen = "0A"

// Listening lists the machine's listening TCP sockets.
func Listening() ([]Socket, error) {
	var sockets []Socket
	var firstErr error
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		found, err := readListening(file)
		if err != nil && firstErr == nil && !os.IsNotExist(err) {
			firstErr = err
		}
		sockets = append(sockets, found...)
	}
	return sockets, firstErr
}

func readListening(file string) ([]Socket, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sockets []Socket
	scanner := bufio.NewScanner(f)
	scanner.Scan() // the header
	for scanner.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		fields := strings.Fields(scanner.Text())
		if len(fields) < 10 || fields[3] != tcpListen {
			continue
		}
		addr, err := parseAddr(fields[1])
		if err != nil {
			continue
		}
		inode, _ := strconv.ParseUint(fields[9], 10, 64)
		sockets = append(sockets, Socket{Addr: addr, Inode: inode})
	}
	return sockets, scanner.Err()
}

// parseAddr reads HEXADDR:HEXPORT, the address in the kernel's byte order
// (32-bit words in host order, little-endian here).
func parseAddr(s string) (string, error) {
	hexIP, hexPort, ok := strings.Cut(s, ":")
	if !ok {
		return "", fmt.Errorf("bad address %q", s)
	}
	raw, err := hex.DecodeString(hexIP)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return "", fmt.Errorf("bad address %q", s)
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if err != nil {
		return "", fmt.Errorf("bad port %q", s)
	}
	ip := make(net.IP, len(raw))
	for i := 0; i < len(raw); i += 4 {
		ip[i], ip[i+1], ip[i+2], ip[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(int(port))), nil
}

// SocketInodes are the inodes of the sockets a process holds open.
func SocketInodes(pid int) map[uint64]bool {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	inodes := map[uint64]bool{}
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if n, ok := strings.CutPrefix(target, "socket:["); ok {
			if inode, err := strconv.ParseUint(strings.TrimSuffix(n, "]"), 10, 64); err == nil {
				inodes[inode] = true
			}
		}
	}
	return inodes
}

// ListeningOf returns the addresses the processes of process group pgid
// listen on, sorted.
func ListeningOf(pgid int) []string {
	sockets, _ := Listening()
	if len(sockets) == 0 {
		return nil
	}
	held := map[uint64]bool{}
	for _, pid := range List() {
		if st, ok := Read(pid); ok && st.PGRP == pgid {
			for inode := range SocketInodes(pid) {
				held[inode] = true
			}
		}
	}
	seen := map[string]bool{}
	var addrs []string
	for _, s := range sockets {
		if held[s.Inode] && !seen[s.Addr] {
			seen[s.Addr] = true
			addrs = append(addrs, s.Addr)
		}
	}
	sort.Strings(addrs)
	return addrs
}
