package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/fieldpath"
)

// metaMsg delivers DescribeSecret's answer.
type metaMsg struct {
	id   uint64
	meta *backend.SecretMetadata
	err  error
}

// What to do once a value fetched on demand arrives.
const (
	afterReveal = iota
	afterEdit
	afterExternal
	// afterFields shows a JSON value's fields with every value masked.
	afterFields
)

// detailPage shows one secret. The value is fetched only when the operator
// asks for it and wiped when they hide it or leave the page.
type detailPage struct {
	c    *common
	keys *detailKeys
	name string

	meta    *backend.SecretMetadata
	metaID  uint64
	metaErr error

	value      *backend.SecretValue
	valueID    uint64
	fetching   bool
	afterFetch int
	revealed   bool
	// fields is the value's tree: every member of a JSON object or array
	// at any depth, one row each, named by its path.
	fields []fieldpath.Node
	isJSON bool
	raw    bool // JSON shown raw instead of as a table
	base64 bool // binary shown as base64 instead of hex
	cursor int  // selected JSON field
	// fieldsMasked shows the fields of a fetched JSON value with their
	// values masked, for picking one to copy or reveal without showing
	// the others; shownField is the one revealed, or -1.
	fieldsMasked bool
	shownField   int
	offset       int
	fieldLine    int // line index of the first field, for scrolling
	valueLine    int // line index of the VALUE heading
	// copying says the copy menu is open: the next key picks what to copy.
	copying bool
	// early is a key that needs the metadata and came before it (an
	// operator who types enter then E at once): it runs when it arrives.
	early *tea.KeyMsg
	// showValue asks the next View to scroll the value into sight: it
	// sits below the metadata, off screen on a small terminal.
	showValue bool

	width, height int
}

func newDetailPage(c *common, name string) *detailPage {
	return &detailPage{c: c, keys: &c.keys.detail, name: name, shownField: -1}
}

func (d *detailPage) Init() tea.Cmd { return d.load() }

func (d *detailPage) load() tea.Cmd {
	id := d.c.nextID()
	d.metaID = id
	ctx, b, name := d.c.ctx, d.c.backend, d.name
	return func() tea.Msg {
		m, err := b.DescribeSecret(ctx, name)
		return metaMsg{id: id, meta: m, err: err}
	}
}

func (d *detailPage) SetSize(w, h int) { d.width, d.height = w, h }

func (d *detailPage) inputFocused() bool { return false }

// close drops the value: the operator navigated away.
func (d *detailPage) close() { d.hide() }

func (d *detailPage) hide() {
	d.value.Wipe()
	d.value, d.revealed, d.fields, d.isJSON, d.fetching = nil, false, nil, false, false
	d.fieldsMasked, d.shownField = false, -1
	d.valueID = 0
}

// table says the value is drawn as a table of fields with a cursor.
func (d *detailPage) table() bool {
	return (d.revealed || d.fieldsMasked) && d.isJSON && !d.raw
}

func (d *detailPage) fetch(after int) tea.Cmd {
	d.fetching, d.afterFetch = true, after
	d.valueID = d.c.nextID()
	return fetchValue(d.c.ctx, d.c.backend, d, d.valueID, &backend.GetSecretValueInput{SecretID: d.name})
}

