package termquiet

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestRestore runs this test binary again, as a fresh process whose
// packages initialise: without CI in its environment, init must set CI (so
// termenv asks nothing) and Restore must take it away again; a CI the
// caller set must stay as it was.
func TestRestore(t *testing.T) {
	switch os.Getenv("TERMQUIET_CHILD") {
	case "unset":
		if got := os.Getenv("CI"); got != "1" {
			t.Fatalf("during initialisation CI = %q, want 1", got)
		}
		Restore()
		if v, ok := os.LookupEnv("CI"); ok {
			t.Fatalf("after Restore CI = %q, want it unset", v)
		}
		return
	case "given":
		Restore()
		if got := os.Getenv("CI"); got != "from-caller" {
			t.Fatalf("after Restore CI = %q, want the caller's from-caller", got)
		}
		return
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CI=") {
			env = append(env, kv)
		}
	}
	for _, tc := range []struct{ mode, ci string }{{"unset", ""}, {"given", "CI=from-caller"}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRestore$", "-test.count=1")
		cmd.Env = append(append([]string(nil), env...), "TERMQUIET_CHILD="+tc.mode)
		if tc.ci != "" {
			cmd.Env = append(cmd.Env, tc.ci)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", tc.mode, err, out)
		}
	}
}
