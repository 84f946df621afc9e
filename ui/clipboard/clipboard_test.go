package clipboard

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// fakeSystem stands in for the desktop clipboard, which needs a display.
type fakeSystem struct {
	available bool
	content   string
	writeErr  error
	writes    int
}

func (f *fakeSystem) Available() bool { return f.available }
func (f *fakeSystem) ReadAll() (string, error) {
	return f.content, nil
}
func (f *fakeSystem) WriteAll(text string) error {
	if f.writeErr != nil {
		return f.writeErr
	}
	f.writes++
	f.content = text
	return nil
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

func newTest(sys *fakeSystem, out *bytes.Buffer, vars map[string]string) *Clipboard {
	return New(WithSystem(sys), WithWriter(out), WithEnv(env(vars)),
		WithClock(func() time.Time { return t0 }), WithTimeout(time.Millisecond))
}

func TestOSC52Bytes(t *testing.T) {
	tests := []struct {
		name string
		text string
		tmux bool
		want string
	}{
		{"plain", "hunter2", false, "\x1b]52;c;aHVudGVyMg==\x07"},
		{"clear", "", false, "\x1b]52;c;\x07"},
		{"tmux", "hunter2", true,
			"\x1b]52;c;aHVudGVyMg==\x07" + "\x1bPtmux;\x1b\x1b]52;c;aHVudGVyMg==\x07\x1b\\"},
		{"tmux clear", "", true, "\x1b]52;c;\x07\x1bPtmux;\x1b\x1b]52;c;\x07\x1b\\"},
		// A value with its own escape sequence travels base64-encoded and
		// cannot end the OSC early.
		{"hostile value", "\x1b]0;x\x07", false, "\x1b]52;c;G10wO3gH\x07"},
	}
	for _, tt := range tests {
		if got := OSC52(tt.text, tt.tmux); got != tt.want {
			t.Errorf("%s: OSC52(%q, %v) = %q, want %q", tt.name, tt.text, tt.tmux, got, tt.want)
		}
	}
}

func TestCopySystem(t *testing.T) {
	sys := &fakeSystem{available: true}
	var out bytes.Buffer
	c := newTest(sys, &out, nil)
	msg := c.Copy("s3cret")()
	copied, ok := msg.(CopiedMsg)
	if !ok {
		t.Fatalf("got %T %v, want CopiedMsg", msg, msg)
	}
	if copied.Method != MethodSystem || sys.content != "s3cret" {
		t.Errorf("method %q, clipboard %q", copied.Method, sys.content)
	}
	if !copied.ClearAt.Equal(t0.Add(time.Millisecond)) {
		t.Errorf("ClearAt %v", copied.ClearAt)
	}
	if out.Len() != 0 {
		t.Errorf("terminal got %q, want nothing", out.String())
	}
	if !strings.Contains(copied.Status(), "system clipboard") || !strings.Contains(copied.Status(), "10:00:00") {
		t.Errorf("status %q", copied.Status())
	}
}

func TestCopyOverSSHUsesOSC52EvenWithSystemClipboard(t *testing.T) {
	for _, v := range []string{"SSH_TTY", "SSH_CONNECTION"} {
		sys := &fakeSystem{available: true}
		var out bytes.Buffer
		c := newTest(sys, &out, map[string]string{v: "x"})
		copied, ok := c.Copy("pw")().(CopiedMsg)
		if !ok || copied.Method != MethodOSC52 {
			t.Fatalf("%s: got %+v", v, copied)
		}
		if sys.writes != 0 {
			t.Errorf("%s: system clipboard written over SSH", v)
		}
		if out.String() != "\x1b]52;c;cHc=\x07" {
			t.Errorf("%s: terminal got %q", v, out.String())
		}
		if !strings.Contains(copied.Status(), "Sent via OSC 52 (the terminal does not confirm); clears at 10:00:00") {
			t.Errorf("status must say how it clears: %q", copied.Status())
		}
	}
}

// When tmux cannot be asked, the sequence is sent for tmux and wrapped for
// passthrough, and the status says it depends on set-clipboard.
func TestCopyInTmuxThatDoesNotAnswer(t *testing.T) {
	var out bytes.Buffer
	c := newTest(&fakeSystem{}, &out, map[string]string{"TMUX": "/tmp/tmux-1/default,1,0"})
	c.tmux = func(string, ...string) (string, error) { return "", errors.New("no server running") }
	copied := c.Copy("pw")().(CopiedMsg)
	if copied.Method != MethodOSC52Tmux {
		t.Errorf("method %q", copied.Method)
	}
	if s := copied.Status(); !strings.HasPrefix(s, "Sent via OSC 52 (tmux)") || !strings.Contains(s, TmuxFix) {
		t.Errorf("status %q", s)
	}
	if out.String() != OSC52("pw", true) {
		t.Errorf("terminal got %q", out.String())
	}
}

func TestCopyFallsBackWhenSystemFails(t *testing.T) {
	sys := &fakeSystem{available: true, writeErr: errors.New("Error: Can't open display")}
	var out bytes.Buffer
	c := newTest(sys, &out, nil)
	copied := c.Copy("pw")().(CopiedMsg)
	if copied.Method != MethodOSC52 || !strings.Contains(copied.Fallback, "open display") {
		t.Errorf("got %+v", copied)
	}
	if out.String() != OSC52("pw", false) {
		t.Errorf("terminal got %q", out.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestCopyError(t *testing.T) {
	c := New(WithSystem(&fakeSystem{}), WithWriter(failWriter{}), WithEnv(env(nil)))
	msg := c.Copy("s3cret-value")()
	e, ok := msg.(ErrorMsg)
	if !ok || !strings.Contains(e.Error(), "broken pipe") {
		t.Fatalf("got %T %v", msg, msg)
	}
	if strings.Contains(e.Error(), "s3cret") {
		t.Errorf("error leaks the value: %v", e)
	}
}

// runClear drives a copy through Update the way the console does: the copy
// result starts the timer, the timer's message triggers the clear.
func runClear(t *testing.T, c *Clipboard, copied CopiedMsg) any {
	t.Helper()
	tick := c.Update(copied)
	if tick == nil {
		t.Fatal("no clear timer after CopiedMsg")
	}
	clearMsg, ok := tick().(ClearMsg)
	if !ok || clearMsg.ID != copied.ID {
		t.Fatalf("timer gave %+v", clearMsg)
	}
	cmd := c.Update(clearMsg)
	if cmd == nil {
		return nil
	}
	return cmd()
}

func TestClearSystemOnlyIfUnchanged(t *testing.T) {
	sys := &fakeSystem{available: true}
	c := newTest(sys, &bytes.Buffer{}, nil)
	copied := c.Copy("s3cret")().(CopiedMsg)
	got := runClear(t, c, copied)
	if cl, ok := got.(ClearedMsg); !ok || !cl.Cleared || sys.content != "" {
		t.Fatalf("got %+v, clipboard %q", got, sys.content)
	}

	// The operator copies something else before the timer fires.
	copied = c.Copy("s3cret")().(CopiedMsg)
	sys.content = "a URL from the browser"
	got = runClear(t, c, copied)
	cl, ok := got.(ClearedMsg)
	if !ok || cl.Cleared {
		t.Fatalf("got %+v", got)
	}
	if sys.content != "a URL from the browser" {
		t.Errorf("clipboard overwritten: %q", sys.content)
	}
	if !strings.Contains(cl.Status(), "Left the system clipboard alone") {
		t.Errorf("status %q", cl.Status())
	}
}

func TestClearOSC52SendsEmptySelection(t *testing.T) {
	var out bytes.Buffer
	c := newTest(&fakeSystem{}, &out, map[string]string{"SSH_TTY": "/dev/pts/1"})
	copied := c.Copy("pw")().(CopiedMsg)
	out.Reset()
	got := runClear(t, c, copied)
	if cl, ok := got.(ClearedMsg); !ok || !cl.Cleared || cl.Method != MethodOSC52 {
		t.Fatalf("got %+v", got)
	}
	if out.String() != "\x1b]52;c;\x07" {
		t.Errorf("terminal got %q", out.String())
	}
}

func TestStaleClearIsDropped(t *testing.T) {
	var out bytes.Buffer
	c := newTest(&fakeSystem{}, &out, nil)
	first := c.Copy("one")().(CopiedMsg)
	second := c.Copy("two")().(CopiedMsg)
	if c.Update(first) != nil {
		t.Error("a timer was started for a superseded copy")
	}
	if c.Update(ClearMsg{ID: first.ID}) != nil {
		t.Error("a stale clear would wipe the newer copy")
	}
	out.Reset()
	if got := runClear(t, c, second); got == nil {
		t.Fatal("the latest copy was not cleared")
	}
	if out.String() != OSC52("", false) {
		t.Errorf("terminal got %q", out.String())
	}
	// The value is forgotten once cleared.
	if c.pending != "" {
		t.Errorf("pending value kept after clear")
	}
}

func TestTimeoutOption(t *testing.T) {
	if got := New().Timeout(); got != DefaultTimeout {
		t.Errorf("default %v", got)
	}
	if got := New(WithTimeout(0)).Timeout(); got != DefaultTimeout {
		t.Errorf("zero gives %v, want the default", got)
	}
	if got := New(WithTimeout(5 * time.Second)).Timeout(); got != 5*time.Second {
		t.Errorf("got %v", got)
	}
}

// A copy whose timer has not fired is cleared when the console quits, if
// the clipboard still holds it; after the timer, or with nothing copied,
// there is nothing to do.
func TestClearPendingOnQuit(t *testing.T) {
	sys := &fakeSystem{available: true}
	var out bytes.Buffer
	c := newTest(sys, &out, nil)
	if c.ClearPending() != nil {
		t.Fatal("nothing was copied, yet ClearPending has work")
	}
	c.Update(c.Copy("s3cret")())
	cmd := c.ClearPending()
	if cmd == nil {
		t.Fatal("a pending copy gives no clear")
	}
	if msg, ok := cmd().(ClearedMsg); !ok || !msg.Cleared || sys.content != "" {
		t.Fatalf("clear on quit: %#v, clipboard %q", msg, sys.content)
	}
	if c.ClearPending() != nil {
		t.Fatal("the copy was cleared, yet ClearPending has work again")
	}
	// The operator copied something else since: it stays.
	c.Update(c.Copy("s3cret")())
	sys.content = "their own text"
	if msg, ok := c.ClearPending()().(ClearedMsg); !ok || msg.Cleared || sys.content != "their own text" {
		t.Fatalf("clear on quit over the operator's text: %#v, clipboard %q", msg, sys.content)
	}
	// Over SSH the terminal gets an empty selection.
	out.Reset()
	c = newTest(sys, &out, map[string]string{"SSH_TTY": "/dev/pts/1"})
	c.Update(c.Copy("s3cret")())
	out.Reset()
	if _, ok := c.ClearPending()().(ClearedMsg); !ok || out.String() != OSC52("", false) {
		t.Fatalf("clear on quit over SSH wrote %q", out.String())
	}
}
