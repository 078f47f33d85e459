package proc

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
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

// Listening lists the listening TCP sockets of this process's network
// namespace.
func Listening() ([]Socket, error) {
	return listeningIn("/proc/net")
}

// listeningIn reads the tcp and tcp6 tables of a /proc/.../net directory.
func listeningIn(dir string) ([]Socket, error) {
	var sockets []Socket
	var firstErr error
	for _, name := range []string{"tcp", "tcp6"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			if firstErr == nil && !os.IsNotExist(err) {
				firstErr = err
			}
			continue
		}
		found, err := parseSockets(f)
		f.Close()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		sockets = append(sockets, found...)
	}
	return sockets, firstErr
}

// parseSockets reads a /proc/net/tcp table: after a header line, one
// socket a line, "sl local_address rem_address st ... uid timeout inode";
// it keeps the listening sockets that have an inode.
func parseSockets(r io.Reader) ([]Socket, error) {
	var sockets []Socket
	sc := bufio.NewScanner(r)
	sc.Scan() // the header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != tcpListen {
			continue
		}
		inode, err := strconv.ParseUint(fields[9], 10, 64)
		if err != nil || inode == 0 {
			continue
		}
		if addr, err := parseAddr(fields[1]); err == nil {
			sockets = append(sockets, Socket{Addr: addr, Inode: inode})
		}
	}
	return sockets, sc.Err()
}

// parseAddr reads the kernel's HEXIP:HEXPORT: the address in the host's
// byte order, 32-bit word by word (little-endian here), the port
// big-endian. An IPv4 address mapped into IPv6 reads as IPv4.
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
	if v4 := ip.To4(); v4 != nil && len(raw) == 16 && !ip.Equal(net.IPv6unspecified) {
		ip = v4
	}
	return net.JoinHostPort(ip.String(), strconv.FormatUint(port, 10)), nil
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
	var pids []int
	for _, pid := range List() {
		if st, ok := Read(pid); ok && st.PGRP == pgid {
			pids = append(pids, pid)
		}
	}
	return ListeningBy(pids)
}

// ListeningBy returns the addresses processes listen on (TCP), sorted:
// each process's descriptors matched, by socket inode, with the listening
// sockets of its own network namespace.
func ListeningBy(pids []int) []string {
	tables := map[string]map[uint64]string{}
	var addrs []string
	for _, pid := range pids {
		inodes := SocketInodes(pid)
		if len(inodes) == 0 {
			continue
		}
		ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
		if err != nil {
			ns = "self"
		}
		table, ok := tables[ns]
		if !ok {
			table = map[uint64]string{}
			sockets, _ := listeningIn(fmt.Sprintf("/proc/%d/net", pid))
			for _, s := range sockets {
				table[s.Inode] = s.Addr
			}
			tables[ns] = table
		}
		for inode := range inodes {
			if addr, ok := table[inode]; ok && !slices.Contains(addrs, addr) {
				addrs = append(addrs, addr)
			}
		}
	}
	slices.Sort(addrs)
	return addrs
}
