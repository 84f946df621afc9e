package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// bulkKind is an action on the marked secrets.
type bulkKind int

const (
	bulkDelete bulkKind = iota
	bulkRestore
	bulkTag
)

// verbs: what the action does, as the confirmation asks and the result
// reports it.
func (k bulkKind) verbs() (ask, doing, done string) {
	switch k {
	case bulkRestore:
		return "restore", "Restoring", "restored"
	case bulkTag:
		return "tag", "Tagging", "tagged"
	}
	return "delete", "Scheduling the deletion of", "scheduled for deletion"
}

// bulkFailure is one secret an action could not change, and why.
type bulkFailure struct {
	name string
	err  error
}

// bulkDoneMsg reports a bulk action: which secrets it changed and which
// it could not.
type bulkDoneMsg struct {
	kind   bulkKind
	done   []string
	failed []bulkFailure
}

// bulkDialog asks once for a bulk action: its parameter (the recovery
// window, the tag) and the number of secrets typed out, so that acting
// on 12 secrets is never one keystroke away.
type bulkDialog struct {
	c     *common
	kind  bulkKind
	names []string
	// left says how many marked secrets the action leaves out (a deleted
	// one is not deleted again) and why.
	left escaped.Text
	// param is the recovery window or the tag; nil for a restore.
	param   *textinput.Model
	count   textinput.Model
	focus   int // 0 param, 1 count
	errText escaped.Text
}

func newBulkDialog(c *common, kind bulkKind, names []string, left escaped.Text) *bulkDialog {
	d := &bulkDialog{c: c, kind: kind, names: names, left: left}
	d.count = newInput()
	d.count.Prompt = "type " + strconv.Itoa(len(names)) + ": "
	d.count.CharLimit = 9
	d.count.Width = 10
	switch kind {
	case bulkDelete:
		ti := newInput()
		ti.Prompt = "recovery window (7–30 days): "
		ti.CharLimit = 2
		ti.Width = 3
		ti.SetValue(strconv.Itoa(defaultRecoveryDays))
		d.param = &ti
	case bulkTag:
		ti := newInput()
		ti.Prompt = "tag key=value: "
		ti.CharLimit = 512
		ti.Width = 40
		d.param = &ti
	}
	if d.param != nil {
		d.param.Focus()
	} else {
		d.focus = 1
		d.count.Focus()
	}
	return d
}

func (d *bulkDialog) inputFocused() bool { return true }

func (d *bulkDialog) setFocus(i int) {
	if d.param == nil {
		return
	}
	d.focus = i
	if i == 0 {
		d.count.Blur()
		d.param.Focus()
	} else {
		d.param.Blur()
		d.count.Focus()
	}
}

func (d *bulkDialog) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := d.c.keys.dialog
	switch {
	case key.Matches(km, k.Cancel):
		return closeDialog
	case km.Type == tea.KeyTab || km.Type == tea.KeyShiftTab || km.Type == tea.KeyUp || km.Type == tea.KeyDown:
		d.setFocus(1 - d.focus)
		return nil
	case key.Matches(km, k.Confirm):
		if d.focus == 0 {
			d.setFocus(1)
			return nil
		}
		return d.submit()
	}
	d.errText = ""
	var cmd tea.Cmd
	if d.focus == 0 {
		*d.param, cmd = d.param.Update(km)
	} else {
		d.count, cmd = d.count.Update(km)
	}
	return cmd
}

