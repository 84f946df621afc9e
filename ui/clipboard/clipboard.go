// Package clipboard copies secret values for the operator and takes them
// back off the clipboard after a while.
//
// On a workstation the value goes to the system clipboard (through
// github.com/atotto/clipboard). Over SSH — or where there is no system
// clipboard — the system clipboard of the host would be the wrong one (or
// none), so the value is sent to the operator's own terminal with the OSC 52
// escape sequence, which most terminals turn into a clipboard write on the
// machine the operator sits at.
//
// After the timeout (30 s by default) the clipboard is cleared, but only if
// it still holds what was copied: a value the operator copied from somewhere
// else in the meantime is left alone. OSC 52 cannot be read back, so there
// the clear is an empty selection sent unconditionally, and the status says
// so.
//
// A Clipboard is used from the Bubble Tea update loop only: Copy and Update
// return commands, the I/O runs in those commands, and results come back as
// messages (CopiedMsg, ErrorMsg, ClearedMsg).
package clipboard

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	sysclip "github.com/atotto/clipboard"
	tea "github.com/charmbracelet/bubbletea"
)

// DefaultTimeout is how long a copied value stays on the clipboard unless
// WithTimeout says otherwise.
const DefaultTimeout = 30 * time.Second

// Method says where a value was copied to.
type Method string

// The ways a value reaches a clipboard.
const (
	// MethodSystem is the local system clipboard.
	MethodSystem Method = "system clipboard"
	// MethodOSC52 is the terminal's clipboard, through the OSC 52 sequence.
	MethodOSC52 Method = "OSC 52"
	// MethodOSC52Tmux is OSC 52 inside tmux: sent both for tmux itself
	// (set-clipboard on) and wrapped for passthrough to the outer terminal
	// (allow-passthrough on).
	MethodOSC52Tmux Method = "OSC 52 (tmux)"
)

// System is the seam to the machine's clipboard. Production uses the
// atotto/clipboard implementation; tests substitute their own.
type System interface {
	// Available reports whether there is a system clipboard to try.
	Available() bool
	ReadAll() (string, error)
	WriteAll(text string) error
}

// CopiedMsg reports a successful copy.
type CopiedMsg struct {
	ID      int
	Method  Method
	ClearAt time.Time
	// Fallback explains why OSC 52 was used when a system clipboard was
	// tried first and failed; empty otherwise.
	Fallback string
	// Note says what reached where, for the tmux and screen paths.
	Note string
}

// Status is a one-line status-bar text for the copy: where it went first,
// since a narrow status bar cuts the end.
func (m CopiedMsg) Status() string {
	at := m.ClearAt.Format("15:04:05")
	switch {
	case m.Method == MethodSystem:
		return fmt.Sprintf("Copied to the system clipboard; clears at %s if unchanged", at)
	case m.Method == MethodTmux:
		return fmt.Sprintf("Copied %s; clears at %s", m.Note, at)
	case m.Note != "":
		return fmt.Sprintf("Sent via %s %s; clears at %s", m.Method, m.Note, at)
	}
	// A terminal does not answer an OSC 52: "sent" is all that is known,
	// and the clear is blind (ClearedMsg says so when it happens).
	return fmt.Sprintf("Sent via %s (the terminal does not confirm); clears at %s", m.Method, at)
}

// ErrorMsg reports a copy or clear that failed.
type ErrorMsg struct {
	ID  int
	Err error
}

func (m ErrorMsg) Error() string { return m.Err.Error() }

// ClearMsg is the timer firing for copy ID. Hand it to Update.
type ClearMsg struct{ ID int }

// ClearedMsg reports what happened when the timer fired.
type ClearedMsg struct {
	ID     int
	Method Method
	// Cleared is false when the system clipboard had changed since the copy
	// and was left alone.
	Cleared bool
	// TmuxBuffers counts the tmux buffers deleted; TmuxOuter says the
	// outer terminal's clipboard was overwritten through tmux.
	TmuxBuffers int
	TmuxOuter   bool
}

