package clipboard

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// tmuxServer starts a tmux server of the test's own with setClipboard and
// returns a runner for it.
func tmuxServer(t *testing.T, setClipboard string) TmuxRunner {
	t.Helper()
	srv := tmuxtest.NewServer(t)
	srv.NewSession("clip", tmuxtest.Options{Config: "set -g set-clipboard " + setClipboard}, "sleep 60")
	return srv.Run
}

func buffers(t *testing.T, run TmuxRunner) []string {
	t.Helper()
	out, err := run("", "list-buffers", "-F", "#{buffer_name}=#{buffer_sample}")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(out)
}

// With set-clipboard off nothing reaches the workstation: the copy stays
// in a tmux buffer, the status says so and how to fix it, and the clear
// deletes the buffer.
func TestCopyInTmuxWithSetClipboardOff(t *testing.T) {
	run := tmuxServer(t, "off")
	var out bytes.Buffer
	c := newTest(&fakeSystem{}, &out, map[string]string{"TMUX": "x", "SSH_TTY": "/dev/pts/1"})
	c.tmux = run
	copied, ok := c.Copy("p@ss")().(CopiedMsg)
	if !ok || copied.Method != MethodTmux {
		t.Fatalf("got %#v", copied)
	}
	s := copied.Status()
	for _, want := range []string{"ONLY in tmux buffer secretary", "set-clipboard off", "workstation clipboard was not reached", TmuxFix} {
		if !strings.Contains(s, want) {
			t.Errorf("status %q does not say %q", s, want)
		}
	}
	if b := buffers(t, run); len(b) != 1 || b[0] != "secretary=p@ss" {
		t.Fatalf("tmux buffers %q", b)
	}
	cl, ok := runClear(t, c, copied).(ClearedMsg)
	if !ok || cl.TmuxBuffers != 1 || cl.TmuxOuter {
		t.Fatalf("clear: %#v", cl)
	}
	if b := buffers(t, run); len(b) != 0 {
		t.Fatalf("tmux still holds %q after the clear", b)
	}
}

// With set-clipboard on tmux sends the buffer on; the clear deletes every
// buffer holding the value (also one tmux made from an OSC 52) and
// overwrites the outer clipboard, leaving no buffer behind.
func TestCopyInTmuxWithSetClipboardOn(t *testing.T) {
	run := tmuxServer(t, "on")
	var out bytes.Buffer
	c := newTest(&fakeSystem{}, &out, map[string]string{"TMUX": "x"})
	c.tmux = run
	copied, ok := c.Copy("p@ss")().(CopiedMsg)
	if !ok || copied.Method != MethodTmux {
		t.Fatalf("got %#v", copied)
	}
	if s := copied.Status(); !strings.Contains(s, "sent on to your terminal's clipboard by tmux") || strings.Contains(s, "ONLY") {
		t.Errorf("status %q", s)
	}
	if out.Len() != 0 {
		t.Errorf("an OSC 52 was written as well: %q", out.String())
	}
	// A buffer tmux made from an earlier OSC 52 of the same value.
	if _, err := run("p@ss", "load-buffer", "-"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("other", "load-buffer", "-b", "mine", "-"); err != nil {
		t.Fatal(err)
	}
	cl, ok := runClear(t, c, copied).(ClearedMsg)
	if !ok || cl.TmuxBuffers != 2 || !cl.TmuxOuter {
		t.Fatalf("clear: %#v", cl)
	}
	if b := buffers(t, run); len(b) != 1 || b[0] != "mine=other" {
		t.Fatalf("tmux buffers after the clear %q, want only the operator's own", b)
	}
}

func TestTmuxVersion(t *testing.T) {
	for in, want := range map[string]int{"tmux 3.3a\n": 33, "tmux 3.2": 32, "tmux next-3.5": 35, "tmux 2.9a": 29, "tmux master": 0} {
		if got := tmuxVersion(in); got != want {
			t.Errorf("%q: %d, want %d", in, got, want)
		}
	}
}

// TestTmuxThatNeverAnswersGivesUp: a tmux that never answers (here a
// script named tmux that sleeps) is given up on with an error saying so,
// rather than holding the copy for ever.
func TestTmuxThatNeverAnswersGivesUp(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatalf("this test needs sleep(1): %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tmux"), []byte("#!/bin/sh\n"+sleep+" 30\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	start := time.Now()
	_, err = runTmuxWithin(200*time.Millisecond, "", "-V")
	if err == nil || !strings.Contains(err.Error(), "no answer within") {
		t.Fatalf("err = %v, want no answer within the wait", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("gave up after %s", d)
	}
}