func (d *detailPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case metaMsg:
		if msg.id != d.metaID {
			return nil
		}
		d.meta, d.metaErr = msg.meta, msg.err
		early := d.early
		d.early = nil
		if msg.err != nil {
			return flashErr(msg.err)
		}
		if early != nil {
			return d.updateKeys(*early)
		}
		return nil
	case valueMsg:
		if msg.owner != d {
			return nil
		}
		if msg.id != d.valueID || d.valueID == 0 {
			// Stale or hidden meanwhile: nobody wants it any more.
			msg.value.Wipe()
			return nil
		}
		d.fetching = false
		if msg.err != nil {
			return flashErr(msg.err)
		}
		d.value = msg.value
		if d.meta != nil {
			// Reading a value stamps the secret's access date (to the
			// day, in UTC) in the store as on AWS; show it without
			// fetching the metadata again. A copy, since the metadata may
			// be shared with the list.
			m := *d.meta
			m.LastAccessedDate = d.c.now().UTC().Truncate(24 * time.Hour)
			d.meta = &m
		}
		d.fields, d.isJSON = fieldpath.Tree(valueText(d.value))
		if d.value.IsBinary() {
			d.isJSON = false
		}
		d.cursor = 0
		switch d.afterFetch {
		case afterEdit:
			// The value is fetched for the editor, which masks it; the
			// page itself stays masked, so discarding the edit does not
			// leave the value on screen.
			return d.edit()
		case afterExternal:
			return d.editExternal()
		case afterFields:
			if !d.isJSON || len(d.fields) == 0 {
				d.hide()
				return flash("the value is not JSON with fields; c copies it whole", true)
			}
			d.fieldsMasked, d.shownField, d.showValue = true, -1, true
			return flash("fields masked: j/k pick · y copies · space reveals one · r reveals all", false)
		}
		d.revealed, d.showValue = true, true
		d.fieldsMasked = false
		return nil
	case reloadMsg:
		if msg.name == "" || msg.name == d.name {
			d.hide()
			return d.load()
		}
	case tea.KeyMsg:
		return d.updateKeys(msg)
	}
	return nil
}

func (d *detailPage) updateKeys(msg tea.KeyMsg) tea.Cmd {
	k := d.keys
	table := d.table()
	if d.copying {
		return d.copyMenu(msg)
	}
	switch {
	// Before the page keys: space also pages down, but not here.
	case key.Matches(msg, k.RevealField) && table && d.fieldsMasked:
		if d.shownField == d.cursor {
			d.shownField = -1
		} else {
			d.shownField = d.cursor
		}
	case key.Matches(msg, k.Up):
		if table {
			d.cursor = max(0, d.cursor-1)
		} else {
			d.offset = max(0, d.offset-1)
		}
	case key.Matches(msg, k.Down):
		if table {
			d.cursor = min(len(d.fields)-1, d.cursor+1)
		} else {
			d.offset++
		}
	case key.Matches(msg, k.PageUp):
		d.offset = max(0, d.offset-d.height)
	case key.Matches(msg, k.PageDown):
		d.offset += d.height
	case key.Matches(msg, k.Home):
		d.offset, d.cursor = 0, 0
	case key.Matches(msg, k.End):
		d.offset, d.cursor = 1<<30, max(0, len(d.fields)-1)
	case key.Matches(msg, k.Reveal):
		if d.fieldsMasked && d.value != nil {
			d.revealed, d.fieldsMasked = true, false
			return nil
		}
		if d.revealed || d.fetching {
			d.hide()
			return nil
		}
		return d.fetch(afterReveal)
	case key.Matches(msg, k.Format):
		if d.value != nil && d.value.IsBinary() {
			d.base64 = !d.base64
		} else {
			d.raw = !d.raw
		}
		d.showValue = d.revealed
	case key.Matches(msg, k.Copy):
		return d.copyValue()
	case key.Matches(msg, k.CopyMenu):
		if d.meta == nil {
			return flash("still loading; nothing to copy yet", true)
		}
		d.copying = true
		return nil
	case key.Matches(msg, k.CopyField):
		if !table && d.value == nil && !d.fetching {
			return d.fetch(afterFields)
		}
		if !table || len(d.fields) == 0 {
			return flash("the value is not JSON with fields; c copies it whole", true)
		}
		return navigate(copyField(d.value, d.name, d.fields[d.cursor].Path))
	case key.Matches(msg, k.Versions):
		return navigate(openVersionsMsg{name: d.name})
	case key.Matches(msg, k.Refresh):
		return d.load()
	case key.Matches(msg, k.Audit):
		id := d.name
		if d.meta != nil && d.meta.ARN != "" {
			// The ARN spares the AWS backend a lookup and finds the
			// history of this secret, not of a later one of the name.
			id = d.meta.ARN
		}
		return openAudit(d.c, id, d.name)
	case key.Matches(msg, k.Access):
		return openAccess(d.c, d.name)
	case d.meta == nil:
		if d.metaErr == nil {
			d.early = &msg
		}
		return nil
	case key.Matches(msg, k.Edit):
		if cmd, ok := d.c.mutation("editing"); !ok {
			return cmd
		}
		if d.value == nil {
			return d.fetch(afterEdit)
		}
		return d.edit()
	case key.Matches(msg, k.External):
		if cmd, ok := d.c.mutation("editing"); !ok {
			return cmd
		}
		if d.value == nil {
			return d.fetch(afterExternal)
		}
		return d.editExternal()
	case key.Matches(msg, k.Description):
		return editDescription(d.c, d.name, d.meta.Description)
	case key.Matches(msg, k.Tags):
		return editTags(d.c, d.name, d.meta.Tags)
	case key.Matches(msg, k.Delete):
		return deleteSecret(d.c, d.name, d.meta.Deleted())
	case key.Matches(msg, k.ForceDelete):
		return forceDeleteSecret(d.c, d.name)
	case key.Matches(msg, k.Restore):
		return restoreSecret(d.c, d.name, d.meta.Deleted())
	case key.Matches(msg, k.ConfigureRotation):
		return configureRotation(d.c, d.meta)
	case key.Matches(msg, k.RotateNow):
		return rotateNow(d.c, d.meta)
	case key.Matches(msg, k.CancelRotation):
		return cancelRotation(d.c, d.meta)
	}
	return nil
}

