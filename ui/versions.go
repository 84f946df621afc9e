package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/diff"
	"github.com/secretary-sh/secretary/ui/escaped"
)

type versionsMsg struct {
	id       uint64
	versions []backend.SecretVersion
	err      error
}

// diffValuesMsg delivers the two values of a diff.
type diffValuesMsg struct {
	owner    page
	id       uint64
	old, new *backend.SecretValue
	err      error
}

// What the versions page shows.
const (
	modeTable = iota
	modeValue
	modeDiff
)

// versionsPage is a secret's version history: labels, values (masked until
// revealed), diffs, label moves and rollback.
type versionsPage struct {
	c    *common
	keys *versionKeys
	name string

	versions   []backend.SecretVersion
	loadID     uint64
	loadErr    error
	loading    bool
	deprecated bool
	cursor     int
	offset     int
	mark       string

	mode int
	// scrolled is the first line drawn of a value or a diff.
	scrolled int
	value    *backend.SecretValue
	valueFor string
	valueID  uint64
	revealed bool
	fetching bool

	diffID       uint64
	diffOld      *backend.SecretValue
	diffNew      *backend.SecretValue
	diffLines    []diff.Line
	diffRevealed bool

	width, height int
}

func newVersionsPage(c *common, name string) *versionsPage {
	return &versionsPage{c: c, keys: &c.keys.version, name: name}
}

func (v *versionsPage) Init() tea.Cmd { return v.load() }

func (v *versionsPage) load() tea.Cmd {
	id := v.c.nextID()
	v.loadID, v.loading = id, true
	ctx, b, name, dep := v.c.ctx, v.c.backend, v.name, v.deprecated
	return func() tea.Msg {
		var all []backend.SecretVersion
		in := &backend.ListSecretVersionIdsInput{SecretID: name, IncludeDeprecated: dep, MaxResults: 100}
		for {
			out, err := b.ListSecretVersionIds(ctx, in)
			if err != nil {
				return versionsMsg{id: id, err: err}
			}
			all = append(all, out.Versions...)
			if out.NextToken == "" {
				break
			}
			in.NextToken = out.NextToken
		}
		// Newest first: rollback targets and recent edits are at the top.
		// Versions made in the same instant (imports, scripts) fall back
		// to their labels: AWSCURRENT is the newest of them.
		slices.SortStableFunc(all, func(a, b backend.SecretVersion) int {
			if c := b.CreatedDate.Compare(a.CreatedDate); c != 0 {
				return c
			}
			return stageRank(a.VersionStages) - stageRank(b.VersionStages)
		})
		return versionsMsg{id: id, versions: all}
	}
}

func (v *versionsPage) SetSize(w, h int) {
	v.width, v.height = w, h
	v.offset = scroll(v.cursor, v.offset, v.bodyHeight(), len(v.versions))
}

func (v *versionsPage) bodyHeight() int { return max(1, v.height-3) }

func (v *versionsPage) inputFocused() bool { return false }

// close drops every value the page fetched.
func (v *versionsPage) close() {
	v.dropValue()
	v.dropDiff()
}

func (v *versionsPage) dropValue() {
	v.value.Wipe()
	v.value, v.revealed, v.fetching, v.valueID = nil, false, false, 0
}

func (v *versionsPage) dropDiff() {
	v.diffOld.Wipe()
	v.diffNew.Wipe()
	v.diffOld, v.diffNew, v.diffLines, v.diffRevealed, v.diffID = nil, nil, nil, false, 0
}

func (v *versionsPage) selected() *backend.SecretVersion {
	if v.cursor < 0 || v.cursor >= len(v.versions) {
		return nil
	}
	return &v.versions[v.cursor]
}

// holder returns the version carrying label, if any.
func (v *versionsPage) holder(label string) string {
	for _, ver := range v.versions {
		if slices.Contains(ver.VersionStages, label) {
			return ver.VersionID
		}
	}
	return ""
}

