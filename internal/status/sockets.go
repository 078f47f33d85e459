package status

import (
	"slices"

	"devstack/internal/proc"
)

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
