package ui

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// confirmDialog asks yes or no and defaults to No: enter on the default
// choice cancels, so a tired operator hammering enter loses nothing. With
// a days field it also asks for a recovery window.
type confirmDialog struct {
	c      *common
	title  escaped.Text
	body   []escaped.Text
	yes    string
	choice bool // true = yes
	danger bool
	// days, when set, is a number field (the recovery window) in [minDays, maxDays].
	days             *textinput.Model
	minDays, maxDays int
	errText          string
	onYes            func(days int) tea.Cmd
}

func newConfirm(c *common, title escaped.Text, yes string, body []escaped.Text, onYes func(int) tea.Cmd) *confirmDialog {
	return &confirmDialog{c: c, title: title, yes: yes, body: body, onYes: onYes, danger: true}
}

// withDays adds the recovery window field.
func (d *confirmDialog) withDays(def, lo, hi int) *confirmDialog {
	ti := newInput()
	ti.Prompt = ""
	ti.CharLimit = 2
	ti.Width = 3
	ti.SetValue(strconv.Itoa(def))
	ti.Focus()
	d.days, d.minDays, d.maxDays = &ti, lo, hi
	return d
}

func (d *confirmDialog) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if d.days != nil {
			var cmd tea.Cmd
			*d.days, cmd = d.days.Update(msg)
			return cmd
		}
		return nil
	}
	k := d.c.keys.dialog
	switch {
	case key.Matches(km, k.Cancel), key.Matches(km, k.No):
		return closeDialog
	case key.Matches(km, k.Left), key.Matches(km, k.Right):
		d.choice = !d.choice
		return nil
	case key.Matches(km, k.Yes):
		d.choice = true
		return d.submit()
	case key.Matches(km, k.Confirm):
		if !d.choice {
			return closeDialog
		}
		return d.submit()
	}
	if d.days != nil && (km.Type == tea.KeyBackspace || km.Type == tea.KeyDelete ||
		(km.Type == tea.KeyRunes && len(km.Runes) == 1 && km.Runes[0] >= '0' && km.Runes[0] <= '9')) {
		var cmd tea.Cmd
		*d.days, cmd = d.days.Update(msg)
		d.errText = ""
		return cmd
	}
	return nil
}

func (d *confirmDialog) submit() tea.Cmd {
	days := 0
	if d.days != nil {
		n, err := strconv.Atoi(strings.TrimSpace(d.days.Value()))
		if err != nil || n < d.minDays || n > d.maxDays {
			d.errText = "The recovery window must be between " + strconv.Itoa(d.minDays) +
				" and " + strconv.Itoa(d.maxDays) + " days."
			d.choice = false
			return nil
		}
		days = n
	}
	return then(d.onYes(days))
}

func (d *confirmDialog) View(width int) string {
	st := d.c.styles
	inner := min(width-4, 64)
	var b strings.Builder
	title := st.Title.Render(d.title.String())
	if d.danger {
		title = st.Danger.Render(d.title.String())
	}
	b.WriteString(title)
	for _, l := range d.body {
		b.WriteString("\n")
		b.WriteString(d.c.renderer.NewStyle().Width(inner).Render(l.String()))
	}
	if d.days != nil {
		b.WriteString("\n\nRecovery window (" + strconv.Itoa(d.minDays) + "–" + strconv.Itoa(d.maxDays) +
			" days): " + d.days.View() + " days")
	}
	if d.errText != "" {
		b.WriteString("\n" + st.Danger.Render(d.errText))
	}
	// Brackets mark the choice in text as well, for terminals without
	// colour or reverse video.
	no, yes := st.Button.Render(" No "), st.Button.Render(" "+d.yes+" ")
	if d.choice {
		yes = st.ButtonOn.Render("[" + d.yes + "]")
	} else {
		no = st.ButtonOn.Render("[No]")
	}
	b.WriteString("\n\n" + no + "  " + yes)
	return st.Dialog.Width(inner + 2).Render(b.String())
}

func (d *confirmDialog) help() keyHelp {
	k := d.c.keys.dialog
	return keyHelp{short: []key.Binding{k.Yes, k.No, k.Left, k.Confirm, k.Cancel}}
}

// promptDialog asks for one line of text. submit returns an error text to
// show in the dialog (the input is kept), or a command to run.
type promptDialog struct {
	c       *common
	title   escaped.Text
	body    []escaped.Text
	input   textinput.Model
	errText escaped.Text
	submit  func(value string) (tea.Cmd, escaped.Text)
	// value is the store string the field was filled with, and shown what
	// the field shows of it: its escaped form, since a text field draws
	// what it holds (a bidi override would reorder the line) and drops
	// controls (so the value would change without the operator knowing).
	// A field still showing it submits value itself, unchanged.
	value, shown string
}

func newPrompt(c *common, title escaped.Text, label, value string, body []escaped.Text, submit func(string) (tea.Cmd, escaped.Text)) *promptDialog {
	ti := newInput()
	ti.Prompt = label
	shown := escaped.Line(value).String()
	// Escapes make a value longer; the field must hold it whole, or a
	// confirmed field would submit it cut.
	ti.CharLimit = max(4096, utf8.RuneCountInString(shown))
	ti.SetValue(shown)
	ti.CursorEnd()
	ti.Focus()
	return &promptDialog{c: c, title: title, body: body, input: ti, submit: submit, value: value, shown: shown}
}

// entered is what the operator submits: the store string the field was
// filled with while it shows that string untouched, else what was typed.
func (d *promptDialog) entered() string {
	if v := d.input.Value(); v != d.shown {
		return v
	}
	return d.value
}

func (d *promptDialog) Update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		k := d.c.keys.dialog
		switch {
		case key.Matches(km, k.Cancel):
			return closeDialog
		case key.Matches(km, k.Confirm):
			cmd, errText := d.submit(d.entered())
			if errText != "" {
				d.errText = errText
				return nil
			}
			return then(cmd)
		}
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	d.errText = ""
	return cmd
}

func (d *promptDialog) View(width int) string {
	st := d.c.styles
	inner := min(width-4, 72)
	d.input.Width = max(8, inner-lipgloss.Width(d.input.Prompt)-2)
	var b strings.Builder
	b.WriteString(st.Title.Render(d.title.String()))
	for _, l := range d.body {
		b.WriteString("\n" + d.c.renderer.NewStyle().Width(inner).Render(l.String()))
	}
	b.WriteString("\n\n" + d.input.View())
	if d.errText != "" {
		b.WriteString("\n" + d.c.renderer.NewStyle().Width(inner).Render(st.Danger.Render(d.errText.String())))
	}
	b.WriteString("\n\n" + st.Muted.Render("enter to confirm · esc to cancel"))
	return st.Dialog.Width(inner + 2).Render(b.String())
}

// inputFocused: the prompt is a text field, so a burst of keys is text.
func (d *promptDialog) inputFocused() bool { return true }

func (d *promptDialog) help() keyHelp {
	k := d.c.keys.dialog
	return keyHelp{short: []key.Binding{k.Confirm, k.Cancel}}
}

// newInput is a text field with a steady cursor: a blinking one would
// repaint the screen twice a second for nothing, over slow links too.
func newInput() textinput.Model {
	ti := textinput.New()
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}
