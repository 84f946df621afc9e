package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/migrate"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// copyTarget is a place secrets can be copied to: a context of the
// configuration file, or (path) a local store typed in.
type copyTarget struct {
	context, summary string
	path             bool
}

// Stages of the copy screen.
type copyStage int

const (
	copyPick     copyStage = iota // choosing the target
	copyPath                      // typing a local store's path and key file
	copyOpening                   // opening the target
	copyPlanning                  // the dry run
	copyPlanned                   // the plan is shown; y copies
	copyRunning                   // copying, with progress
	copyDone                      // the report and its verification
)

// Messages of a copy, each with the run it belongs to.
type (
	copyOpenedMsg struct {
		id    uint64
		dst   backend.Backend
		label string
		err   error
	}
	copyReportMsg struct {
		id     uint64
		rep    *migrate.Report
		err    error
		dryRun bool
	}
	copyProgressMsg struct {
		id   uint64
		ev   migrate.Event
		next tea.Cmd
	}
)

// copyPage copies secrets to another store with backend/migrate: it
// shows the dry run's plan before anything is written, copies after a
// confirmation with progress, and shows the verification.
type copyPage struct {
	c         *common
	names     []string
	targets   []copyTarget
	switchTo  SwitchContextFunc
	openStore OpenStoreFunc

	stage          copyStage
	cursor, offset int
	path, keyFile  textinput.Model
	pathFocus      int
	// id names the run in progress; answers of another are stale.
	id            uint64
	cancel        context.CancelFunc
	dst           backend.Backend
	label         string
	plan, report  *migrate.Report
	done, total   int
	err           error
	width, height int
}

func newCopyPage(c *common, names []string, contexts []ContextInfo, current string, sw SwitchContextFunc, open OpenStoreFunc) *copyPage {
	p := &copyPage{c: c, names: names, switchTo: sw, openStore: open}
	if sw != nil {
		for _, ctx := range contexts {
			if ctx.Name != current {
				p.targets = append(p.targets, copyTarget{context: ctx.Name, summary: ctx.Summary})
			}
		}
	}
	if open != nil {
		p.targets = append(p.targets, copyTarget{path: true})
	}
	p.path, p.keyFile = newInput(), newInput()
	p.path.Prompt, p.keyFile.Prompt = "store path: ", "key file:   "
	p.path.CharLimit, p.keyFile.CharLimit = 4096, 4096
	return p
}

func (p *copyPage) Init() tea.Cmd { return nil }

func (p *copyPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.path.Width, p.keyFile.Width = max(10, w-16), max(10, w-16)
}

// inputFocused: the path fields take every key; while copying, esc stops
// the copy (and the report is shown) rather than leaving the page.
func (p *copyPage) inputFocused() bool { return p.stage == copyPath || p.stage == copyRunning }

// close stops a copy still running: the page is gone, and a half-done
// copy is finished by running it again (migrate picks it up).
func (p *copyPage) close() {
	if p.cancel != nil {
		p.cancel()
	}
}

func (p *copyPage) status() string {
	switch p.stage {
	case copyRunning:
		return fmt.Sprintf("%d/%d", p.done, max(p.total, 0))
	case copyPick:
		return fmt.Sprintf("%d/%d", p.cursor+1, len(p.targets))
	}
	return plural(len(p.names), "secret")
}

func (p *copyPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case copyOpenedMsg:
		if msg.id != p.id {
			return nil
		}
		if msg.err != nil {
			p.stage, p.err = copyPick, msg.err
			return flash("cannot open the target: "+errorText(msg.err), true)
		}
		p.dst, p.label, p.stage = msg.dst, msg.label, copyPlanning
		return p.run(true)
	case copyReportMsg:
		if msg.id != p.id {
			return nil
		}
		p.err = msg.err
		if msg.dryRun {
			p.plan, p.stage, p.offset = msg.rep, copyPlanned, 0
		} else {
			p.report, p.stage, p.offset = msg.rep, copyDone, 0
			// The target may be the store on screen after a switch; the
			// list reloads what it shows either way.
			return navigate(reloadMsg{})
		}
		return nil
	case copyProgressMsg:
		if msg.id != p.id {
			return nil
		}
		p.done, p.total = msg.ev.Done, msg.ev.Total
		return msg.next
	case tea.KeyMsg:
		return p.updateKeys(msg)
	}
	return nil
}

