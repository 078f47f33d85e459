package proc

import (
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
)

func TestReadAndList(t *testing.T) {
	cmd := exec.Command("sleep", "10")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	pid := cmd.Process.Pid
	st, ok := Read(pid)
	if !ok {
		t.Fatal("no stat for a running child")
	}
	if st.PPID != os.Getpid() || st.PGRP != pid || st.Started == 0 || st.State == 'Z' {
		t.Errorf("Read(%d) = %+v; want parent %d, its own group", pid, st, os.Getpid())
	}
	if !slices.Contains(List(), pid) {
		t.Errorf("List() lacks %d", pid)
	}
	if _, ok := Read(-1); ok {
		t.Error("Read(-1) succeeded")
	}
}
