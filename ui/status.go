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
)

// How long status messages stay on the bar.
const (
	flashTTL = 5 * time.Second
	errorTTL = 12 * time.Second
)

// task is a long action shown on the status bar while it runs.
type task struct {
	id      uint64
	text    string
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

// taskDoneMsg ends a task. result is forwarded to the pages when the task
// succeeded, so the page that started it can update itself.
type taskDoneMsg struct {
	id     uint64
	done   string
	err    error
	result tea.Msg
}

// flashMsg puts a message on the status bar for a while.
type flashMsg struct {
	text  string
	isErr bool
}

// flashExpiredMsg clears the status message it names, unless a newer one
// replaced it.
type flashExpiredMsg struct{ seq uint64 }

func flash(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text, isErr: isErr} }
}

func flashErr(err error) tea.Cmd {
	return flash(errorText(err), true)
}

// task starts a long action: start is shown while it runs, done (or the
// error) when it ends. fn runs off the Update goroutine with the console's
// context.
func (c *common) task(start, done string, fn func(ctx context.Context, b backend.Backend) (tea.Msg, error)) tea.Cmd {
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
func errorText(err error) string {
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
	text  string
	isErr bool
	seq   uint64
}

func (s *statusBar) set(msg flashMsg) tea.Cmd {
	s.seq++
	s.text, s.isErr = msg.text, msg.isErr
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
	loc := backendLabel(s.c)
	var mid string
	switch {
	case len(s.c.tasks.running) > 0:
		t := s.c.tasks.running[len(s.c.tasks.running)-1]
		mid = "⋯ " + t.text
		if n := len(s.c.tasks.running); n > 1 {
			mid += fmt.Sprintf(" (+%d)", n-1)
		}
	case s.text != "" && s.isErr:
		mid = st.Danger.Render("✗ " + s.text)
	case s.text != "":
		mid = st.Success.Render("✓ ") + s.text
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
		mid = "  " + truncate(mid, max(0, width-lipgloss.Width(left)-lipgloss.Width(right)-3))
	}
	gap := max(0, width-lipgloss.Width(left)-lipgloss.Width(mid)-lipgloss.Width(right))
	bar := left + mid + strings.Repeat(" ", gap) + right
	return s.c.styles.Bar.Width(width).MaxWidth(width).Render(truncate(bar, width))
}

func backendLabel(c *common) string {
	if c.backend == nil {
		return "local " + line(c.location)
	}
	info := c.info
	switch info.Kind {
	case "aws":
		parts := []string{"aws"}
		for _, p := range []string{info.Location, info.Region, info.Account} {
			if p != "" {
				parts = append(parts, line(p))
			}
		}
		return strings.Join(parts, " ")
	default:
		loc := info.Location
		if loc == "" {
			loc = c.location
		}
		return info.Kind + " " + line(loc)
	}
}