// Status is a one-line status-bar text for the clear.
func (m ClearedMsg) Status() string {
	switch {
	case m.Method == MethodTmux && m.TmuxOuter:
		return fmt.Sprintf("Cleared: deleted %d tmux buffer(s) holding the value and overwrote your terminal's clipboard with a blank", m.TmuxBuffers)
	case m.Method == MethodTmux:
		return fmt.Sprintf("Cleared: deleted %d tmux buffer(s) holding the value", m.TmuxBuffers)
	case m.Method != MethodSystem:
		return "Sent an empty selection to the terminal clipboard (it cannot be read back)"
	case m.Cleared:
		return "Cleared the system clipboard"
	default:
		return "Left the system clipboard alone: it no longer holds the copied value"
	}
}

// Clipboard copies and clears. Create it with New; use it from Update only.
type Clipboard struct {
	timeout time.Duration
	out     io.Writer
	getenv  func(string) string
	system  System
	now     func() time.Time
	tmux    TmuxRunner
	tick    func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	// seq identifies the latest copy; a ClearMsg for an older one is stale.
	seq int
	// pending is what the latest copy put on the clipboard, kept only until
	// its clear so the clear can check the clipboard still holds it.
	pending       string
	pendingMethod Method
}

// Option configures a Clipboard.
type Option func(*Clipboard)

