package clipboard

import (
	"bytes"
	"strings"
	"testing"
)

// Describe names the route Copy takes and what it can confirm, from the
// same decision Copy makes, and copies nothing.
func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		name      string
		available bool
		vars      map[string]string
		path      string
		confirmed string
	}{
		{"desktop", true, nil, "the system clipboard", "yes: the console reads the clipboard back"},
		{"ssh", true, map[string]string{"SSH_TTY": "/dev/pts/1"}, "OSC 52 to your terminal (over SSH the system clipboard here is not yours)", "no: terminals do not answer OSC 52"},
		{"screen", false, map[string]string{"STY": "1.pts"}, "OSC 52 through GNU screen", "no:"},
		{"headless", false, nil, "OSC 52 to your terminal", "no:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys := &fakeSystem{available: tc.available}
			var out bytes.Buffer
			r := newTest(sys, &out, tc.vars).Describe()
			if !strings.HasPrefix(r.Path, tc.path) || !strings.HasPrefix(r.Confirmed, tc.confirmed) {
				t.Fatalf("path %q confirmed %q; want %q, %q", r.Path, r.Confirmed, tc.path, tc.confirmed)
			}
			if out.Len() != 0 || sys.writes != 0 {
				t.Fatalf("Describe copied something: %q, %d writes", out.String(), sys.writes)
			}
		})
	}
}

// Inside tmux, Describe asks tmux as Copy does (one server per test: the
// socket is named after the test).
func TestDescribeTmuxOff(t *testing.T) { describeTmux(t, "off") }

func TestDescribeTmuxOn(t *testing.T) { describeTmux(t, "on") }

func describeTmux(t *testing.T, setting string) {
	c := newTest(&fakeSystem{}, &bytes.Buffer{}, map[string]string{"TMUX": "x", "SSH_TTY": "/dev/pts/1"})
	c.tmux = tmuxServer(t, setting)
	r := c.Describe()
	if r.TmuxErr != nil || r.Tmux.SetClipboard != setting {
		t.Fatalf("tmux state %+v %v", r.Tmux, r.TmuxErr)
	}
	want := "ONLY tmux buffer secretary (set-clipboard is off"
	if setting == "on" && r.Tmux.Version >= 32 {
		want = "tmux buffer secretary, sent on to your terminal's clipboard by tmux"
	}
	if !strings.HasPrefix(r.Path, want) {
		t.Fatalf("path %q, want %q", r.Path, want)
	}
}
