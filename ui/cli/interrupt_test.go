//go:build unix

package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptBlockedInput: a key file or a file:// parameter that is a
// FIFO nobody writes blocks; SIGINT and SIGTERM still end the command with
// 130 and no output.
func TestInterruptBlockedInput(t *testing.T) {
	e := newKeyFileStore(t)
	fifo := filepath.Join(e.dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Whatever happens, no blocked reader outlives the test.
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	store := filepath.Join(e.dir, "store.db")
	for _, c := range []struct {
		name string
		sig  syscall.Signal
		vars []string
		args []string
	}{
		{"key file, SIGINT", syscall.SIGINT, []string{"SECRETARY_STORE=" + store, "SECRETARY_KEY_FILE=" + fifo}, []string{"list-secrets"}},
		{"key file, SIGTERM", syscall.SIGTERM, []string{"SECRETARY_STORE=" + store, "SECRETARY_KEY_FILE=" + fifo}, []string{"list-secrets"}},
		{"file://, SIGINT", syscall.SIGINT, e.vars, []string{"create-secret", "--name", "f", "--secret-string", "file://" + fifo}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The bound only ends a test that would otherwise hang for
			// ever; a working binary exits within milliseconds.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary, c.args...)
			cmd.Env = append(cleanEnviron(), c.vars...)
			var stdout strings.Builder
			cmd.Stdout = &stdout
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitBlockedOnFIFO(t, cmd.Process.Pid)
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			if ctx.Err() != nil {
				t.Fatalf("still blocked after %v", c.sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 || stdout.Len() != 0 {
				t.Fatalf("exit %d (%v), stdout %q; want 130 and nothing", code, err, stdout.String())
			}
		})
	}
}

// waitBlockedOnFIFO waits until a thread of pid is blocked opening a FIFO,
// so the signal tests the blocked read and not start-up (a signal that
// arrives before the handlers are installed kills any Go program). Where
// /proc cannot say, it waits a second.
func waitBlockedOnFIFO(t *testing.T, pid int) {
	t.Helper()
	if _, err := os.Stat("/proc/self/task"); err != nil {
		time.Sleep(time.Second)
		return
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		chans, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
		for _, c := range chans {
			if b, err := os.ReadFile(c); err == nil && string(b) == "wait_for_partner" {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("process %d never blocked on the FIFO", pid)
}
