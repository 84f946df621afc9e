package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// contextPage lists the configuration file's contexts and switches the
// console to the one chosen; on AWS a last row leads to the profile and
// region switcher for what no context names.
type contextPage struct {
	c        *common
	keys     *profileKeys
	contexts []ContextInfo
	current  string
	switchTo SwitchContextFunc
	// profiles, when set, opens the AWS profile switcher (last row).
	profiles bool

	cursor, offset int
	width, height  int
}

func newContextPage(c *common, contexts []ContextInfo, current string, sw SwitchContextFunc, profiles bool) *contextPage {
	p := &contextPage{c: c, keys: &c.keys.profile, contexts: contexts, current: current, switchTo: sw, profiles: profiles}
	for i, ctx := range contexts {
		if ctx.Name == current {
			p.cursor = i
		}
	}
	return p
}

func (p *contextPage) Init() tea.Cmd { return nil }

func (p *contextPage) SetSize(w, h int) { p.width, p.height = w, h }

func (p *contextPage) close() {}

func (p *contextPage) rows() int {
	if p.profiles {
		return len(p.contexts) + 1
	}
	return len(p.contexts)
}

func (p *contextPage) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := p.keys
	if cursor, ok := k.move(km, p.cursor, p.rows(), max(1, p.height-3)); ok {
		p.cursor = cursor
		return nil
	}
	if key.Matches(km, k.Choose) {
		if p.cursor >= len(p.contexts) {
			return navigate(openAWSProfilesMsg{})
		}
		return p.choose(p.contexts[p.cursor].Name)
	}
	return nil
}

func (p *contextPage) inputFocused() bool { return false }

// choose opens the context's backend; the old one stays in use until the
// new one is there, so a failure leaves the console where it was.
func (p *contextPage) choose(name string) tea.Cmd {
	sw := p.switchTo
	what := "context " + line(name)
	return p.c.task("opening "+what, "now on "+what, func(ctx context.Context, _ backend.Backend) (tea.Msg, error) {
		b, err := sw(ctx, name)
		if err != nil {
			return nil, err
		}
		return backendSwitchedMsg{backend: b, context: name}, nil
	})
}

func (p *contextPage) View() string {
	st := p.c.styles
	var b strings.Builder
	in := p.current
	if in == "" {
		in = "none"
	}
	b.WriteString(fit(st.Title.Render("Contexts")+st.Muted.Render(fmt.Sprintf(" %d · in use: %s", len(p.contexts), line(in))), p.width))
	b.WriteByte('\n')
	b.WriteString(fit(st.Muted.Render("from the configuration file · enter switches the console to it"), p.width))
	b.WriteByte('\n')
	widths := layout([]column{{title: "CONTEXT", width: 16, flex: 1, min: 10}, {title: "SETTINGS", width: 30, flex: 3, min: 10}}, p.width-4)
	b.WriteString(st.Header.Render("    " + joinCells([]escaped.Text{"CONTEXT", "SETTINGS"}, widths)))
	h := max(1, p.height-3)
	p.offset = scroll(p.cursor, p.offset, h, p.rows())
	for i := p.offset; i < p.offset+h && i < p.rows(); i++ {
		b.WriteByte('\n')
		var row string
		mark := "  "
		if i < len(p.contexts) {
			c := p.contexts[i]
			if c.Name == p.current {
				mark = "● "
			}
			row = mark + joinCells([]escaped.Text{line(c.Name), line(c.Summary)}, widths)
		} else {
			row = mark + st.Muted.Render("other AWS profile or region…")
		}
		if i == p.cursor {
			b.WriteString(st.Selected.Render(fit("› "+row, p.width)))
		} else {
			b.WriteString("  " + row)
		}
	}
	return b.String()
}

func (p *contextPage) help() keyHelp {
	k := p.keys
	return keyHelp{short: []key.Binding{k.Choose, k.Up, k.Down}, full: [][]key.Binding{{k.Up, k.Down, k.Home, k.End}, {k.Choose}}}
}

func (p *contextPage) status() string { return fmt.Sprintf("%d/%d", p.cursor+1, p.rows()) }