// copyValue copies the whole value: the one fetched, or fetched for the
// copy and not kept.
func (d *detailPage) copyValue() tea.Cmd {
	if d.value != nil {
		return navigate(copyField(d.value, d.name, ""))
	}
	return d.c.copyValue(d.name, "")
}

// back closes the copy menu; it reports whether it was open.
func (d *detailPage) back() bool {
	if !d.copying {
		return false
	}
	d.copying = false
	return true
}

// helpNotes explain the field list and what the copy menu copies.
func (d *detailPage) helpNotes() []helpSection {
	return []helpSection{{title: "Fields and copy", lines: []string{
		"y on a masked JSON value lists its fields at every depth, still masked; the status bar names the path (db.password, hosts[0])",
		"C then n name · a ARN · g secretary get command (--field for the selected path) · w aws command · u AWS console URL · c value",
	}}}
}

func (d *detailPage) help() keyHelp {
	k := d.keys
	if d.copying {
		bs := d.c.keys.copyMenu.bindings(d.c.info.Kind == "aws")
		return keyHelp{short: bs, full: [][]key.Binding{bs}}
	}
	ro := d.c.readOnly
	muts := []key.Binding{k.Edit, k.External, k.Description, k.Tags, k.Delete, k.ForceDelete, k.Restore}
	rot := []key.Binding{k.ConfigureRotation, k.RotateNow, k.CancelRotation}
	return keyHelp{
		short: visible(ro, []key.Binding{k.Reveal, k.Copy, k.Format, k.Versions, k.Edit, k.Delete, d.c.keys.global.Back}, muts...),
		full: [][]key.Binding{
			{k.Up, k.Down, k.PageUp, k.PageDown, d.c.keys.global.Back},
			{k.Reveal, k.Format, k.Copy, k.CopyField, k.RevealField, k.CopyMenu, k.Versions, k.Audit, k.Access, k.Refresh},
			visible(ro, muts, muts...),
			visible(ro, rot, rot...),
		},
	}
}

func (d *detailPage) status() string {
	if d.copying {
		return "copy: which?"
	}
	if d.table() && len(d.fields) > 0 {
		// The path says where a nested row sits, which its indented
		// label alone does not.
		return truncate(line(d.fields[d.cursor].Path).String(), max(8, d.width/3)) + fmt.Sprintf(" · field %d/%d", d.cursor+1, len(d.fields))
	}
	return ""
}

// stamp formats a date in UTC with a relative hint.
func stamp(now time.Time, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	s := inYear(now, t, "2006-01-02 15:04 UTC")
	if rel := ago(now.Unix(), t.Unix()); strings.HasSuffix(rel, "ago") || rel == "just now" {
		s += " (" + rel + ")"
	}
	return s
}