func (v *versionsPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case versionsMsg:
		if msg.id != v.loadID {
			return nil
		}
		v.loading = false
		v.loadErr = msg.err
		if msg.err != nil {
			return flashErr(msg.err)
		}
		keep := ""
		if s := v.selected(); s != nil {
			keep = s.VersionID
		}
		v.versions = msg.versions
		v.cursor = min(v.cursor, max(0, len(v.versions)-1))
		for i, ver := range v.versions {
			if ver.VersionID == keep {
				v.cursor = i
			}
		}
		v.offset = scroll(v.cursor, v.offset, v.bodyHeight(), len(v.versions))
		return nil
	case valueMsg:
		if msg.owner != v {
			return nil
		}
		if msg.id != v.valueID || v.valueID == 0 {
			msg.value.Wipe()
			return nil
		}
		v.fetching = false
		if msg.err != nil {
			return flashErr(msg.err)
		}
		v.value, v.revealed = msg.value, true
		return nil
	case diffValuesMsg:
		if msg.owner != v {
			return nil
		}
		if msg.id != v.diffID || v.diffID == 0 {
			msg.old.Wipe()
			msg.new.Wipe()
			return nil
		}
		if msg.err != nil {
			v.mode = modeTable
			return flashErr(msg.err)
		}
		v.diffOld, v.diffNew = msg.old, msg.new
		v.diffLines = diff.Values(valueText(msg.old), valueText(msg.new))
		return nil
	case reloadMsg:
		if msg.name == "" || msg.name == v.name {
			return v.load()
		}
	case tea.KeyMsg:
		switch v.mode {
		case modeValue:
			return v.updateValue(msg)
		case modeDiff:
			return v.updateDiff(msg)
		}
		return v.updateTable(msg)
	}
	return nil
}

// back leaves a value or diff view; it reports whether there was one.
func (v *versionsPage) back() bool {
	switch v.mode {
	case modeValue:
		v.dropValue()
	case modeDiff:
		v.dropDiff()
	default:
		return false
	}
	v.mode = modeTable
	return true
}

// scrollKeys moves a value or diff view; it reports whether msg was one.
func (v *versionsPage) scrollKeys(msg tea.KeyMsg) bool {
	k := v.keys
	switch {
	case key.Matches(msg, k.Up):
		v.scrolled--
	case key.Matches(msg, k.Down):
		v.scrolled++
	case key.Matches(msg, k.PageUp):
		v.scrolled -= v.height - 1
	case key.Matches(msg, k.PageDown):
		v.scrolled += v.height - 1
	case key.Matches(msg, k.Home):
		v.scrolled = 0
	case key.Matches(msg, k.End):
		v.scrolled = 1 << 30
	default:
		return false
	}
	v.scrolled = max(0, v.scrolled)
	return true
}

func (v *versionsPage) updateValue(msg tea.KeyMsg) tea.Cmd {
	if v.scrollKeys(msg) {
		return nil
	}
	if key.Matches(msg, v.keys.Reveal) {
		if v.revealed || v.fetching {
			v.dropValue()
			return nil
		}
		v.fetching = true
		v.valueID = v.c.nextID()
		return fetchValue(v.c.ctx, v.c.backend, v, v.valueID,
			&backend.GetSecretValueInput{SecretID: v.name, VersionID: v.valueFor})
	}
	return nil
}

func (v *versionsPage) updateDiff(msg tea.KeyMsg) tea.Cmd {
	if v.scrollKeys(msg) {
		return nil
	}
	if key.Matches(msg, v.keys.Reveal) {
		v.diffRevealed = !v.diffRevealed
	}
	return nil
}

func (v *versionsPage) updateTable(msg tea.KeyMsg) tea.Cmd {
	k := v.keys
	n, h := len(v.versions), v.bodyHeight()
	if cursor, ok := k.move(msg, v.cursor, n, h); ok {
		v.cursor = cursor
	}
	switch {
	case key.Matches(msg, k.Deprecated):
		v.deprecated = !v.deprecated
		return v.load()
	case key.Matches(msg, k.Refresh):
		return v.load()
	}
	v.cursor = max(0, min(v.cursor, n-1))
	v.offset = scroll(v.cursor, v.offset, h, n)
	sel := v.selected()
	if sel == nil {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		v.mode, v.valueFor, v.scrolled = modeValue, sel.VersionID, 0
		return nil
	case key.Matches(msg, k.Mark):
		if v.mark == sel.VersionID {
			v.mark = ""
			return nil
		}
		v.mark = sel.VersionID
		// The row's * says which version; the id would push what to do
		// next off an 80-column status bar.
		return flash("marked *; press = on another version to diff", false)
	case key.Matches(msg, k.Diff):
		return v.startDiff(sel)
	case key.Matches(msg, k.AddLabel):
		return v.addLabel(sel)
	case key.Matches(msg, k.DropLabel):
		return v.dropLabel(sel)
	case key.Matches(msg, k.Rollback):
		return v.rollback(sel)
	}
	return nil
}

