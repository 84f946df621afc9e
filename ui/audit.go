package ui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// auditPager reads the audit history one page at a time: the AWS backend
// pages through CloudTrail, where every lookup counts against a rate of two
// a second, so the view asks for the next page only when the operator
// scrolls to it.
type auditPager interface {
	AuditPage(ctx context.Context, q backend.AuditQuery, token string) ([]backend.AuditRecord, string, error)
}

// localAuditPage is the page size for auditors that cannot page; the
// token is then the number of records already shown.
const localAuditPage = 200

// pagerFor pages any Auditor: one that cannot page is asked for a longer
// list each time and the records already shown are skipped, which costs
// little on the embedded store (an indexed read of its own file).
func pagerFor(a backend.Auditor) auditPager {
	if p, ok := a.(auditPager); ok {
		return p
	}
	return offsetPager{a}
}

type offsetPager struct{ a backend.Auditor }

func (o offsetPager) AuditPage(ctx context.Context, q backend.AuditQuery, token string) ([]backend.AuditRecord, string, error) {
	skip, _ := strconv.Atoi(token)
	q.Limit = skip + localAuditPage
	recs, err := o.a.AuditLog(ctx, q)
	if err != nil {
		return nil, "", err
	}
	if len(recs) < q.Limit {
		token = ""
	} else {
		token = strconv.Itoa(q.Limit)
	}
	if skip >= len(recs) {
		return nil, token, nil
	}
	return recs[skip:], token, nil
}

// auditPageMsg delivers one page of audit records.
type auditPageMsg struct {
	id   uint64
	recs []backend.AuditRecord
	next string
	err  error
}

// auditVerifyMsg delivers the result of checking the audit chain.
type auditVerifyMsg struct {
	id  uint64
	err error
}

// auditPage shows audit records, newest first: one secret's, or every
// secret's. On the embedded store the hash chain is verified in the
// background while the records show.
type auditPage struct {
	c      *common
	keys   *auditKeys
	pager  auditPager
	verify func(ctx context.Context) error
	// secretID is what the backend is asked for ("" for every secret);
	// name is what the title shows.
	secretID, name string

	recs    []backend.AuditRecord
	next    string
	loadID  uint64
	loading bool
	loadErr error

	verifyID  uint64
	verifying bool
	verifyErr error

	// The filter: terms typed after / and the writes-only toggle. Records
	// are filtered as they load; shown indexes the ones that pass.
	filter     auditFilter
	writesOnly bool
	filtering  bool
	input      textinput.Model
	shown      []int
	// scan is how many more pages a filter may read on its own.
	scan int

	cursor, offset int
	width, height  int
}

// openAudit opens the audit view on a secret (secretID and name set) or on
// every secret (both empty), if the backend keeps an audit history.
func openAudit(c *common, secretID, name string) tea.Cmd {
	a, ok := c.backend.(backend.Auditor)
	if !ok {
		return flash("this backend keeps no audit history", true)
	}
	in := newInput()
	in.Prompt = "/ "
	in.Placeholder = "op:Put actor:alice secret:prod/ (words match any)"
	p := &auditPage{c: c, keys: &c.keys.audit, pager: pagerFor(a), verify: a.VerifyAudit, secretID: secretID, name: name, input: in}
	return navigate(pushPageMsg{p})
}

func (a *auditPage) Init() tea.Cmd {
	a.recs, a.shown, a.next, a.cursor, a.offset = nil, nil, "", 0, 0
	// A filter's own reads start when it is applied (enter, w), not
	// while it is typed.
	a.scan = 0
	if a.filtered() && !a.filtering {
		a.scan = auditScanPages
	}
	return tea.Batch(a.load(""), a.startVerify())
}