// dayStamp formats a date kept only to the day (LastAccessedDate) without
// the midnight an hour-and-minute format would invent.
func dayStamp(now time.Time, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	s := inYear(now, t, "2006-01-02")
	if rel := day(now.Unix(), t.Unix()); rel != t.UTC().Format("2006-01-02") {
		s += " (" + rel + ")"
	}
	return s
}

func (d *detailPage) lines() []string {
	st := d.c.styles
	w := d.width
	var out []string
	add := func(label, value string) {
		out = append(out, fit(st.Muted.Render(fmt.Sprintf("%-12s", label))+value, w))
	}
	out = append(out, fit(st.Title.Render(line(d.name).String()), w))
	switch {
	case d.meta == nil && d.metaErr != nil:
		out = append(out, fit(st.Danger.Render(errorText(d.metaErr).String()), w))
		return out
	case d.meta == nil:
		out = append(out, fit(st.Muted.Render("loading…"), w))
		return out
	}
	m := d.meta
	now := d.c.now()
	add("ARN", line(m.ARN).String())
	desc := line(m.Description).String()
	if desc == "" {
		desc = st.Muted.Render("—")
	}
	add("Description", desc)
	kms := line(m.KmsKeyID)
	if kms == "" {
		kms = "aws/secretsmanager (default key)"
	}
	add("KMS key", kms.String())
	add("Created", stamp(now, m.CreatedDate))
	add("Changed", stamp(now, m.LastChangedDate))
	add("Accessed", dayStamp(now, m.LastAccessedDate))
	add("Rotated", stamp(now, m.LastRotatedDate))
	for _, r := range rotationRows(now, m) {
		add(r[0], r[1])
	}
	if m.Deleted() {
		// When it is gone comes first, on its own line: one line with
		// both dates was cut before it at 80 columns.
		gone := "scheduled; the store does not report when it is gone for good"
		if !m.DeletionDate.IsZero() {
			gone = "gone for good on " + inYear(now, m.DeletionDate, "2006-01-02 15:04 UTC")
		}
		add("Deletion", st.Warning.Render(gone))
		add("", st.Muted.Render("scheduled "+stamp(now, m.DeletedDate)))
	}
	if len(m.Tags) == 0 {
		add("Tags", st.Muted.Render("—"))
	}
	for i, t := range m.Tags {
		label := ""
		if i == 0 {
			label = "Tags"
		}
		add(label, (line(t.Key) + " = " + line(t.Value)).String())
	}
	first := true
	for _, vs := range sortedStages(m.VersionIdsToStages) {
		label := ""
		if first {
			label, first = "Labels", false
		}
		add(label, st.Label.Render(line(strings.Join(vs.stages, ", ")).String())+st.Muted.Render((" → "+line(vs.id)).String()))
	}
	out = append(out, "")
	d.valueLine = len(out)
	out = append(out, d.valueLines()...)
	if d.fieldLine >= 0 {
		// valueLines counts from the VALUE heading; the page from its
		// top. Without this the selected field scrolled out of sight.
		d.fieldLine += d.valueLine
	}
	return out
}