func (v *versionsPage) startDiff(sel *backend.SecretVersion) tea.Cmd {
	if v.mark == "" || v.mark == sel.VersionID {
		return flash("mark a version with m, then move to another and press =", true)
	}
	// The list is newest first: whichever of the two comes first is the
	// newer side of the diff.
	oldID, newID := v.mark, sel.VersionID
	for _, ver := range v.versions {
		if ver.VersionID == newID {
			break
		}
		if ver.VersionID == oldID {
			oldID, newID = newID, oldID
			break
		}
	}
	v.mode, v.scrolled = modeDiff, 0
	v.dropDiff()
	id := v.c.nextID()
	v.diffID = id
	ctx, b, name := v.c.ctx, v.c.backend, v.name
	// "marked *; press =" has been answered: it must not stand under the diff.
	return tea.Batch(navigate(clearNoteMsg{}), func() tea.Msg {
		o, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name, VersionID: oldID})
		if err != nil {
			return diffValuesMsg{owner: v, id: id, err: err}
		}
		n, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name, VersionID: newID})
		if err != nil {
			o.Wipe()
			return diffValuesMsg{owner: v, id: id, err: err}
		}
		return diffValuesMsg{owner: v, id: id, old: o, new: n}
	})
}

// addLabel attaches a staging label to the selected version, moving it
// from the version that holds it.
func (v *versionsPage) addLabel(sel *backend.SecretVersion) tea.Cmd {
	if cmd, ok := v.c.mutation("moving labels"); !ok {
		return cmd
	}
	c, name, target := v.c, v.name, sel.VersionID
	return openDialog(newPrompt(c, "Add or move a label", "label: ", "", []escaped.Text{
		"Attach a staging label to version " + line(target) + ". A label is on one version at a time: it moves from the version that has it.",
	}, func(label string) (tea.Cmd, escaped.Text) {
		label = strings.TrimSpace(label)
		switch {
		case label == "":
			return nil, "Type a label."
		case len(label) > backend.MaxStageLength:
			return nil, "A staging label holds at most " + line(strconv.Itoa(backend.MaxStageLength)) + " characters."
		case slices.Contains(sel.VersionStages, label):
			return nil, "This version already has " + line(label) + "."
		case label == backend.StageCurrent:
			return v.rollback(sel), ""
		}
		from := v.holder(label)
		done := line(label) + " added to " + line(target)
		if from != "" {
			done = line(label) + " moved from " + line(from) + " to " + line(target)
		}
		return c.task("Moving "+line(label)+"…", done, func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
			_, err := b.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
				SecretID: name, VersionStage: label, MoveToVersionID: target, RemoveFromVersionID: from,
			})
			return reloadMsg{name: name}, err
		}), ""
	}))
}

// dropLabel removes a label from the selected version. AWSCURRENT cannot be
// removed, only moved (roll back or a new version).
func (v *versionsPage) dropLabel(sel *backend.SecretVersion) tea.Cmd {
	if cmd, ok := v.c.mutation("removing labels"); !ok {
		return cmd
	}
	if len(sel.VersionStages) == 0 {
		return flash("this version has no labels", true)
	}
	c, name, target := v.c, v.name, sel.VersionID
	def := ""
	removable := slices.DeleteFunc(slices.Clone(sel.VersionStages), func(s string) bool { return s == backend.StageCurrent })
	if len(removable) == 1 {
		def = removable[0]
	}
	return openDialog(newPrompt(c, "Remove a label", "label: ", def, []escaped.Text{
		"Labels on " + line(target) + ": " + line(strings.Join(sel.VersionStages, ", ")),
	}, func(label string) (tea.Cmd, escaped.Text) {
		label = strings.TrimSpace(label)
		switch {
		case label == backend.StageCurrent:
			return nil, "AWSCURRENT cannot be removed, only moved: roll back to another version with b."
		case !slices.Contains(sel.VersionStages, label):
			return nil, "This version has no label " + line(label) + "."
		}
		return c.task("Removing "+line(label)+"…", line(label)+" removed from "+line(target),
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				_, err := b.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
					SecretID: name, VersionStage: label, RemoveFromVersionID: target,
				})
				return reloadMsg{name: name}, err
			}), ""
	}))
}