func (p *copyPage) updateKeys(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys.dialog
	nav := p.c.keys.list.navKeys
	switch p.stage {
	case copyPath:
		switch {
		case key.Matches(msg, k.Cancel):
			p.stage = copyPick
			return nil
		case msg.Type == tea.KeyTab || msg.Type == tea.KeyShiftTab || msg.Type == tea.KeyUp || msg.Type == tea.KeyDown:
			p.focusPath(1 - p.pathFocus)
			return nil
		case key.Matches(msg, k.Confirm):
			if p.pathFocus == 0 {
				p.focusPath(1)
				return nil
			}
			path, kf := strings.TrimSpace(p.path.Value()), strings.TrimSpace(p.keyFile.Value())
			if path == "" || kf == "" {
				return flash("a local store needs its path and its key file", true)
			}
			return p.open("the local store "+path, func(ctx context.Context) (backend.Backend, error) {
				return p.openStore(ctx, path, kf)
			})
		}
		var cmd tea.Cmd
		if p.pathFocus == 0 {
			p.path, cmd = p.path.Update(msg)
		} else {
			p.keyFile, cmd = p.keyFile.Update(msg)
		}
		return cmd
	case copyPick:
		if c, ok := nav.move(msg, p.cursor, len(p.targets), max(1, p.height-4)); ok {
			p.cursor = c
			return nil
		}
		if !key.Matches(msg, k.Confirm) || len(p.targets) == 0 {
			return nil
		}
		t := p.targets[p.cursor]
		if t.path {
			p.stage = copyPath
			p.focusPath(0)
			return nil
		}
		sw, name := p.switchTo, t.context
		return p.open("context "+name, func(ctx context.Context) (backend.Backend, error) { return sw(ctx, name) })
	case copyPlanned:
		if msg.String() == "y" && p.plan != nil && p.err == nil && p.plan.Count(migrate.Planned) > 0 {
			p.stage, p.done, p.total = copyRunning, 0, -1
			return p.run(false)
		}
	case copyRunning:
		if key.Matches(msg, k.Cancel) && p.cancel != nil {
			p.cancel()
			return flash("stopping the copy after the secret in hand; running it again finishes it", false)
		}
	}
	if o, ok := nav.move(msg, p.offset, 1<<20, max(1, p.height-4)); ok {
		p.offset = o
	}
	return nil
}

func (p *copyPage) focusPath(i int) {
	p.pathFocus = i
	if i == 0 {
		p.keyFile.Blur()
		p.path.Focus()
	} else {
		p.path.Blur()
		p.keyFile.Focus()
	}
}

// open opens the target off the Update goroutine.
func (p *copyPage) open(label string, fn func(ctx context.Context) (backend.Backend, error)) tea.Cmd {
	p.id = p.c.nextID()
	p.stage, p.err = copyOpening, nil
	id, ctx := p.id, p.c.ctx
	return func() tea.Msg {
		b, err := fn(ctx)
		return copyOpenedMsg{id: id, dst: b, label: label, err: err}
	}
}

// run runs the migration of the names from the console's store to the
// target: a dry run for the plan, or the copy with its progress.
func (p *copyPage) run(dryRun bool) tea.Cmd {
	p.id = p.c.nextID()
	id := p.id
	ctx, cancel := context.WithCancel(p.c.ctx)
	p.cancel = cancel
	src := migrate.NewBackendSource(p.c.backend, migrate.SourceOptions{Names: p.names, IncludePlannedDeletion: true})
	dst := p.dst
	events := make(chan migrate.Event, 1)
	result := make(chan copyReportMsg, 1)
	go func() {
		defer cancel()
		opts := migrate.Options{DryRun: dryRun, Progress: func(ev migrate.Event) {
			ev.Result = nil // the results come with the report
			// Only the latest matters: drop the one not yet shown.
			select {
			case <-events:
			default:
			}
			events <- ev
		}}
		rep, err := migrate.Migrate(ctx, src, dst, opts)
		result <- copyReportMsg{id: id, rep: rep, err: err, dryRun: dryRun}
	}()
	var next tea.Cmd
	next = func() tea.Msg {
		select {
		case r := <-result:
			return r
		case ev := <-events:
			return copyProgressMsg{id: id, ev: ev, next: next}
		}
	}
	return next
}

func (p *copyPage) help() keyHelp {
	k := p.c.keys.dialog
	switch p.stage {
	case copyPick:
		return keyHelp{short: []key.Binding{bind("enter", "choose target", "enter"), p.c.keys.list.Up, p.c.keys.list.Down, bind("esc", "back", "esc")}}
	case copyPath:
		return keyHelp{short: []key.Binding{bind("tab", "next field", "tab"), bind("enter", "open", "enter"), k.Cancel}}
	case copyPlanned:
		return keyHelp{short: []key.Binding{bind("y", "copy as planned", "y"), p.c.keys.list.Down, bind("esc", "back, nothing written", "esc")}}
	case copyRunning:
		return keyHelp{short: []key.Binding{bind("esc", "stop", "esc")}}
	}
	return keyHelp{short: []key.Binding{p.c.keys.list.Down, bind("esc", "back", "esc")}}
}

