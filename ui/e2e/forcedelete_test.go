package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// TestForceDeleteFromTheList force-deletes the last row of a long list:
// G, D, the name, enter. The refresh that follows has one row fewer than
// the view on screen; the console must keep drawing, and the row must go.
func TestForceDeleteFromTheList(t *testing.T) {
	s := newStore(t)
	s.cli(t, "demo-data", "--secrets", "2000")
	tm := start(t, s, 120, 40)
	tm.WaitFor(20*time.Second, "deleted hidden (x)", "1/1,")
	tm.Keys("G")
	scr := tm.WaitFor(5*time.Second, "› ")
	var name string
	for _, row := range lines(scr) {
		if rest, ok := strings.CutPrefix(row, "› "); ok {
			name = strings.Fields(rest)[0]
		}
	}
	if name == "" {
		t.Fatalf("no selected row:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("D")
	tm.WaitFor(5*time.Second, "Delete for good")
	tm.Type(name)
	tm.Keys("Enter")
	scr = tm.WaitFor(20*time.Second, "deleted for good")
	if strings.Contains(scr, "panic") || strings.Contains(scr, "goroutine ") {
		t.Fatalf("the console crashed:\n%s", tmuxtest.Frame(scr))
	}
	tm.WaitUntil(20*time.Second, "the row is gone", func(s string) bool {
		return !rowWith(s, "› "+name) && !strings.Contains(s, " "+name+" ")
	})
	if _, err := s.try("describe-secret", "--secret-id", name); err == nil {
		t.Fatalf("%s still exists after the force delete", name)
	}
	// Still alive and answering keys.
	tm.Keys("g")
	tm.WaitFor(5*time.Second, "› ")
	if strings.Contains(tm.Screen(), "panic") {
		t.Fatalf("the console crashed:\n%s", tmuxtest.Frame(tm.Screen()))
	}
	tm.Keys("q")
}
