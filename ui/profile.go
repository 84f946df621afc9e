package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// profilesMsg delivers the profiles read from the shared files.
type profilesMsg struct {
	id       uint64
	profiles []awsProfile
	err      error
}

// profilePage lists the profiles of the AWS shared config and credentials
// files, then the regions for the chosen one, and reopens the backend with
// the choice. The files are read in a command: they may sit on a slow
// network home directory.
type profilePage struct {
	c      *common
	keys   *profileKeys
	reopen ReopenFunc
	getenv func(string) string
	arn    string

	profiles []awsProfile
	loadID   uint64
	loading  bool
	err      error
	cursor   int
	offset   int

	// The region step: chosen is the profile whose region is picked.
	chosen  *awsProfile
	input   textinput.Model
	regions [][2]string
	rcursor int
	roffset int

	width, height int
}

func newProfilePage(c *common, reopen ReopenFunc, getenv func(string) string, arn string) *profilePage {
	in := newInput()
	in.Prompt = "region: "
	in.Placeholder = "type to filter, or any region name"
	in.CharLimit = 64
	return &profilePage{c: c, keys: &c.keys.profile, reopen: reopen, getenv: getenv, arn: arn, input: in}
}

func (p *profilePage) Init() tea.Cmd {
	id := p.c.nextID()
	p.loadID, p.loading = id, true
	getenv := p.getenv
	return func() tea.Msg {
		ps, err := readAWSProfiles(getenv)
		return profilesMsg{id: id, profiles: ps, err: err}
	}
}

func (p *profilePage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.input.Width = max(10, w-len(p.input.Prompt)-4)
}

func (p *profilePage) inputFocused() bool { return p.chosen != nil }

func (p *profilePage) close() {}

// bodyHeight is the number of rows: the page minus the title, the line
// under it and the column header.
func (p *profilePage) bodyHeight() int { return max(1, p.height-3) }

func (p *profilePage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case profilesMsg:
		if msg.id != p.loadID {
			return nil
		}
		p.loading, p.profiles, p.err = false, msg.profiles, msg.err
		p.cursor = 0
		for i, pr := range p.profiles {
			if pr.name == p.c.info.Location {
				p.cursor = i
			}
		}
		return nil
	case tea.KeyMsg:
		if p.chosen != nil {
			return p.updateRegion(msg)
		}
		return p.updateProfiles(msg)
	}
	return nil
}

func (p *profilePage) updateProfiles(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	n := len(p.profiles)
	if cursor, ok := k.move(msg, p.cursor, n, p.bodyHeight()); ok {
		p.cursor = cursor
		return nil
	}
	switch {
	case key.Matches(msg, k.Choose):
		if p.cursor >= n {
			return nil
		}
		pr := p.profiles[p.cursor]
		p.chosen = &pr
		p.input.SetValue("")
		p.filterRegions()
		return p.input.Focus()
	}
	return nil
}

// defaultRegion is the region the region step starts on: the profile's,
// else the one in use.
func (p *profilePage) defaultRegion() string {
	if p.chosen != nil && p.chosen.region != "" {
		return p.chosen.region
	}
	return p.c.info.Region
}

// filterRegions keeps the regions whose code or name contains what was
// typed; with nothing typed the cursor rests on the default region, which
// is listed first when it is not a known one.
func (p *profilePage) filterRegions() {
	q := strings.ToLower(strings.TrimSpace(p.input.Value()))
	all := awsRegions
	def := p.defaultRegion()
	known := false
	for _, r := range awsRegions {
		known = known || r[0] == def
	}
	if def != "" && !known {
		all = append([][2]string{{def, ""}}, awsRegions...)
	}
	p.regions = p.regions[:0]
	p.rcursor, p.roffset = 0, 0
	for _, r := range all {
		if q == "" || strings.Contains(r[0], q) || strings.Contains(strings.ToLower(r[1]), q) {
			if q == "" && r[0] == def {
				p.rcursor = len(p.regions)
			}
			p.regions = append(p.regions, r)
		}
	}
}

func (p *profilePage) updateRegion(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	switch {
	case key.Matches(msg, k.Back):
		p.chosen = nil
		p.input.Blur()
		return nil
	case key.Matches(msg, k.Choose):
		region := strings.TrimSpace(p.input.Value())
		if p.rcursor < len(p.regions) {
			region = p.regions[p.rcursor][0]
		}
		if !validRegion(region) {
			return flash(line(fmt.Sprintf("%q is not a region name (like eu-west-1)", region)), true)
		}
		return p.switchTo(p.chosen.name, region)
	case msg.Type == tea.KeyUp:
		p.rcursor = max(0, p.rcursor-1)
		return nil
	case msg.Type == tea.KeyDown:
		p.rcursor = max(0, min(len(p.regions)-1, p.rcursor+1))
		return nil
	}
	var cmd tea.Cmd
	before := p.input.Value()
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.filterRegions()
	}
	return cmd
}

