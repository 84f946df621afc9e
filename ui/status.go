package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// How long status messages stay on the bar.
const (
	flashTTL = 5 * time.Second
	errorTTL = 12 * time.Second
)

// task is a long action shown on the status bar while it runs.
type task struct {
	id      uint64
	text    escaped.Text
	started time.Time
}

// taskList is the set of running tasks, shared by every page through common.
type taskList struct {
	running []task
}

func (l *taskList) remove(id uint64) {
	for i, t := range l.running {
		if t.id == id {
			l.running = append(l.running[:i], l.running[i+1:]...)
			return
		}
	}
}

// task starts a long action: start is shown while it runs, done (or the
// error) when it ends. fn runs off the Update goroutine with the console's
// context.
func (c *common) task(start, done escaped.Text, fn func(ctx context.Context, b backend.Backend) (tea.Msg, error)) tea.Cmd {
	id := c.nextID()
	c.tasks.running = append(c.tasks.running, task{id: id, text: start, started: c.now()})
	ctx, b := c.ctx, c.backend
	return func() tea.Msg {
		res, err := fn(ctx, b)
		return taskDoneMsg{id: id, done: done, err: err, result: res}
	}
}

// errorText renders an error as the AWS exception name and message, the way
// operators know them from the AWS console and CLI. It is sanitized: an
// error message may quote a name chosen by whoever wrote the secret.
func errorText(err error) escaped.Text {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	if code := backend.Code(err); code != "" {
		return line(code + ": " + backend.Message(err))
	}
	return line(err.Error())
}

// statusBar draws the bottom line: backend, READ-ONLY, running tasks or the
// latest message, and what the active page reports on the right.
type statusBar struct {
	c     *common
	text  escaped.Text
	isErr bool
	seq   uint64
	ident identity
	// lastErr is the latest error in full, kept after it leaves the bar,
	// for the error view (!): the bar cuts a long one.
	lastErr escaped.Text
}

func (s *statusBar) set(msg flashMsg) tea.Cmd {
	s.seq++
	s.text, s.isErr = msg.text, msg.isErr
	if msg.isErr {
		s.lastErr = msg.text
	}
	seq, ttl := s.seq, flashTTL
	if msg.isErr {
		ttl = errorTTL
	}
	return s.c.tick(ttl, func(time.Time) tea.Msg { return flashExpiredMsg{seq: seq} })
}

func (s *statusBar) expire(msg flashExpiredMsg) {
	if msg.seq == s.seq {
		s.text, s.isErr = "", false
	}
}

func (s *statusBar) View(width int, right string) string {
	st := s.c.styles
	var badge string
	if s.c.readOnly {
		badge = st.Badge.Render(" READ-ONLY ") + " "
	}
	loc := s.backendLabel().String()
	var mid string
	switch {
	case len(s.c.tasks.running) > 0:
		t := s.c.tasks.running[len(s.c.tasks.running)-1]
		mid = "⋯ " + t.text.String()
		if n := len(s.c.tasks.running); n > 1 {
			mid += fmt.Sprintf(" (+%d)", n-1)
		}
	case s.text != "" && s.isErr:
		mid = st.Danger.Render("✗ " + s.text.String())
	case s.text != "":
		mid = st.Success.Render("✓ ") + s.text.String()
	}
	right += " "
	// What is happening matters more than where: a message takes the room
	// it needs and the location gets the rest (at least a few cells).
	avail := width - lipgloss.Width(right) - lipgloss.Width(badge) - 1
	locW := lipgloss.Width(loc)
	if mid != "" {
		locW = min(locW, max(12, avail-lipgloss.Width(mid)-3))
	}
	loc = truncate(loc, max(0, min(locW, avail)))
	left := " " + badge + loc
	if mid != "" {
		room := max(0, width-lipgloss.Width(left)-lipgloss.Width(right)-3)
		if s.isErr && lipgloss.Width(mid) > room && room > 2*len(errorHint) {
			// Cut, so say where the rest is.
			mid = truncate(mid, room-len(errorHint)) + st.Muted.Render(errorHint)
		}
		mid = "  " + truncate(mid, room)
	}
	gap := max(0, width-lipgloss.Width(left)-lipgloss.Width(mid)-lipgloss.Width(right))
	bar := left + mid + strings.Repeat(" ", gap) + right
	return s.c.styles.Bar.Width(width).MaxWidth(width).Render(truncate(bar, width))
}

// errorHint ends an error the status bar had to cut.
const errorHint = " ! full text"

// identifier is implemented by backends that can say whose credentials
// they use (AWS: STS GetCallerIdentity). Identity may block on the network;
// it is only ever called from a command.
type identifier interface {
	Identity(ctx context.Context) (account, arn string, err error)
}

// expirer is implemented by credential errors that can tell credentials
// that ran out (log in again) from none at all.
type expirer interface {
	error
	Expired() bool
}

// identityMsg delivers the caller identity asked for by fetchIdentity.
type identityMsg struct {
	id           uint64
	account, arn string
	err          error
}

// identity is what the status bar knows of whose credentials are in use.
type identity struct {
	id           uint64 // request whose answer is awaited; 0 when none
	loading      bool
	account, arn string
	err          error
}

// identityTimeout bounds the wait for the background resolution; the
// backend bounds its own calls too, this only makes sure "account …" ends.
const identityTimeout = 20 * time.Second

// fetchIdentity asks the backend, in the background, whose credentials it
// uses. Backends that cannot say (the local store) leave the bar as it is.
func (s *statusBar) fetchIdentity() tea.Cmd {
	s.ident = identity{}
	idb, ok := s.c.backend.(identifier)
	if !ok {
		return nil
	}
	id := s.c.nextID()
	s.ident = identity{id: id, loading: true}
	ctx := s.c.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, identityTimeout)
		defer cancel()
		account, arn, err := idb.Identity(ctx)
		return identityMsg{id: id, account: account, arn: arn, err: err}
	}
}

func (s *statusBar) setIdentity(msg identityMsg) {
	if msg.id != s.ident.id {
		return
	}
	s.ident = identity{account: msg.account, arn: msg.arn, err: msg.err}
}

// accountText is the account part of the AWS label: the account id, or in
// a few words why there is none and what to do about it.
func (s *statusBar) accountText() escaped.Text {
	id := s.ident
	switch {
	case id.loading:
		return "account …"
	case id.account != "":
		return line(id.account)
	case id.err != nil:
		login := "aws sso login"
		if p := s.c.info.Location; p != "" && p != "default" {
			login += " --profile " + p
		}
		var ex expirer
		if errors.As(id.err, &ex) {
			if ex.Expired() {
				return "AWS credentials expired (run " + line(login) + ")"
			}
			return "no AWS credentials (run " + line(login) + ")"
		}
	}
	if s.c.info.Account != "" {
		return line(s.c.info.Account)
	}
	return "account unknown"
}

func (s *statusBar) backendLabel() escaped.Text {
	c := s.c
	if c.backend == nil {
		return "local " + line(c.location)
	}
	info := c.info
	switch info.Kind {
	case "aws":
		var parts []escaped.Text
		for _, p := range []string{info.Location, info.Region} {
			if p != "" {
				parts = append(parts, line(p))
			}
		}
		return "aws " + escaped.Join(append(parts, s.accountText()), " · ")
	default:
		loc := info.Location
		if loc == "" {
			loc = c.location
		}
		return line(info.Kind) + " " + line(loc)
	}
}