// rollback moves AWSCURRENT to the selected version after a confirmation
// that names both versions.
func (v *versionsPage) rollback(sel *backend.SecretVersion) tea.Cmd {
	if cmd, ok := v.c.mutation("rolling back"); !ok {
		return cmd
	}
	if slices.Contains(sel.VersionStages, backend.StageCurrent) {
		return flash("this version is already AWSCURRENT", true)
	}
	cur := v.holder(backend.StageCurrent)
	c, name, target := v.c, v.name, sel.VersionID
	body := []escaped.Text{
		"Move AWSCURRENT of " + line(name) + ":",
		"  from " + line(cur) + " (current)",
		"  to   " + line(target) + " (created " + line(inYear(v.c.now(), sel.CreatedDate, "2006-01-02 15:04 UTC")) + ")",
		// Not "the older value": moving AWSCURRENT forward again after a
		// rollback uses the same confirmation.
		"The current version becomes AWSPREVIOUS; applications read the chosen version's value from now on.",
	}
	// Moving AWSCURRENT to a newer version than it holds (after a
	// rollback) is a roll forward, and is called so.
	var title, doing escaped.Text = "Roll back", "Rolling back "
	for _, ver := range v.versions {
		if ver.VersionID == cur && sel.CreatedDate.After(ver.CreatedDate) {
			title, doing = "Roll forward", "Rolling forward "
		}
	}
	d := newConfirm(c, title, title.String(), body, func(int) tea.Cmd {
		return c.task(doing+line(name)+"…", "AWSCURRENT of "+line(name)+" moved to "+line(target),
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				_, err := b.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
					SecretID: name, VersionStage: backend.StageCurrent, MoveToVersionID: target, RemoveFromVersionID: cur,
				})
				return reloadMsg{name: name}, err
			})
	})
	return openDialog(d)
}

func (v *versionsPage) help() keyHelp {
	k := v.keys
	back := v.c.keys.global.Back
	switch v.mode {
	case modeValue, modeDiff:
		return keyHelp{short: []key.Binding{k.Reveal, k.Down, k.PageDown, back}}
	}
	ro := v.c.readOnly
	muts := []key.Binding{k.AddLabel, k.DropLabel, k.Rollback}
	return keyHelp{
		short: visible(ro, []key.Binding{k.Open, k.Mark, k.Diff, k.Rollback, k.Deprecated, back}, muts...),
		full: [][]key.Binding{
			{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
			{k.Open, k.Reveal, k.Mark, k.Diff, k.Deprecated, k.Refresh, back},
			visible(ro, muts, muts...),
		},
	}
}

func (v *versionsPage) status() string {
	if len(v.versions) == 0 {
		return ""
	}
	return fmt.Sprintf("version %d/%d", v.cursor+1, len(v.versions))
}

func versionColumns() []column {
	return []column{
		{title: "", width: 2},
		{title: "VERSION", width: 36},
		{title: "LABELS", flex: 1, min: 10},
		{title: "CREATED", width: 16},
		{title: "ACCESSED", width: 10},
	}
}

func (v *versionsPage) View() string {
	var ls []string
	h := max(1, v.height)
	switch v.mode {
	case modeValue, modeDiff:
		if v.mode == modeValue {
			ls = v.valueView()
		} else {
			ls = v.diffView()
		}
		// The title stays; the rest scrolls.
		v.scrolled = max(0, min(v.scrolled, len(ls)-h))
		if v.scrolled > 0 {
			ls = append(ls[:1:1], ls[1+v.scrolled:]...)
		}
	default:
		ls = v.tableView()
	}
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(ls) {
			b.WriteString(fit(ls[i], v.width))
		} else {
			b.WriteString(fit("", v.width))
		}
	}
	return b.String()
}

func (v *versionsPage) title(what string) string {
	st := v.c.styles
	return st.Title.Render(line(v.name).String()) + st.Muted.Render(" · "+what)
}

func (v *versionsPage) tableView() []string {
	st := v.c.styles
	what := "versions"
	if v.deprecated {
		what += " (incl. deprecated)"
	} else {
		what += " (p shows deprecated)"
	}
	if v.loading {
		what += " · loading…"
	}
	out := []string{v.title(what), ""}
	cols := versionColumns()
	widths := layout(cols, v.width)
	titles := make([]escaped.Text, len(cols))
	for i, c := range cols {
		titles[i] = line(c.title)
	}
	out = append(out, st.Header.Render(joinCells(titles, widths)))
	if len(v.versions) == 0 {
		switch {
		case v.loadErr != nil:
			out = append(out, st.Danger.Render(errorText(v.loadErr).String()))
		case !v.loading:
			out = append(out, st.Muted.Render("No versions."))
		}
		return out
	}
	now := v.c.now().Unix()
	cells := make([]escaped.Text, len(cols))
	for i := v.offset; i < min(len(v.versions), v.offset+v.bodyHeight()); i++ {
		ver := &v.versions[i]
		cells[0] = "  "
		if i == v.cursor {
			cells[0] = "› "
		}
		if ver.VersionID == v.mark {
			cells[0] = cells[0][:len(cells[0])-1] + "*"
		}
		cells[1] = line(ver.VersionID)
		if len(ver.VersionStages) == 0 {
			cells[2] = "(deprecated)"
		} else {
			cells[2] = line(strings.Join(ver.VersionStages, ", "))
		}
		cells[3] = line(inYear(v.c.now(), ver.CreatedDate, "2006-01-02 15:04"))
		cells[4] = line(day(now, unix(ver.LastAccessedDate)))
		s := joinCells(cells, widths)
		switch {
		case i == v.cursor:
			s = st.Selected.Render(s)
		case len(ver.VersionStages) == 0:
			s = st.Muted.Render(s)
		}
		out = append(out, s)
	}
	return out
}