func (a *auditPage) load(token string) tea.Cmd {
	id := a.c.nextID()
	a.loadID, a.loading, a.loadErr = id, true, nil
	ctx, pager, q := a.c.ctx, a.pager, backend.AuditQuery{SecretID: a.secretID}
	return func() tea.Msg {
		recs, next, err := pager.AuditPage(ctx, q, token)
		return auditPageMsg{id: id, recs: recs, next: next, err: err}
	}
}

// startVerify walks the whole chain, which takes a while on a long log;
// the records show meanwhile.
func (a *auditPage) startVerify() tea.Cmd {
	id := a.c.nextID()
	a.verifyID, a.verifying, a.verifyErr = id, true, nil
	ctx, verify := a.c.ctx, a.verify
	return func() tea.Msg {
		return auditVerifyMsg{id: id, err: verify(ctx)}
	}
}

func (a *auditPage) SetSize(w, h int) { a.width, a.height = w, h }

func (a *auditPage) inputFocused() bool { return a.filtering }

// back clears the filter (or leaves the filter line) before leaving the
// page; it reports whether it did.
func (a *auditPage) back() bool {
	if a.filter.empty() && !a.writesOnly {
		return false
	}
	a.filter, a.writesOnly = nil, false
	a.input.SetValue("")
	a.refilter()
	return true
}

func (a *auditPage) close() {}

// bodyHeight is the number of rows: the page minus the title, the chain
// line, the column header and the selected record's full line.
func (a *auditPage) bodyHeight() int {
	h := a.height - 4
	if a.filtering {
		h--
	}
	return max(1, h)
}

func (a *auditPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case auditPageMsg:
		if msg.id != a.loadID {
			return nil
		}
		a.loading = false
		if msg.err != nil {
			a.loadErr = msg.err
			return flashErr(msg.err)
		}
		for _, r := range msg.recs {
			if a.matches(&r) {
				a.shown = append(a.shown, len(a.recs))
			}
			a.recs = append(a.recs, r)
		}
		a.next = msg.next
		return a.more()
	case auditVerifyMsg:
		if msg.id != a.verifyID {
			return nil
		}
		a.verifying, a.verifyErr = false, msg.err
		return nil
	case tea.KeyMsg:
		return a.updateKeys(msg)
	}
	return nil
}

// more fetches the next page once the cursor comes within a screen of the
// end of what is loaded, or while the screen is not yet full.
func (a *auditPage) more() tea.Cmd {
	if a.loading || a.loadErr != nil || a.next == "" || a.cursor+a.bodyHeight() < len(a.shown) {
		return nil
	}
	if a.filtered() {
		// A filter that matches little would otherwise read the whole
		// log (CloudTrail at two lookups a second, ten million local
		// records): a few pages per filter or key, then the operator
		// asks for more.
		if a.scan <= 0 {
			return nil
		}
		a.scan--
	}
	return a.load(a.next)
}

// auditScanPages is how many pages a filter reads before it waits for the
// operator to ask for more.
const auditScanPages = 5

func (a *auditPage) filtered() bool { return !a.filter.empty() || a.writesOnly }

func (a *auditPage) updateKeys(msg tea.KeyMsg) tea.Cmd {
	k := a.keys
	if a.filtering {
		switch {
		case key.Matches(msg, k.Accept):
			// Applied: the filter may read a few pages of its own. Not
			// while typing, or each key would read more.
			a.filtering = false
			a.input.Blur()
			a.scan = auditScanPages
		case key.Matches(msg, k.Clear):
			a.filtering = false
			a.input.Blur()
			a.input.SetValue("")
		default:
			var cmd tea.Cmd
			a.input, cmd = a.input.Update(msg)
			a.filter = parseAuditFilter(a.input.Value())
			return tea.Batch(cmd, a.refilter())
		}
		a.filter = parseAuditFilter(a.input.Value())
		return a.refilter()
	}
	switch {
	case key.Matches(msg, k.Refresh):
		return a.Init()
	case key.Matches(msg, k.Filter):
		a.filtering = true
		return a.input.Focus()
	case key.Matches(msg, k.WritesOnly):
		a.writesOnly = !a.writesOnly
		a.scan = auditScanPages
		return a.refilter()
	}
	cursor, ok := a.keys.move(msg, a.cursor, len(a.shown), a.bodyHeight())
	if !ok {
		return nil
	}
	if cursor == a.cursor || cursor == len(a.shown)-1 {
		// At the end: the operator asks for more of a filtered log.
		a.scan = max(a.scan, 1)
	}
	a.cursor = cursor
	return a.more()
}

