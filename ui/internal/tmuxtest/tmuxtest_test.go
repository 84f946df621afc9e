package tmuxtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB that records Fatalf and Skip instead of
// stopping, to see what Require does without tmux.
type recorder struct {
	testing.TB
	calls []string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.calls = append(r.calls, "fatal: "+fmt.Sprintf(format, args...))
}
func (r *recorder) Skip(args ...any) { r.calls = append(r.calls, "skip: "+fmt.Sprint(args...)) }

// TestRequireWithoutTmux: without tmux a test is skipped with the reason,
// except in CI, where it fails.
func TestRequireWithoutTmux(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, c := range []struct {
		ci, want string
	}{
		{"", "skip: skipped: tmux is not installed"},
		{"false", "skip: skipped: tmux is not installed"},
		{"true", "fatal: tmux is required in CI"},
		{"1", "fatal: tmux is required in CI"},
	} {
		t.Setenv("CI", c.ci)
		r := &recorder{}
		Require(r)
		if len(r.calls) == 0 || !strings.HasPrefix(r.calls[0], c.want) {
			t.Errorf("CI=%q: %q, want %q first", c.ci, r.calls, c.want)
		}
	}
}

// TestSession types into a program on a real terminal and reads it back.
func TestSession(t *testing.T) {
	s := Start(t, Options{Width: 60, Height: 10}, ShellJoin([]string{"sh", "-c", "printf 'ready: '; read line; echo \"got [$line]\"; sleep 60"}))
	s.WaitFor(10*time.Second, "ready:")
	s.Type("it's typed")
	s.Keys("Enter")
	if screen := s.WaitFor(10*time.Second, "got [it's typed]"); strings.Count(screen, "\n") != 10 {
		t.Errorf("the screen is not 10 rows (no status line):\n%s", Frame(screen))
	}
	if w, h := s.Size(); w != 60 || h != 10 {
		t.Errorf("size %dx%d, want 60x10", w, h)
	}
	s.Resize(70, 12)
}
