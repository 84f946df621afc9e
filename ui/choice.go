package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// choiceDialog offers two ways on, each with its own key; enter takes the
// first, the one that loses nothing, and esc the second.
type choiceDialog struct {
	c           *common
	title       escaped.Text
	body        []escaped.Text
	first, then key.Binding
	onFirst     tea.Cmd
	onThen      tea.Cmd
}

func (d *choiceDialog) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := d.c.keys.dialog
	switch {
	case key.Matches(km, d.first), key.Matches(km, k.Confirm):
		return then(d.onFirst)
	case key.Matches(km, d.then), key.Matches(km, k.Cancel):
		return then(d.onThen)
	}
	return nil
}

func (d *choiceDialog) View(width int) string {
	st := d.c.styles
	inner := min(width-4, 72)
	var b strings.Builder
	b.WriteString(st.Title.Render(d.title.String()))
	for _, l := range d.body {
		b.WriteString("\n" + d.c.renderer.NewStyle().Width(inner).Render(l.String()))
	}
	first, second := d.first.Help(), d.then.Help()
	b.WriteString("\n\n" + st.ButtonOn.Render("["+first.Key+" "+first.Desc+"]") + "  " +
		st.Button.Render(" "+second.Key+" "+second.Desc+" "))
	return st.Dialog.Width(inner + 2).Render(b.String())
}

func (d *choiceDialog) help() keyHelp {
	return keyHelp{short: []key.Binding{d.first, d.then}}
}