func auditColumns(all bool, timeW int) []column {
	cols := []column{
		{title: "TIME (UTC)", width: timeW},
		{title: "ACTOR", width: 10, flex: 2, min: 10},
		{title: "OPERATION", width: 16, flex: 1, min: 16},
	}
	if all {
		cols = append(cols, column{title: "SECRET", width: 14, flex: 3, min: 14})
	}
	// The outcome matters more than the version when one must go.
	return append(cols, column{title: "OUTCOME", width: 12}, column{title: "VERSION", width: 8})
}

// secretSuffix is the random suffix Secrets Manager appends to a name in
// an ARN.
var secretSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`-[A-Za-z0-9]{6}$`) })

// secretName is the name inside a secret's ARN, for a narrow column.
func secretName(arn string) string {
	_, name, ok := strings.Cut(arn, ":secret:")
	if !ok {
		return arn
	}
	return secretSuffix().ReplaceAllString(name, "")
}

func outcomeText(r *backend.AuditRecord) string {
	if r.ErrorCode != "" {
		return r.ErrorCode
	}
	return r.Outcome
}

func (a *auditPage) View() string {
	st := a.c.styles
	var b strings.Builder
	var title escaped.Text = "Audit log"
	if a.name != "" {
		title = "Audit · " + line(a.name)
	}
	info := " " + comma(len(a.recs)) + " records, newest first"
	if f := a.filterText(); f != "" {
		info = " " + comma(len(a.shown)) + " of " + comma(len(a.recs)) + " records · " + f
	}
	switch {
	case a.next != "" && a.filtered() && a.scan <= 0 && !a.loading:
		info += " · " + comma(len(a.recs)) + " read; ↓ reads on"
	case a.next != "":
		info += " · more as you scroll"
	}
	if a.loading {
		info += " · loading…"
	}
	b.WriteString(fit(st.Title.Render(title.String())+st.Muted.Render(info), a.width))
	b.WriteByte('\n')
	b.WriteString(fit(a.chainText(), a.width))
	b.WriteByte('\n')
	if a.filtering {
		b.WriteString(fit(a.input.View(), a.width))
		b.WriteByte('\n')
	}
	all := a.secretID == ""
	// Times of this year go without it, and their column shrinks to fit.
	now := a.c.now()
	timeW := len("01-02 15:04:05")
	for _, i := range a.shown {
		if a.recs[i].Time.UTC().Year() != now.UTC().Year() {
			timeW = len("2006-01-02 15:04:05")
			break
		}
	}
	cols := auditColumns(all, timeW)
	widths := layout(cols, a.width-2)
	titles := make([]escaped.Text, len(cols))
	for i, c := range cols {
		titles[i] = line(c.title)
	}
	b.WriteString(st.Header.Render("  " + joinCells(titles, widths)))
	h := a.bodyHeight()
	a.offset = scroll(a.cursor, a.offset, h, len(a.shown))
	for i := a.offset; i < a.offset+h; i++ {
		b.WriteByte('\n')
		if i >= len(a.shown) {
			if i == 0 {
				switch {
				case a.loading:
					b.WriteString(st.Muted.Render("loading…"))
				case a.loadErr != nil:
					b.WriteString(st.Danger.Render(errorText(a.loadErr).String()))
				case len(a.recs) > 0:
					b.WriteString(st.Muted.Render("No record matches the filter (esc clears it)."))
				default:
					b.WriteString(st.Muted.Render("No audit records."))
				}
			}
			continue
		}
		r := &a.recs[a.shown[i]]
		cells := []escaped.Text{line(inYear(now, r.Time, "2006-01-02 15:04:05")), line(r.Actor), line(r.Operation)}
		if all {
			cells = append(cells, line(secretName(r.SecretARN)))
		}
		cells = append(cells, line(outcomeText(r)), line(r.VersionID))
		row := joinCells(cells, widths)
		switch {
		case i == a.cursor:
			b.WriteString(st.Selected.Render(fit("› "+row, a.width)))
		case r.Outcome != "ok":
			b.WriteString(st.Warning.Render("  " + row))
		default:
			b.WriteString("  " + row)
		}
	}
	b.WriteByte('\n')
	b.WriteString(fit(st.Muted.Render(a.selectedText().String()), a.width))
	return b.String()
}

