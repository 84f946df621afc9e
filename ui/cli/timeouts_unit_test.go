package cli

import (
	"testing"
	"time"
)

// A command gives up within a minute in all by default; the flags
// override the per-attempt waits; 0 read timeout waits as long as asked.
func TestTimeoutDefaultsAndFlags(t *testing.T) {
	sec := func(n int) *time.Duration { d := time.Duration(n) * time.Second; return &d }
	for _, tc := range []struct {
		name          string
		in            Timeouts
		console       bool
		connect, read time.Duration
		call          time.Duration
	}{
		{"command", Timeouts{}, false, 10 * time.Second, 30 * time.Second, 60 * time.Second},
		{"console", Timeouts{}, true, 5 * time.Second, 15 * time.Second, 30 * time.Second},
		{"read off", Timeouts{Read: sec(0)}, false, 10 * time.Second, 0, 0},
		{"long read", Timeouts{Read: sec(120)}, false, 10 * time.Second, 120 * time.Second, 130 * time.Second},
		{"short", Timeouts{Connect: sec(1), Read: sec(2)}, false, time.Second, 2 * time.Second, 60 * time.Second},
	} {
		got := tc.in.forAWS(tc.console)
		if got.Connect != tc.connect || got.Read != tc.read || got.Call != tc.call {
			t.Errorf("%s: %+v, want connect %v read %v call %v", tc.name, got, tc.connect, tc.read, tc.call)
		}
	}
}
