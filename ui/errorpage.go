package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// errorPage shows an error in full, wrapped and scrollable: the status
// bar has one line, and an AWS message naming an ARN and a policy is
// longer than any terminal.
type errorPage struct {
	c             *common
	text          escaped.Text
	offset        int
	width, height int
}

func newErrorPage(c *common, text escaped.Text) *errorPage { return &errorPage{c: c, text: text} }

func (p *errorPage) Init() tea.Cmd      { return nil }
func (p *errorPage) SetSize(w, h int)   { p.width, p.height = w, h }
func (p *errorPage) inputFocused() bool { return false }
func (p *errorPage) close()             {}
func (p *errorPage) status() string     { return "" }

// showsError makes the page an errorShower.
func (p *errorPage) showsError() {}

func (p *errorPage) help() keyHelp {
	k := p.c.keys.list.navKeys
	return keyHelp{short: []key.Binding{k.Down, k.Up, p.c.keys.global.Back}, full: [][]key.Binding{{k.Down, k.Up, k.PageDown, k.PageUp}}}
}

func (p *errorPage) lines() []string {
	w := max(10, p.width-2)
	// The text is escaped already: wrapping only breaks it into lines.
	return strings.Split(ansi.Wrap(p.text.String(), w, " /:,"), "\n")
}

func (p *errorPage) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	body := max(1, p.height-2)
	if o, ok := p.c.keys.list.navKeys.move(km, p.offset, max(1, len(p.lines())-body+1), body); ok {
		p.offset = o
	}
	return nil
}

func (p *errorPage) View() string {
	st := p.c.styles
	ls := p.lines()
	body := max(1, p.height-2)
	p.offset = max(0, min(p.offset, len(ls)-body))
	out := []string{st.Title.Render("Latest error") + st.Muted.Render(" · in full"), ""}
	for _, l := range ls[p.offset:min(len(ls), p.offset+body)] {
		out = append(out, " "+st.Danger.Render(l))
	}
	return strings.Join(out, "\n")
}