func (d *detailPage) valueLines() []string {
	st := d.c.styles
	w := d.width
	var out []string
	d.fieldLine = -1
	head := st.Header.Render("VALUE")
	if d.value != nil {
		head += st.Muted.Render(("  version " + line(d.value.VersionID) + " " + line(strings.Join(d.value.VersionStages, ","))).String())
	}
	out = append(out, fit(head, w))
	switch {
	case d.fetching:
		out = append(out, st.Muted.Render("fetching…"))
		return out
	case d.value == nil || !d.revealed && !d.table():
		out = append(out, st.Masked.Render("••••••••••••")+st.Muted.Render("  masked · r reveals, c copies without showing, y picks a field"))
		return out
	}
	v := d.value
	switch {
	case v.IsBinary():
		view := "hex"
		if d.base64 {
			view = "base64"
		}
		out = append(out, st.Muted.Render(fmt.Sprintf("binary, %s bytes · %s (f switches)", comma(len(v.SecretBinary)), view)))
		if d.base64 {
			out = append(out, base64Lines(v.SecretBinary, w)...)
		} else {
			out = append(out, hexDump(v.SecretBinary, w)...)
		}
	case d.isJSON && !d.raw:
		kw := 4
		for _, f := range d.fields {
			kw = max(kw, min(28, 2*f.Depth+len(line(f.Label))))
		}
		d.fieldLine = len(out)
		for i, f := range d.fields {
			val := line(f.Value).String()
			switch {
			case f.Kind == '{':
				// An object or array row is structure: its members follow,
				// each masked or shown on its own.
				val = st.Muted.Render(plural(f.Len, "key"))
			case f.Kind == '[':
				val = st.Muted.Render(plural(f.Len, "item"))
			case !d.revealed && i != d.shownField:
				val = st.Masked.Render("••••••••")
			}
			label := strings.Repeat("  ", f.Depth) + line(f.Label).String()
			l := "  " + fit(label, kw) + "  " + val
			if i == d.cursor {
				l = "› " + fit(label, kw) + "  " + val
			}
			l = fit(l, w)
			if i == d.cursor {
				l = st.Selected.Render(l)
			}
			out = append(out, l)
		}
		if len(d.fields) == 0 {
			out = append(out, st.Muted.Render("empty: "+strings.TrimSpace(valueText(v))))
		}
	default:
		// Wrapped, not cut: a value is read (or typed from) in full, and
		// a certificate or one-line JSON is wider than any terminal.
		for _, l := range strings.Split(text(valueText(v)).String(), "\n") {
			for _, part := range strings.Split(ansi.Hardwrap(l, max(1, w), true), "\n") {
				out = append(out, fit(part, w))
			}
		}
	}
	return out
}

type versionStages struct {
	id     string
	stages []string
}

// sortedStages orders labelled versions: AWSCURRENT first, then
// AWSPREVIOUS, AWSPENDING and custom labels, by id within a rank.
func sortedStages(m map[string][]string) []versionStages {
	out := make([]versionStages, 0, len(m))
	for id, s := range m {
		out = append(out, versionStages{id, s})
	}
	rank := func(v versionStages) int {
		r := 9
		for _, s := range v.stages {
			switch s {
			case backend.StageCurrent:
				r = min(r, 0)
			case backend.StagePrevious:
				r = min(r, 1)
			case backend.StagePending:
				r = min(r, 2)
			default:
				r = min(r, 3)
			}
		}
		return r
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0; j-- {
			a, b := out[j-1], out[j]
			if rank(a) < rank(b) || (rank(a) == rank(b) && a.id <= b.id) {
				break
			}
			out[j-1], out[j] = b, a
		}
	}
	return out
}

func (d *detailPage) View() string {
	ls := d.lines()
	h := max(1, d.height)
	if d.fieldLine >= 0 && d.table() {
		d.offset = scroll(d.fieldLine+d.cursor, d.offset, h, len(ls))
	}
	if d.showValue {
		// As much of the value as fits, never scrolling its heading away.
		d.showValue = false
		d.offset = max(d.offset, min(d.valueLine, len(ls)-h))
	}
	d.offset = max(0, min(d.offset, len(ls)-h))
	var b strings.Builder
	for i := d.offset; i < d.offset+h; i++ {
		if i > d.offset {
			b.WriteByte('\n')
		}
		if i < len(ls) {
			b.WriteString(fit(ls[i], d.width))
		} else {
			b.WriteString(fit("", d.width))
		}
	}
	return b.String()
}

// edit opens the in-place editor on the revealed value.
func (d *detailPage) edit() tea.Cmd { return openEditor(d.c, d.name, d.value) }

// editExternal opens the value in $EDITOR.
func (d *detailPage) editExternal() tea.Cmd { return editExternal(d.c, d.name, d.value) }

// click selects the field drawn at line y.
func (d *detailPage) click(y int) bool {
	i := d.offset + y - d.fieldLine
	if !d.table() || d.fieldLine < 0 || i < 0 || i >= len(d.fields) {
		return false
	}
	d.cursor = i
	return true
}