// submit checks the parameter and the typed count, then runs the action
// over every secret, one after another, collecting failures rather than
// stopping at the first: the operator is told exactly what changed.
func (d *bulkDialog) submit() tea.Cmd {
	var days int
	var tag backend.Tag
	switch d.kind {
	case bulkDelete:
		n, err := strconv.Atoi(strings.TrimSpace(d.param.Value()))
		if err != nil || n < minRecoveryDays || n > maxRecoveryDays {
			d.errText = line(fmt.Sprintf("The recovery window must be between %d and %d days.", minRecoveryDays, maxRecoveryDays))
			d.setFocus(0)
			return nil
		}
		days = n
	case bulkTag:
		k, v, ok := strings.Cut(d.param.Value(), "=")
		tag = backend.Tag{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)}
		if !ok || tag.Key == "" || strings.Contains(v, ",") {
			d.errText = "One tag, as key=value."
		} else if err := backend.ValidateTagResource(&backend.TagResourceInput{SecretID: d.names[0], Tags: []backend.Tag{tag}}); err != nil {
			d.errText = line(err.Error())
		}
		if d.errText != "" {
			d.setFocus(0)
			return nil
		}
	}
	n := strconv.Itoa(len(d.names))
	if strings.TrimSpace(d.count.Value()) != n {
		d.errText = line("Type " + n + " to " + d.askText() + "; nothing was changed.")
		return nil
	}
	kind, names := d.kind, slices.Clone(d.names)
	_, doing, _ := kind.verbs()
	return then(d.c.task(line(doing+" "+plural(len(names), "secret")+"…"), "",
		func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
			res := bulkDoneMsg{kind: kind}
			for _, name := range names {
				if ctx.Err() != nil {
					res.failed = append(res.failed, bulkFailure{name: name, err: ctx.Err()})
					continue
				}
				var err error
				switch kind {
				case bulkDelete:
					_, err = b.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: name, RecoveryWindowInDays: &days})
				case bulkRestore:
					_, err = b.RestoreSecret(ctx, name)
				case bulkTag:
					err = b.TagResource(ctx, &backend.TagResourceInput{SecretID: name, Tags: []backend.Tag{tag}})
				}
				if err != nil {
					res.failed = append(res.failed, bulkFailure{name: name, err: err})
				} else {
					res.done = append(res.done, name)
				}
			}
			return res, nil
		}))
}

// askText is what typing the count confirms: "delete 12 secrets".
func (d *bulkDialog) askText() string {
	ask, _, _ := d.kind.verbs()
	return ask + " " + plural(len(d.names), "secret")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return comma(n) + " " + what + "s"
}

func (d *bulkDialog) View(width int) string {
	st := d.c.styles
	inner := min(width-4, 72)
	wrap := d.c.renderer.NewStyle().Width(inner)
	var b strings.Builder
	ask, _, _ := d.kind.verbs()
	title := strings.ToUpper(ask[:1]) + ask[1:] + " " + plural(len(d.names), "secret")
	if d.kind == bulkDelete {
		b.WriteString(st.Danger.Render(title))
	} else {
		b.WriteString(st.Title.Render(title))
	}
	// The first names, so the operator sees what the count stands for.
	const shown = 5
	for i, n := range d.names {
		if i == shown {
			b.WriteString("\n  " + st.Muted.Render("… and "+comma(len(d.names)-shown)+" more"))
			break
		}
		b.WriteString("\n  " + truncate(line(n).String(), inner-2))
	}
	if d.left != "" {
		b.WriteString("\n" + wrap.Render(st.Muted.Render(d.left.String())))
	}
	switch d.kind {
	case bulkDelete:
		b.WriteString("\n" + wrap.Render("Each can be restored until its recovery window ends; then it is gone for good."))
	case bulkTag:
		b.WriteString("\n" + wrap.Render("The tag is added to each secret, or its value replaced where the key exists."))
	}
	if d.param != nil {
		b.WriteString("\n\n" + d.param.View())
	}
	b.WriteString("\n\n" + wrap.Render("Type "+strconv.Itoa(len(d.names))+" to "+d.askText()+":"))
	b.WriteString("\n" + d.count.View())
	if d.errText != "" {
		b.WriteString("\n" + wrap.Render(st.Danger.Render(d.errText.String())))
	}
	b.WriteString("\n\n" + st.Muted.Render("enter to confirm · tab next field · esc to cancel"))
	return st.Dialog.Width(inner + 2).Render(b.String())
}

func (d *bulkDialog) help() keyHelp {
	k := d.c.keys.dialog
	return keyHelp{short: []key.Binding{k.Confirm, bind("tab", "next field", "tab"), k.Cancel}}
}

// reportDialog shows the outcome of a bulk action: how many succeeded,
// and each failure with its reason.
type reportDialog struct {
	c     *common
	title escaped.Text
	lines []escaped.Text
}

func (d *reportDialog) Update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		k := d.c.keys.dialog
		if key.Matches(km, k.Cancel) || key.Matches(km, k.Confirm) {
			return closeDialog
		}
	}
	return nil
}

