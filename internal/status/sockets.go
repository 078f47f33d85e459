package status

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"devstack/internal/proc"
)

// tcpListen is the state of a listening socket in /proc/net/tcp.
const tcpListen = "0A"

// processes are the running processes and who started each, read once.
type processes struct {
	children map[int][]int
	groups   map[int][]int
}

func readProcesses() processes {
	ps := processes{children: map[int][]int{}, groups: map[int][]int{}}
	for _, pid := range proc.List() {
		st, ok := proc.Read(pid)
		if !ok || st.State == 'Z' {
			continue
		}
		ps.children[st.PPID] = append(ps.children[st.PPID], pid)
		ps.groups[st.PGRP] = append(ps.groups[st.PGRP], pid)
	}
	return ps
}

// withDescendants is roots and every process they started, and those
// started, ...: a service's workers, and what left its process group.
func (ps processes) withDescendants(roots []int) []int {
	seen := map[int]bool{}
	var all []int
	queue := slices.Clone(roots)
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		all = append(all, pid)
		queue = append(queue, ps.children[pid]...)
	}
	slices.Sort(all)
	return all
}

// listening is the addresses processes listen on (TCP), read from each
// process's descriptors matched, by socket inode, with the listening
// sockets of its network namespace.
func listening(pids []int) []string {
	tables := map[string]map[uint64]string{}
	var addrs []string
	for _, pid := range pids {
		inodes := socketInodes(pid)
		if len(inodes) == 0 {
			continue
		}
		ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
		if err != nil {
			ns = "self"
		}
		table, ok := tables[ns]
		if !ok {
			table = listeningSockets(pid)
			tables[ns] = table
		}
		for _, inode := range inodes {
			if addr, ok := table[inode]; ok && !slices.Contains(addrs, addr) {
				addrs = append(addrs, addr)
			}
		}
	}
	slices.Sort(addrs)
	return addrs
}

// socketInodes are the inodes of the sockets a process holds open.
func socketInodes(pid int) []uint64 {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var inodes []uint64
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if rest, ok := strings.CutPrefix(target, "socket:["); ok {
			if n, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64); err == nil {
				inodes = append(inodes, n)
			}
		}
	}
	return inodes
}

// listeningSockets maps the inodes of the listening TCP sockets of a
// process's network namespace to their addresses.
func listeningSockets(pid int) map[uint64]string {
	table := map[uint64]string{}
	for _, name := range []string{"tcp", "tcp6"} {
		f, err := os.Open(fmt.Sprintf("/proc/%d/net/%s", pid, name))
		if err != nil {
			continue
		}
		parseSockets(bufio.NewScanner(f), table)
		f.Close()
	}
	return table
}

// parseSockets reads a /proc/net/tcp table: after a header line, one
// socket a line, "sl local_address rem_address st ... uid timeout inode".
func parseSockets(sc *bufio.Scanner, table map[uint64]string) {
	sc.Scan()
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != tcpListen {
			continue
		}
		inode, err := strconv.ParseUint(fields[9], 10, 64)
		if err != nil || inode == 0 {
			continue
		}
		if addr, ok := decodeAddress(fields[1]); ok {
			table[inode] = addr
		}
	}
}

// decodeAddress reads the kernel's HEXIP:HEXPORT: the address in the
// host's byte order, 32-bit word by word, the port big-endian.
func decodeAddress(s string) (string, bool) {
	hexIP, hexPort, ok := strings.Cut(s, ":")
	if !ok {
		return "", false
	}
	raw, err := hex.DecodeString(hexIP)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return "", false
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if err != nil {
		return "", false
	}
	ip := make(net.IP, len(raw))
	for i := 0; i < len(raw); i += 4 {
		// Each 32-bit word is written as the little-endian machines
		// hold it.
		ip[i], ip[i+1], ip[i+2], ip[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	if v4 := ip.To4(); v4 != nil && len(raw) == 16 && !ip.Equal(net.IPv6unspecified) {
		ip = v4
	}
	return net.JoinHostPort(ip.String(), strconv.FormatUint(port, 10)), true
}