// chainText says whether the audit chain verified.
func (a *auditPage) chainText() string {
	st := a.c.styles
	switch {
	case a.verifying:
		return st.Muted.Render("verifying the audit chain…")
	case a.verifyErr == nil:
		return st.Success.Render("✓ chain verified") + st.Muted.Render(": no record was altered, removed or reordered")
	case errors.Is(a.verifyErr, errors.ErrUnsupported):
		return st.Muted.Render(errorText(a.verifyErr).String())
	case errors.Is(a.verifyErr, context.Canceled):
		return st.Muted.Render("chain not verified (cancelled)")
	default:
		msg := strings.TrimPrefix(errorText(a.verifyErr).String(), "audit log: ")
		if strings.HasPrefix(msg, "record ") {
			return st.Danger.Render("✗ chain broken at " + msg)
		}
		return st.Danger.Render("✗ chain not verified: " + msg)
	}
}

// selectedText spells out the selected record in full: the columns cut
// version ids and ARNs short.
func (a *auditPage) selectedText() escaped.Text {
	if a.cursor >= len(a.shown) {
		return ""
	}
	r := &a.recs[a.shown[a.cursor]]
	var parts []escaped.Text
	if r.Seq > 0 {
		parts = append(parts, line(fmt.Sprintf("#%d", r.Seq)))
	}
	parts = append(parts, line(r.Actor))
	if r.Principal != "" {
		parts = append(parts, "as "+line(r.Principal))
	}
	parts = append(parts, line(r.Operation))
	if r.SecretARN != "" {
		parts = append(parts, line(r.SecretARN))
	}
	if r.VersionID != "" {
		parts = append(parts, "version "+line(r.VersionID))
	}
	if r.ErrorCode != "" {
		parts = append(parts, "failed: "+line(r.ErrorCode))
	}
	if r.DecidedBy != "" {
		parts = append(parts, "decided by "+line(r.DecidedBy))
	}
	return escaped.Join(parts, " · ")
}

// helpNotes spell out the audit filter's terms.
func (a *auditPage) helpNotes() []helpSection {
	return []helpSection{{title: "Filter", lines: []string{
		"op:Put  actor:alice  secret:prod/  match the operation, actor and secret (substring, any case)",
		"a plain word matches any of them; !term negates; w shows writes only; esc clears",
	}}}
}

func (a *auditPage) help() keyHelp {
	k := a.keys
	if a.filtering {
		return keyHelp{short: []key.Binding{k.Accept, k.Clear}, full: [][]key.Binding{{k.Accept, k.Clear}}}
	}
	return keyHelp{
		short: []key.Binding{k.Up, k.Down, k.Filter, k.WritesOnly, k.Refresh, a.c.keys.global.Back},
		full:  [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Filter, k.WritesOnly, k.Clear}, {k.Refresh, a.c.keys.global.Back}},
	}
}

