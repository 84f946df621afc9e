package e2e

import (
	"testing"
	"time"
)

// TestKeyBurstMovesOncePerKey types "jj" as one write, the way tmux or a
// slow link delivers keys typed quickly: the cursor moves twice.
func TestKeyBurstMovesOncePerKey(t *testing.T) {
	s := newStore(t)
	for _, n := range []string{"a/one", "b/two", "c/three"} {
		s.cli(t, "create-secret", "--name", n, "--secret-string", "v")
	}
	tm := start(t, s, 100, 30)
	tm.WaitFor(30*time.Second, "Secrets", "1/3")
	tm.Type("jj")
	tm.WaitFor(10*time.Second, "3/3")
}
