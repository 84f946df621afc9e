package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/theme"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// common is the context every page and dialog shares: the backend handle,
// styles, key maps, sizes and the clock. The root owns it and hands each
// child a pointer, so a resize or an unlock is seen everywhere at once.
type common struct {
	ctx      context.Context
	backend  backend.Backend
	info     backend.Info
	location string
	readOnly bool
	renderer *lipgloss.Renderer
	styles   theme.Styles
	keys     keyMaps
	// width and height are the size of the page area (the terminal minus
	// the status bar and the footer).
	width, height int
	now           func() time.Time
	// lastID numbers requests so a page can tell its latest answer from a
	// stale one.
	lastID uint64
	tasks  *taskList
	// tick schedules a timer message (tea.Tick); tests replace it so
	// timers do not hold them up.
	tick func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	// animate turns the loading spinner on.
	animate bool
	version string
	// contexts says the configuration file has contexts to switch to.
	contexts bool
	// memory keeps the heap near what the list holds.
	memory *listMemory
}

// nextID returns a fresh request id.
func (c *common) nextID() uint64 {
	c.lastID++
	return c.lastID
}

// mutation refuses an action in read-only mode. It returns a command that
// tells the operator why, and false when the action must not run.
func (c *common) mutation(what string) (tea.Cmd, bool) {
	if c.readOnly {
		return flash(line(what+" is disabled: the console is read-only"), true), false
	}
	return nil, true
}

// line escapes one line of backend text for drawing.
func line(s string) escaped.Text { return escaped.Line(s) }

// text escapes multi-line backend text for drawing.
func text(s string) escaped.Text { return escaped.Lines(s) }