// WithTimeout sets how long a copied value stays on the clipboard. Zero or
// negative keeps DefaultTimeout: a clipboard that is never cleared is not an
// option.
func WithTimeout(d time.Duration) Option {
	return func(c *Clipboard) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithWriter sets where OSC 52 sequences are written: the terminal the
// console draws on (os.Stdout by default).
func WithWriter(w io.Writer) Option { return func(c *Clipboard) { c.out = w } }

// WithEnv sets how environment variables (SSH_TTY, SSH_CONNECTION, TMUX)
// are looked up; os.Getenv by default.
func WithEnv(getenv func(string) string) Option { return func(c *Clipboard) { c.getenv = getenv } }

// WithSystem replaces the system clipboard.
func WithSystem(s System) Option { return func(c *Clipboard) { c.system = s } }

// WithTick replaces tea.Tick for the clear timer: tests that drive the
// commands themselves would otherwise wait on it.
func WithTick(tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd) Option {
	return func(c *Clipboard) { c.tick = tick }
}

// WithClock replaces time.Now for ClearAt.
func WithClock(now func() time.Time) Option { return func(c *Clipboard) { c.now = now } }

// New returns a Clipboard with the defaults: 30 s, os.Stdout, os.Getenv and
// the system clipboard.
func New(opts ...Option) *Clipboard {
	c := &Clipboard{
		timeout: DefaultTimeout,
		out:     os.Stdout,
		getenv:  os.Getenv,
		system:  atottoSystem{},
		now:     time.Now,
		tmux:    runTmux,
		tick:    tea.Tick,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Timeout is how long a copied value stays on the clipboard.
func (c *Clipboard) Timeout() time.Duration { return c.timeout }

// Copy returns a command that puts text on the clipboard and reports
// CopiedMsg or ErrorMsg. Pass the CopiedMsg to Update to start the clear
// timer.
func (c *Clipboard) Copy(text string) tea.Cmd {
	c.seq++
	id := c.seq
	c.pending = text
	// Which path to take is decided here, from the environment, so the
	// command needs nothing from the Clipboard but immutable settings.
	r := c.route()
	tmux, screen := r.Tmux, r.Screen
	sys, out, timeout, now, runTmux := c.system, c.out, c.timeout, c.now, c.tmux
	c.pendingMethod = osc52Method(tmux)
	if r.System {
		c.pendingMethod = MethodSystem
	}
	return func() tea.Msg {
		var fallback, note string
		if r.System {
			err := sys.WriteAll(text)
			if err == nil {
				return CopiedMsg{ID: id, Method: MethodSystem, ClearAt: now().Add(timeout)}
			}
			// xclip without a display, a broken wl-copy: the terminal may
			// still take it.
			fallback = "system clipboard failed: " + err.Error()
		}
		if tmux {
			n, err := copyTmux(runTmux, text)
			if err == nil {
				return CopiedMsg{ID: id, Method: MethodTmux, ClearAt: now().Add(timeout), Fallback: fallback, Note: n}
			}
			// tmux would not answer: the sequence is all that is left,
			// and whether it gets through is tmux's set-clipboard.
			note = "(tmux could not be asked: " + err.Error() + "; it passes OSC 52 on only with set-clipboard on — " + TmuxFix + ")"
		}
		seq := OSC52(text, tmux)
		if screen {
			seq = screenWrap(seq)
			note = "through screen (neither confirms)"
		}
		if _, err := io.WriteString(out, seq); err != nil {
			return ErrorMsg{ID: id, Err: fmt.Errorf("copy to the terminal clipboard: %w", err)}
		}
		return CopiedMsg{ID: id, Method: osc52Method(tmux), ClearAt: now().Add(timeout), Fallback: fallback, Note: note}
	}
}

// Route is the way a copy takes from where the console runs, as Copy
// decides it: from the environment, asking nothing yet.
type Route struct {
	// Remote says the session came over SSH: the system clipboard here
	// is not the operator's.
	Remote bool
	// System says the system clipboard is tried first.
	System bool
	// Tmux and Screen say a multiplexer sits between the console and the
	// terminal.
	Tmux, Screen bool
}

func (c *Clipboard) route() Route {
	r := Route{
		Remote: c.getenv("SSH_TTY") != "" || c.getenv("SSH_CONNECTION") != "",
		Tmux:   c.getenv("TMUX") != "",
	}
	r.Screen = !r.Tmux && c.getenv("STY") != ""
	r.System = !r.Remote && c.system.Available()
	return r
}

// Report says, for a person checking their terminal, where a copy would go
// and whether the console could confirm that it arrived.
type Report struct {
	Route Route
	// Tmux is what tmux said about its clipboard handling, when inside
	// tmux; TmuxErr why it could not be asked.
	Tmux    TmuxState
	TmuxErr error
	// Path and Confirmed are one line each, for the person.
	Path, Confirmed string
}

// Describe reports the route Copy would take and what it can confirm; it
// asks tmux for its options (as Copy does) but copies nothing.
func (c *Clipboard) Describe() Report {
	r := Report{Route: c.route()}
	switch {
	case r.Route.System:
		r.Path = "the system clipboard (" + string(MethodSystem) + ")"
		r.Confirmed = "yes: the console reads the clipboard back after writing it"
		return r
	case r.Route.Tmux:
		r.Tmux, r.TmuxErr = ProbeTmux(c.tmux)
		if r.TmuxErr != nil {
			r.Path = "OSC 52 through tmux (tmux could not be asked: " + r.TmuxErr.Error() + ")"
			r.Confirmed = "no: terminals do not answer OSC 52, and tmux passes it on only with set-clipboard on"
			return r
		}
		if r.Tmux.forwards() {
			r.Path = "tmux buffer " + tmuxBuffer + ", sent on to your terminal's clipboard by tmux"
			r.Confirmed = "the tmux buffer yes (read back); your terminal's clipboard no (terminals do not answer)"
		} else {
			why := "set-clipboard is " + r.Tmux.SetClipboard
			if r.Tmux.Version < 32 {
				why = "tmux before 3.2 cannot pass it on"
			}
			r.Path = "ONLY tmux buffer " + tmuxBuffer + " (" + why + "; your workstation clipboard is not reached; fix: " + TmuxFix + ")"
			r.Confirmed = "the tmux buffer yes (read back)"
		}
		return r
	case r.Route.Screen:
		r.Path = "OSC 52 through GNU screen's passthrough"
	default:
		r.Path = "OSC 52 to your terminal"
	}
	if r.Route.Remote && c.system.Available() {
		r.Path += " (over SSH the system clipboard here is not yours)"
	}
	r.Confirmed = "no: terminals do not answer OSC 52; the console says sent, not copied"
	return r
}

// Update handles the clipboard's own messages and returns the command that
// follows: the clear timer after a CopiedMsg, the clear itself after a
// ClearMsg. Other messages return nil. The caller still shows CopiedMsg,
// ClearedMsg and ErrorMsg in its status bar.
func (c *Clipboard) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case CopiedMsg:
		if msg.ID != c.seq {
			return nil
		}
		// The method actually used (after a fallback) decides the clear.
		c.pendingMethod = msg.Method
		id := msg.ID
		return c.tick(c.timeout, func(time.Time) tea.Msg { return ClearMsg{ID: id} })
	case ErrorMsg:
		if msg.ID == c.seq {
			c.pending = ""
		}
	case ClearMsg:
		if msg.ID != c.seq {
			// A newer copy replaced this one and has its own timer.
			return nil
		}
		return c.clear(msg.ID)
	}
	return nil
}

// ClearPending returns the command that clears a copy whose timer has not
// fired yet, on the same terms as the timer (the system clipboard only if
// it still holds the value), and nil when there is none. The console runs
// it when it quits: the timer dies with the program, and the value must
// not outlive it on the clipboard.
func (c *Clipboard) ClearPending() tea.Cmd {
	if c.pending == "" {
		return nil
	}
	return c.clear(c.seq)
}

// clear returns the command that clears the latest copy and forgets it.
func (c *Clipboard) clear(id int) tea.Cmd {
	text, method := c.pending, c.pendingMethod
	c.pending = ""
	sys, out, tmux, runTmux := c.system, c.out, c.getenv("TMUX") != "", c.tmux
	screen := !tmux && c.getenv("STY") != ""
	return func() tea.Msg {
		if method == MethodTmux {
			n, outer, err := clearTmux(runTmux, text)
			if err != nil {
				return ErrorMsg{ID: id, Err: fmt.Errorf("clear the copy from tmux: %w", err)}
			}
			return ClearedMsg{ID: id, Method: method, Cleared: true, TmuxBuffers: n, TmuxOuter: outer}
		}
		if method != MethodSystem {
			seq := OSC52("", tmux)
			if screen {
				seq = screenWrap(seq)
			}
			if _, err := io.WriteString(out, seq); err != nil {
				return ErrorMsg{ID: id, Err: fmt.Errorf("clear the terminal clipboard: %w", err)}
			}
			return ClearedMsg{ID: id, Method: method, Cleared: true}
		}
		current, err := sys.ReadAll()
		if err != nil {
			return ErrorMsg{ID: id, Err: fmt.Errorf("read the system clipboard to clear it: %w", err)}
		}
		if current != text {
			return ClearedMsg{ID: id, Method: method, Cleared: false}
		}
		if err := sys.WriteAll(""); err != nil {
			return ErrorMsg{ID: id, Err: fmt.Errorf("clear the system clipboard: %w", err)}
		}
		return ClearedMsg{ID: id, Method: method, Cleared: true}
	}
}

func osc52Method(tmux bool) Method {
	if tmux {
		return MethodOSC52Tmux
	}
	return MethodOSC52
}

// OSC52 returns the bytes that set the terminal's clipboard selection to
// text ("" clears it: xterm and most others clear the selection when the
// data is empty or not base64).
//
// Inside tmux the plain sequence is for tmux itself, which takes it as a
// buffer and forwards it to the outer terminal when set-clipboard is on;
// the second copy is wrapped in tmux's DCS passthrough (ESC P tmux; … ESC \
// with every ESC inside doubled), which reaches the outer terminal when
// allow-passthrough is on. With both settings on the outer terminal gets the
// same value twice, which is harmless.
func OSC52(text string, tmux bool) string {
	seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
	if !tmux {
		return seq
	}
	return seq + "\x1bPtmux;" + strings.ReplaceAll(seq, "\x1b", "\x1b\x1b") + "\x1b\\"
}

// screenWrap passes seq through GNU screen to the outer terminal (screen's
// DCS passthrough), which screen itself would otherwise swallow.
func screenWrap(seq string) string {
	return "\x1bP" + seq + "\x1b\\"
}

// atottoSystem is the real system clipboard.
type atottoSystem struct{}

func (atottoSystem) Available() bool { return !sysclip.Unsupported }

func (atottoSystem) ReadAll() (string, error) { return sysclip.ReadAll() }

func (atottoSystem) WriteAll(text string) error {
	if err := sysclip.WriteAll(text); err != nil {
		return errors.Join(errors.New("no usable system clipboard"), err)
	}
	return nil
}
