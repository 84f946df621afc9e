// Command secretary is a terminal console and an AWS-compatible CLI for
// secrets, on AWS Secrets Manager or on an embedded encrypted store.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/secretary-sh/secretary/ui/cli"
	"github.com/secretary-sh/secretary/ui/scratch"
	"github.com/secretary-sh/secretary/ui/termquiet"
)

// Set at link time: -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version string
	commit  string
	date    string
)

func main() {
	// Packages have initialised without asking the terminal anything.
	termquiet.Restore()
	// A hang-up (the SSH link dropped) ends secretary as Ctrl-C and SIGTERM
	// do, through the context, instead of killing it on the spot with the
	// file $EDITOR edits still on disk.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		// Plaintext goes first, before the console and the editor have
		// finished winding down. A normal exit needs no sweep: the editor
		// and the demo remove their own directories.
		<-sigs
		_ = scratch.RemoveOwn()
	}()
	defer func() {
		if r := recover(); r != nil {
			_ = scratch.RemoveOwn()
			panic(r)
		}
	}()
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, buildInfo())
	stop()
	os.Exit(code)
}

// buildInfo returns what the linker injected or, for `go install`ed and
// `go build` binaries, what the Go toolchain recorded.
func buildInfo() cli.Build {
	b := cli.Build{Version: version, Commit: commit, Date: date}
	if b.Version != "" {
		return b
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		b.Version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		}
	}
	return b
}
