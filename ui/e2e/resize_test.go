package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// TestResizeRedraws starts at 80×24, resizes to 60×20 and 200×60, and
// checks each redraw matches what a console started at that size draws.
func TestResizeRedraws(t *testing.T) {
	s := newStore(t)
	for i := 1; i <= 40; i++ {
		s.cli(t, "create-secret", "--name", fmt.Sprintf("team/app-%02d", i),
			"--description", fmt.Sprintf("service %02d credentials", i), "--secret-string", "v")
	}
	tm := start(t, s, 80, 24)
	// The help line is drawn last: waiting for it too keeps a frame
	// caught half-written on a busy machine from being the reference.
	first := tm.WaitFor(15*time.Second, "Secrets", "team/app-01", "enter open")
	checkLayout(t, first, 80, 24)

	for _, size := range [][2]int{{60, 20}, {200, 60}, {80, 24}} {
		w, h := size[0], size[1]
		tm.Resize(w, h)
		// The fresh console is the reference for a correct redraw.
		ref := start(t, s, w, h)
		want := ref.WaitFor(15*time.Second, "Secrets", "team/app-01", "enter open")
		checkLayout(t, want, w, h)
		got := tm.WaitUntil(10*time.Second, fmt.Sprintf("the %dx%d redraw matches a fresh start", w, h), func(scr string) bool {
			return scr == want
		})
		checkLayout(t, got, w, h)
	}
}

// checkLayout asserts the list screen fills a w×h terminal: the title on
// the first row, the status and help lines on the last two, nothing wider
// than the terminal.
func checkLayout(t *testing.T, scr string, w, h int) {
	t.Helper()
	rows := lines(scr)
	if len(rows) != h {
		t.Fatalf("%d rows at height %d:\n%s", len(rows), h, tmuxtest.Frame(scr))
	}
	if !strings.Contains(rows[0], "Secrets") {
		t.Errorf("row 0 is not the title at %dx%d:\n%s", w, h, tmuxtest.Frame(scr))
	}
	if !strings.Contains(rows[h-2], "local") {
		t.Errorf("row %d is not the status bar at %dx%d:\n%s", h-2, w, h, tmuxtest.Frame(scr))
	}
	if !strings.Contains(rows[h-1], "enter open") {
		t.Errorf("row %d is not the help line at %dx%d:\n%s", h-1, w, h, tmuxtest.Frame(scr))
	}
	for i, r := range rows {
		if n := len([]rune(r)); n > w {
			t.Errorf("row %d is %d wide at width %d", i, n, w)
		}
	}
}
