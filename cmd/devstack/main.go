// Command devstack brings up, stops and cleans an OpenStack development
// cloud, as DevStack's stack.sh, unstack.sh and clean.sh do.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"devstack"
	"devstack/internal/bash"
	"devstack/internal/cli"
	"devstack/internal/config"
	"devstack/internal/funcs"
	"devstack/internal/lifecycle"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	tuneGC()
	// A background job of a script is this program again: it runs the
	// job and exits before anything else starts.
	bash.RegisterExtension(funcs.Extension, funcs.Reregister)
	bash.RegisterExtension(lifecycle.TreeExtension, lifecycle.ReopenTree(devstack.DefaultTree()))
	if status, isJob := bash.RunJobProcess(); isJob {
		os.Exit(status)
	}
	stop := startProfile()
	status := run()
	stop()
	os.Exit(status)
}

func run() int {
	// INT, TERM, HUP and QUIT stop the run (QUIT without the runtime's dump
	// of goroutines), unless the command takes them itself
	// (a script's trap, under devstack sh).
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	var handler cli.SignalHandler
	go func() {
		for sig := range signals {
			if h := handler.Load(); h != nil && (*h)(sig) {
				continue
			}
			cancel(&lifecycle.SignalError{Signal: sig.(syscall.Signal)})
		}
	}()
	// A console that goes away (a closed pipe) must not kill the run half
	// way and lose its log: with SIGPIPE handled, writes to it fail
	// instead. Handled, not ignored, so the programs scripts run get the
	// default disposition back.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	root := cli.NewCmdRoot(cli.Deps{
		Stdin:       os.Stdin,
		Argv0:       os.Args[0],
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Environ:     os.Environ(),
		Getenv:      os.Getenv,
		Geteuid:     os.Geteuid,
		DefaultTree: devstack.DefaultTree(),
		Version:     version,
		Signals:     &handler,
	})
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	status := 1
	var exitErr *cli.ExitError
	var usageErr *config.UsageError
	switch {
	case errors.As(err, &exitErr):
		status = exitErr.Status
	case errors.As(err, &usageErr):
		status = 2
	}
	if !errors.Is(err, cli.ErrReported) {
		fmt.Fprintf(os.Stderr, "devstack: %v\n", err)
	}
	return status
}