func (a *auditPage) status() string {
	if len(a.shown) == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%s/%s", comma(a.cursor+1), comma(len(a.shown)))
}

// auditTerm is one term of the filter: field is "op", "actor", "secret"
// or "" for any of them; not negates.
type auditTerm struct {
	field, text string
	not         bool
}

type auditFilter []auditTerm

func (f auditFilter) empty() bool { return len(f) == 0 }

// parseAuditFilter reads "op:Put actor:alice secret:prod/ word !word":
// each term is a substring, any case; all must hold.
func parseAuditFilter(s string) auditFilter {
	var f auditFilter
	for _, w := range strings.Fields(s) {
		t := auditTerm{}
		if strings.HasPrefix(w, "!") {
			t.not, w = true, w[1:]
		}
		if k, v, ok := strings.Cut(w, ":"); ok {
			switch strings.ToLower(k) {
			case "op", "operation":
				t.field, w = "op", v
			case "actor", "user":
				t.field, w = "actor", v
			case "secret", "name":
				t.field, w = "secret", v
			}
		}
		if strings.HasPrefix(w, "!") {
			t.not, w = !t.not, w[1:]
		}
		if w == "" {
			continue
		}
		t.text = strings.ToLower(w)
		f = append(f, t)
	}
	return f
}

func (t auditTerm) String() string {
	s := t.text
	if t.field != "" {
		s = t.field + ":" + s
	}
	if t.not {
		s = "!" + s
	}
	return s
}

// reads are the operations that change nothing (and a refused sign-in,
// which reaches nothing); every other record (a put, a tag, a rotation
// step) is a write.
var reads = []string{"Get", "Describe", "List", "BatchGet", "Validate", "LookupEvents", "StreamSecrets", "Authenticate"}

func isWrite(op string) bool {
	for _, p := range reads {
		if strings.HasPrefix(op, p) {
			return false
		}
	}
	return true
}

func (a *auditPage) matches(r *backend.AuditRecord) bool {
	if a.writesOnly && !isWrite(r.Operation) {
		return false
	}
	for _, t := range a.filter {
		var hit bool
		has := func(s string) bool { return strings.Contains(strings.ToLower(s), t.text) }
		switch t.field {
		case "op":
			hit = has(r.Operation)
		case "actor":
			hit = has(r.Actor)
		case "secret":
			hit = has(secretName(r.SecretARN)) || has(r.SecretARN)
		default:
			hit = has(r.Operation) || has(r.Actor) || has(r.SecretARN)
		}
		if hit == t.not {
			return false
		}
	}
	return true
}

// refilter recomputes which loaded records pass, keeps the cursor on the
// record it was on when that one still passes, and loads more when the
// screen is not full.
func (a *auditPage) refilter() tea.Cmd {
	was := -1
	if a.cursor < len(a.shown) {
		was = a.shown[a.cursor]
	}
	a.shown = a.shown[:0]
	a.cursor = 0
	for i := range a.recs {
		if a.matches(&a.recs[i]) {
			if i == was {
				a.cursor = len(a.shown)
			}
			a.shown = append(a.shown, i)
		}
	}
	return a.more()
}

// filterText is the active filter as the header shows it.
func (a *auditPage) filterText() string {
	var parts []string
	if !a.filter.empty() {
		terms := make([]string, len(a.filter))
		for i, t := range a.filter {
			terms[i] = t.String()
		}
		parts = append(parts, "filter "+line(strings.Join(terms, " ")).String())
	}
	if a.writesOnly {
		parts = append(parts, "writes only")
	}
	return strings.Join(parts, " · ")
}

// click selects the record drawn at line y: after the title, the chain
// line, the filter line when it is open, and the column header.
func (a *auditPage) click(y int) bool {
	top := 3
	if a.filtering {
		top++
	}
	i := a.offset + y - top
	if y < top || i >= len(a.shown) {
		return false
	}
	a.cursor = i
	return true
}