func (v *versionsPage) valueView() []string {
	st := v.c.styles
	out := []string{v.title(("version " + line(v.valueFor)).String()), ""}
	switch {
	case v.fetching:
		return append(out, st.Muted.Render("fetching…"))
	case !v.revealed || v.value == nil:
		return append(out, st.Masked.Render("••••••••••••")+st.Muted.Render("  masked · r reveals · esc back"))
	case v.value.IsBinary():
		out = append(out, st.Muted.Render("binary, "+comma(len(v.value.SecretBinary))+" bytes"))
		return append(out, hexDump(v.value.SecretBinary, v.width)...)
	}
	if fields, ok := jsonFields(valueText(v.value)); ok {
		kw := 4
		for _, f := range fields {
			kw = max(kw, min(28, len(line(f.key))))
		}
		for _, f := range fields {
			out = append(out, fit(line(f.key).String(), kw)+"  "+line(f.value).String())
		}
		return out
	}
	return append(out, strings.Split(text(valueText(v.value)).String(), "\n")...)
}

func (v *versionsPage) diffView() []string {
	st := v.c.styles
	out := []string{v.title("diff"), ""}
	if v.diffOld == nil {
		return append(out, st.Muted.Render("fetching both versions…"))
	}
	out = append(out, st.Muted.Render(("--- " + line(v.diffOld.VersionID) + " (older)").String()),
		st.Muted.Render(("+++ " + line(v.diffNew.VersionID) + " (newer)").String()))
	if !v.diffRevealed {
		out = append(out, st.Muted.Render("values masked · r reveals"))
	}
	mask := func(s string) string {
		if v.diffRevealed {
			return line(s).String()
		}
		return "••••"
	}
	changes := 0
	for _, l := range v.diffLines {
		var s string
		switch l.Kind {
		case diff.KindKey:
			k := line(l.Key).String()
			switch l.Op {
			case diff.Added:
				s = st.DiffAdd.Render("+ " + k + ": " + mask(l.New))
			case diff.Removed:
				s = st.DiffDel.Render("- " + k + ": " + mask(l.Old))
			case diff.Changed:
				s = st.Warning.Render("~ " + k + ": " + mask(l.Old) + " → " + mask(l.New))
			default:
				s = "  " + k + ": " + mask(l.New)
			}
		default:
			switch l.Op {
			case diff.Added:
				s = st.DiffAdd.Render(fmt.Sprintf("+ %4d %s", l.NewLine, mask(l.New)))
			case diff.Removed:
				s = st.DiffDel.Render(fmt.Sprintf("- %4d %s", l.OldLine, mask(l.Old)))
			default:
				s = fmt.Sprintf("  %4d %s", l.NewLine, mask(l.New))
			}
		}
		if l.Op != diff.Unchanged {
			changes++
		}
		out = append(out, s)
	}
	if changes == 0 {
		out = append(out, st.Muted.Render("The two values are identical."))
	}
	return out
}

// stageRank orders versions by their most significant label.
func stageRank(stages []string) int {
	r := 4
	for _, s := range stages {
		switch s {
		case backend.StageCurrent:
			r = min(r, 0)
		case backend.StagePending:
			r = min(r, 1)
		case backend.StagePrevious:
			r = min(r, 2)
		default:
			r = min(r, 3)
		}
	}
	return r
}

// click selects the version drawn at line y, below the title, a blank
// line and the column header.
func (v *versionsPage) click(y int) bool {
	i := v.offset + y - 3
	if v.mode != modeTable || y < 3 || i >= len(v.versions) {
		return false
	}
	v.cursor = i
	return true
}