// switchTo reopens the backend. The old one stays in use until the new one
// is there, so a failure leaves the console where it was.
func (p *profilePage) switchTo(profile, region string) tea.Cmd {
	reopen := p.reopen
	what := "profile " + line(profile) + " in " + line(region)
	return p.c.task("opening "+what, "now on "+what, func(ctx context.Context, _ backend.Backend) (tea.Msg, error) {
		b, err := reopen(ctx, profile, region)
		if err != nil {
			return nil, err
		}
		return backendSwitchedMsg{backend: b}, nil
	})
}

func (p *profilePage) View() string {
	if p.chosen != nil {
		return p.regionView()
	}
	st := p.c.styles
	var b strings.Builder
	info := fmt.Sprintf(" %d · in use: %s in %s", len(p.profiles), line(p.c.info.Location), line(p.c.info.Region))
	b.WriteString(fit(st.Title.Render("AWS profiles")+st.Muted.Render(info), p.width))
	b.WriteByte('\n')
	sub := "enter chooses a profile, then its region"
	if p.arn != "" {
		sub = ("signed in as " + line(p.arn)).String()
	}
	b.WriteString(fit(st.Muted.Render(sub), p.width))
	b.WriteByte('\n')
	cols := []column{
		{title: "PROFILE", width: 16, flex: 2, min: 16},
		{title: "REGION", width: 16},
		{title: "SOURCE", width: 10, flex: 1, min: 10},
	}
	widths := layout(cols, p.width-4)
	b.WriteString(st.Header.Render("    " + joinCells([]escaped.Text{"PROFILE", "REGION", "FROM"}, widths)))
	h := p.bodyHeight()
	p.offset = scroll(p.cursor, p.offset, h, len(p.profiles))
	for i := p.offset; i < p.offset+h; i++ {
		b.WriteByte('\n')
		if i >= len(p.profiles) {
			switch {
			case i > 0:
			case p.loading:
				b.WriteString(st.Muted.Render("loading…"))
			case p.err != nil:
				b.WriteString(st.Danger.Render(errorText(p.err).String()))
			default:
				b.WriteString(st.Muted.Render("No profiles in the AWS config or credentials files (aws configure sso creates one)."))
			}
			continue
		}
		pr := p.profiles[i]
		region := pr.region
		if region == "" {
			region = "—"
		}
		mark := "  "
		if pr.name == p.c.info.Location {
			mark = "● "
		}
		row := mark + joinCells([]escaped.Text{line(pr.name), line(region), line(pr.source())}, widths)
		if i == p.cursor {
			b.WriteString(st.Selected.Render(fit("› "+row, p.width)))
		} else {
			b.WriteString("  " + row)
		}
	}
	return b.String()
}

func (p *profilePage) regionView() string {
	st := p.c.styles
	var b strings.Builder
	b.WriteString(fit(st.Title.Render(("Region for "+line(p.chosen.name)).String())+st.Muted.Render(" · ↑/↓ choose, enter opens, esc back"), p.width))
	b.WriteByte('\n')
	b.WriteString(fit(p.input.View(), p.width))
	b.WriteByte('\n')
	widths := layout([]column{{title: "REGION", width: 16}, {title: "NAME", flex: 1, min: 8}}, p.width-2)
	b.WriteString(st.Header.Render("  " + joinCells([]escaped.Text{"REGION", "NAME"}, widths)))
	h := p.bodyHeight()
	p.roffset = scroll(p.rcursor, p.roffset, h, len(p.regions))
	def := p.defaultRegion()
	for i := p.roffset; i < p.roffset+h; i++ {
		b.WriteByte('\n')
		if i >= len(p.regions) {
			if i == 0 {
				b.WriteString(st.Muted.Render("No known region matches: enter uses what you typed."))
			}
			continue
		}
		r := p.regions[i]
		name := r[1]
		if r[0] == def {
			name += " (profile's region)"
			if p.chosen.region == "" {
				name = strings.TrimSpace(r[1] + " (in use)")
			}
		}
		row := joinCells([]escaped.Text{line(r[0]), line(name)}, widths)
		if i == p.rcursor {
			b.WriteString(st.Selected.Render(fit("› "+row, p.width)))
		} else {
			b.WriteString("  " + row)
		}
	}
	return b.String()
}

func (p *profilePage) help() keyHelp {
	k := p.keys
	if p.chosen != nil {
		// Letters type into the region filter: only arrows move.
		move := bind("↑/↓", "choose region", "up", "down")
		return keyHelp{short: []key.Binding{k.Choose, move, k.Back}, full: [][]key.Binding{{move, k.Choose, k.Back}}}
	}
	return keyHelp{
		short: []key.Binding{k.Choose, k.Up, k.Down},
		full:  [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Choose}},
	}
}

func (p *profilePage) status() string {
	if p.chosen != nil {
		return fmt.Sprintf("%d regions", len(p.regions))
	}
	if len(p.profiles) == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%d/%d", p.cursor+1, len(p.profiles))
}