func (p *copyPage) View() string {
	st := p.c.styles
	var b strings.Builder
	title := "Copy " + plural(len(p.names), "secret")
	if p.label != "" && p.stage >= copyOpening {
		title += " to " + p.label
	}
	b.WriteString(fit(st.Title.Render(line(title).String()), p.width))
	var body []escaped.Text
	switch p.stage {
	case copyPick:
		body = p.pickLines()
	case copyPath:
		b.WriteString("\n" + fit(st.Muted.Render("An existing local store, opened with its key file."), p.width))
		b.WriteString("\n\n" + fit(strings.TrimRight(p.path.View(), " "), p.width))
		b.WriteString("\n" + fit(strings.TrimRight(p.keyFile.View(), " "), p.width))
		return b.String()
	case copyOpening:
		body = []escaped.Text{"opening the target…"}
	case copyPlanning:
		body = []escaped.Text{"planning: reading each secret and comparing it with the target; nothing is written…"}
	case copyPlanned:
		body = p.reportLines(p.plan, true)
	case copyRunning:
		total := "?"
		if p.total >= 0 {
			total = comma(p.total)
		}
		body = []escaped.Text{line(fmt.Sprintf("copying: %s of %s secrets done…", comma(p.done), total)), "esc stops after the secret in hand"}
	case copyDone:
		body = p.reportLines(p.report, false)
	}
	h := max(1, p.height-1)
	p.offset = max(0, min(p.offset, len(body)-h))
	for i := p.offset; i < len(body) && i < p.offset+h; i++ {
		b.WriteString("\n" + fit(body[i].String(), p.width))
	}
	return b.String()
}

func (p *copyPage) pickLines() []escaped.Text {
	out := []escaped.Text{"Copy to:", ""}
	if len(p.targets) == 0 {
		return append(out, "No other context in the configuration file to copy to.")
	}
	for i, t := range p.targets {
		g := "  "
		if i == p.cursor {
			g = "› "
		}
		if t.path {
			out = append(out, line(g+"a local store, by path…"))
			continue
		}
		out = append(out, line(g+"context "+t.context+"  "+t.summary))
	}
	first := min(len(p.names), 5)
	out = append(out, "", "Secrets:")
	for _, n := range p.names[:first] {
		out = append(out, "  "+line(n))
	}
	if len(p.names) > first {
		out = append(out, line(fmt.Sprintf("  … and %s more", comma(len(p.names)-first))))
	}
	return out
}

// reportLines is a plan or a report: the counts, then every secret with
// its versions, the writes planned or made (which name the labels), what
// could not be carried and why, and, after a copy, the verification.
func (p *copyPage) reportLines(rep *migrate.Report, dryRun bool) []escaped.Text {
	var out []escaped.Text
	if p.err != nil {
		out = append(out, "✗ "+errorText(p.err), "")
	}
	if rep == nil {
		return out
	}
	versions := 0
	for _, r := range rep.Results {
		versions += r.Versions
	}
	if dryRun {
		out = append(out, line(fmt.Sprintf("Plan (nothing written yet): %d to copy · %d already there · %d conflicts · %d not carried · %d failed · %s read",
			rep.Count(migrate.Planned), rep.Count(migrate.Unchanged), rep.Count(migrate.Conflict), rep.Count(migrate.NotCarried),
			rep.Count(migrate.Failed), plural(versions, "version"))))
		if n := rep.Count(migrate.Planned); n > 0 && p.err == nil {
			out = append(out, line(fmt.Sprintf("y copies %s to %s · esc goes back, nothing written", plural(n, "secret"), p.label)))
		} else {
			out = append(out, "Nothing to copy.")
		}
	} else {
		out = append(out, line(fmt.Sprintf("Copied: %d created · %d completed · %d unchanged · %d conflicts · %d not carried · %d failed",
			rep.Count(migrate.Created), rep.Count(migrate.Completed), rep.Count(migrate.Unchanged), rep.Count(migrate.Conflict),
			rep.Count(migrate.NotCarried), rep.Count(migrate.Failed))))
		verdict := "✓ verified: the target holds what was read"
		if !rep.OK() {
			verdict = "✗ not everything arrived equal: see below"
		}
		out = append(out, line(fmt.Sprintf("%s (%d compared, %d different)", verdict, rep.Verified, rep.Differences)))
	}
	for _, r := range rep.Results {
		out = append(out, "", line(fmt.Sprintf("%s · %s · %s", r.Name, r.Outcome, plural(r.Versions, "version"))))
		for _, s := range r.Steps {
			out = append(out, "    "+line(s))
		}
		for _, n := range r.Notes {
			out = append(out, "    note: "+line(n))
		}
		for _, d := range r.Diffs {
			out = append(out, "    differs: "+line(d))
		}
		if r.Err != nil {
			out = append(out, "    error: "+errorText(r.Err))
		}
	}
	return out
}

// copyNames opens the copy screen for the marked secrets, or the one
// under the cursor.
func (l *listPage) copyNames() tea.Cmd {
	var names []string
	if len(l.marked) > 0 {
		for i := range l.rows {
			if l.marked[l.rows[i].name] {
				names = append(names, l.rows[i].name)
			}
		}
	} else if name, ok := l.selected(); ok {
		names = []string{name}
	}
	if len(names) == 0 {
		return nil
	}
	return navigate(openCopyMsg{names: names})
}