func (d *reportDialog) View(width int) string {
	st := d.c.styles
	inner := min(width-4, 96)
	var b strings.Builder
	b.WriteString(st.Danger.Render(d.title.String()))
	for _, l := range d.lines {
		b.WriteString("\n" + truncate(l.String(), inner))
	}
	b.WriteString("\n\n" + st.Muted.Render("enter or esc to close"))
	return st.Dialog.Width(inner + 2).Render(b.String())
}

func (d *reportDialog) help() keyHelp {
	k := d.c.keys.dialog
	return keyHelp{short: []key.Binding{k.Confirm, k.Cancel}}
}

// maxReported is how many failures the report lists one by one.
const maxReported = 12

// bulkReport says what a bulk action did: a status line when everything
// worked, and a report of each failure when something did not.
func (c *common) bulkReport(msg bulkDoneMsg) tea.Cmd {
	_, _, done := msg.kind.verbs()
	total := len(msg.done) + len(msg.failed)
	summary := fmt.Sprintf("%s of %s %s", comma(len(msg.done)), plural(total, "secret"), done)
	if len(msg.failed) == 0 {
		return flash(line(summary), false)
	}
	summary += fmt.Sprintf(" · %s failed", comma(len(msg.failed)))
	lines := []escaped.Text{line(summary + "; the failed ones stay marked:"), ""}
	for i, f := range msg.failed {
		if i == maxReported {
			lines = append(lines, line(fmt.Sprintf("… and %s more", comma(len(msg.failed)-maxReported))))
			break
		}
		lines = append(lines, line(f.name)+": "+errorText(f.err))
	}
	return tea.Batch(flash(line(summary), true), openDialog(&reportDialog{c: c, title: line(summary), lines: lines}))
}

// mark marks or unmarks a secret by name.
func (l *listPage) mark(name string, on bool) {
	if !on {
		delete(l.marked, name)
		return
	}
	if l.marked == nil {
		l.marked = map[string]bool{}
	}
	l.marked[name] = true
}

// toggleMark marks the row under the cursor, or unmarks it, and moves on
// to the next, so marking a run of rows is a run of spaces.
func (l *listPage) toggleMark() tea.Cmd {
	name, ok := l.selected()
	if !ok {
		return nil
	}
	l.mark(name, !l.marked[name])
	l.move(tea.KeyMsg{Type: tea.KeyDown})
	return nil
}

// markAll marks every row shown, or unmarks them when all already are.
func (l *listPage) markAll() tea.Cmd {
	all := true
	for _, i := range l.view {
		if !l.marked[l.viewRows[i].name] {
			all = false
			break
		}
	}
	for _, i := range l.view {
		l.mark(l.viewRows[i].name, !all)
	}
	return nil
}

// bulk opens the confirmation of an action on the marked secrets. A
// deletion leaves out those already scheduled, a restore those that are
// not; the dialog says how many.
func (l *listPage) bulk(kind bulkKind) tea.Cmd {
	ask, doing, _ := kind.verbs()
	if cmd, ok := l.c.mutation(strings.ToLower(doing[:1]) + doing[1:] + " secrets"); !ok {
		return cmd
	}
	var names []string
	skipped := 0
	for i := range l.rows {
		r := &l.rows[i]
		if !l.marked[r.name] {
			continue
		}
		switch {
		case kind == bulkDelete && r.deleted, kind == bulkRestore && !r.deleted:
			skipped++
		default:
			names = append(names, r.name)
		}
	}
	why := "already scheduled for deletion"
	if kind == bulkRestore {
		why = "not scheduled for deletion"
	}
	if len(names) == 0 {
		return flash(line(fmt.Sprintf("nothing to %s: the marked %s %s %s", ask, plural(skipped, "secret"), isAre(skipped), why)), true)
	}
	var left escaped.Text
	if skipped > 0 {
		left = line(fmt.Sprintf("%s marked %s left out: %s.", plural(skipped, "secret"), isAre(skipped), why))
	}
	slices.Sort(names)
	return openDialog(newBulkDialog(l.c, kind, names, left))
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// dropGoneMarks unmarks the secrets a reload no longer lists (deleted for
// good, by this console or another): a bulk action must not count them.
func (l *listPage) dropGoneMarks() {
	if len(l.marked) == 0 {
		return
	}
	listed := make(map[string]bool, len(l.marked))
	for i := range l.rows {
		if l.marked[l.rows[i].name] {
			listed[l.rows[i].name] = true
		}
	}
	for name := range l.marked {
		if !listed[name] {
			delete(l.marked, name)
		}
	}
}
