package ui

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// listPageSize is how many secrets one ListSecrets call asks for when the
// backend cannot stream (AWS's maximum).
const listPageSize = 100

// bigListing is the size from which a finished load hands its garbage
// back to the operating system.
const bigListing = 10_000

// releaseMemory returns the heap a large listing left behind (decoded
// pages, grown slices) to the operating system at once. Go's scavenger
// would, but over minutes; on a small bastion host those minutes matter.
// It runs in a command, off the Update goroutine.
func releaseMemory() tea.Msg {
	debug.FreeOSMemory()
	return nil
}

// listBatchMsg delivers secrets as they arrive; next fetches the following
// batch.
type listBatchMsg struct {
	id   uint64
	rows []row
	done bool
	err  error
	next tea.Cmd
}

// listViewMsg carries a filtered and sorted view computed off the Update
// goroutine.
type listViewMsg struct {
	id   uint64
	view []int32
	// rows is the slice view indexes: the rows as they were when the
	// view was computed.
	rows  []row
	query string
	// parsed is query read, and how (sort, direction, deleted shown,
	// pin) the view was selected: a narrower filter may start from it
	// only when those are the same.
	parsed *query
	shape  viewShape
	// why explains an empty result; nameW and descW are the widest name
	// and description shown, in bytes, for the column widths.
	why          string
	nameW, descW int
	// order is every row sorted by key, for the cache; gen names the rows
	// it belongs to.
	order []int32
	key   int
	gen   uint64
}

// listPage is the secrets list: a virtualised table that draws only the
// visible rows, an incremental filter and page-by-page loading.
type listPage struct {
	c    *common
	keys *listKeys

	rows []row
	// view indexes viewRows in display order; cursor indexes view.
	// viewRows is the rows the view was computed from, kept with it so
	// that rows removed or added since (a refresh after a delete, a new
	// secret) can never make an index point past the end or at another
	// secret. Rows slices are never written in place, only replaced or
	// appended to, so holding the old one is safe.
	view           []int32
	viewRows       []row
	viewQuery      string
	viewQ          *query
	viewShape      viewShape
	viewGen        uint64
	cursor, offset int

	filter    textinput.Model
	filtering bool
	// parsed is what the filter text was understood as; filterErr says
	// why it is not a filter, while the last good view stays.
	parsed    query
	filterErr error
	// pin is the secret just created: shown and marked whatever the
	// filter, until the filter changes.
	pin string
	// marked holds the names of the rows marked with space for a bulk
	// action: names, not indexes, so a refresh cannot move a mark to
	// another secret.
	marked map[string]bool
	// history holds the filters accepted with enter this session, oldest
	// first; histPos is the one shown while browsing it with ↑/↓ (-1 when
	// not), histDraft what was typed before.
	history   []string
	histPos   int
	histDraft string
	// jumping says the ":" field has the focus; jumpCycle is which
	// completion of jumpBase tab shows (-1 before cycling).
	jump      textinput.Model
	jumping   bool
	jumpCycle int
	jumpBase  string
	// why explains an empty result; nameW and descW are the content
	// widths of the view's name and description columns.
	why          string
	nameW, descW int
	sortKey      int
	reverse      bool
	showDeleted  bool

	loadID     uint64
	cancelLoad context.CancelFunc
	loading    bool
	refreshing bool
	pending    []row
	loadErr    error
	// failedLast says the previous listing ended in an error, so a
	// listing that succeeds replaces that error in the status bar.
	failedLast bool
	// heard is when the running load last heard from the store (its
	// start, then each batch); stallTick redraws while it waits.
	heard time.Time
	// deleted counts the rows scheduled for deletion.
	deleted int
	// release asks for the load's garbage to go back to the system.
	release bool

	viewID uint64
	// viewBusy says a view is being computed; viewStale that rows arrived
	// since it started. While a listing loads, batches then wait for it
	// instead of each starting a pass over every row so far: at 100,000
	// secrets those passes were most of the load's garbage.
	viewBusy, viewStale bool
	// orders caches every row sorted by each key, for rows generation gen;
	// filtering then only selects, it never sorts.
	orders [sortKeys][]int32
	gen    uint64
	// recent holds the views of the last queries, for erasing.
	recent recentViews
	// seed is the first page, read before the first frame (see takeSeed).
	seed *listSeed
	// keep is the secret the cursor stays on across refreshes and filters.
	keep    string
	spinner spinner.Model

	width, height int
}

func newListPage(c *common) *listPage {
	ti := newInput()
	ti.Prompt = "/ "
	ti.Placeholder = "filter: text, name:, tag-key:, tag-value:, description:, !negate"
	ti.CharLimit = 512
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	jump := newInput()
	jump.Prompt = ": "
	jump.CharLimit = 512
	return &listPage{c: c, keys: &c.keys.list, filter: ti, spinner: sp, histPos: -1, jump: jump}
}

func (l *listPage) Init() tea.Cmd { return l.load(false) }

func (l *listPage) SetSize(w, h int) {
	l.width, l.height = w, h
	l.filter.Width = max(10, w-4)
	l.jump.Width = max(10, w/2)
	l.offset = scroll(l.cursor, l.offset, l.bodyHeight(), len(l.view))
}

// bodyHeight is the number of table rows: the page minus the title, the
// filter line and the column header.
func (l *listPage) bodyHeight() int { return max(1, l.height-3) }

func (l *listPage) inputFocused() bool { return l.filtering || l.jumping }

func (l *listPage) close() {}

func (l *listPage) selected() (string, bool) {
	if l.cursor < 0 || l.cursor >= len(l.view) {
		return "", false
	}
	return l.viewRows[l.view[l.cursor]].name, true
}

func (l *listPage) selectedRow() *row {
	if l.cursor < 0 || l.cursor >= len(l.view) {
		return nil
	}
	return &l.viewRows[l.view[l.cursor]]
}

// load lists every secret. A refresh keeps showing the old list until the
// new one is complete, then puts the cursor back on the same secret.
func (l *listPage) load(refresh bool) tea.Cmd {
	if l.cancelLoad != nil {
		l.cancelLoad()
	}
	if l.c.backend == nil {
		return nil
	}
	id := l.c.nextID()
	ctx, cancel := context.WithCancel(l.c.ctx)
	l.loadID, l.cancelLoad = id, cancel
	l.loading, l.refreshing, l.pending, l.loadErr = true, refresh, nil, nil
	l.heard = l.c.now()
	if name, ok := l.selected(); ok {
		l.keep = name
	}
	in := listInput()
	if !refresh && l.takeSeed(in) {
		return l.onBatch(listBatchMsg{id: id, done: true})
	}
	var first tea.Cmd
	if s, ok := l.c.backend.(backend.Streamer); ok {
		first = streamList(ctx, id, s, in)
	} else {
		first = pageList(ctx, id, l.c.backend, in)
	}
	first = tea.Batch(first, l.stallTick(id))
	if !l.c.animate {
		return first
	}
	return tea.Batch(first, l.spinner.Tick)
}

// stallAfter is how long a listing may go without an answer before the
// list says so: long enough for a slow page, short enough that an operator
// is not left guessing whether anything is happening.
const stallAfter = 10 * time.Second

// listStallMsg redraws the list each second while load id runs, so a
// stall shows with its duration growing.
type listStallMsg struct{ id uint64 }

func (l *listPage) stallTick(id uint64) tea.Cmd {
	return l.c.tick(time.Second, func(time.Time) tea.Msg { return listStallMsg{id: id} })
}

// stalled returns how long the running load has waited for an answer, once
// that is long enough to say so.
func (l *listPage) stalled() (time.Duration, bool) {
	if !l.loading {
		return 0, false
	}
	d := l.c.now().Sub(l.heard)
	return d, d >= stallAfter
}

// stallText says who does not answer, for how long, and what can be done.
func (l *listPage) stallText(d time.Duration) string {
	var who escaped.Text = "the store"
	if ep := l.c.info.Endpoint; ep != "" {
		who = line(ep)
	}
	return fmt.Sprintf("no answer from %s for %d s · ctrl+r retry · esc cancel", who, int(d/time.Second))
}

// cancelLoading stops waiting for the running load. Its answer, if one
// still comes, is dropped as stale; the rows from before stay.
func (l *listPage) cancelLoading() tea.Cmd {
	if l.cancelLoad != nil {
		l.cancelLoad()
		l.cancelLoad = nil
	}
	l.loadID = l.c.nextID()
	l.loading, l.refreshing, l.pending = false, false, nil
	return flash("stopped waiting for the list · ctrl+r tries again", false)
}

// streamList runs a Streamer listing in a goroutine and hands its batches
// to Update one message at a time, merging whatever has piled up so a fast
// store does not flood the program with messages.
func streamList(ctx context.Context, id uint64, s backend.Streamer, in *backend.ListSecretsInput) tea.Cmd {
	type batch struct {
		rows []row
		last bool
		err  error
	}
	ch := make(chan batch, 8)
	go func() {
		err := s.StreamSecrets(ctx, in, func(ms []backend.SecretMetadata) error {
			select {
			case ch <- batch{rows: newRows(ms)}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		select {
		case ch <- batch{last: true, err: err}:
		case <-ctx.Done():
		}
		// Closing wakes a reader still waiting after a cancellation.
		close(ch)
	}()
	var next tea.Cmd
	next = func() tea.Msg {
		b, ok := <-ch
		msg := listBatchMsg{id: id, rows: b.rows, err: b.err, done: b.last || !ok}
		for !msg.done {
			select {
			case more, ok := <-ch:
				msg.rows = append(msg.rows, more.rows...)
				msg.err, msg.done = more.err, more.last || !ok
				continue
			default:
			}
			msg.next = next
			break
		}
		return msg
	}
	return next
}

// pageList lists with ListSecrets, one page per message, as AWS serves it.
func pageList(ctx context.Context, id uint64, b backend.Backend, in *backend.ListSecretsInput) tea.Cmd {
	return func() tea.Msg {
		req := *in
		req.MaxResults = listPageSize
		out, err := b.ListSecrets(ctx, &req)
		if err != nil {
			return listBatchMsg{id: id, err: err, done: true}
		}
		msg := listBatchMsg{id: id, rows: newRows(out.Secrets)}
		if out.NextToken == "" {
			msg.done = true
		} else {
			next := *in
			next.NextToken = out.NextToken
			msg.next = pageList(ctx, id, b, &next)
		}
		return msg
	}
}

// viewShape is what, besides the filter, decides a view's rows and order.
type viewShape struct {
	key      int
	rev, del bool
	pin      string
}

// recompute filters and sorts in the background; typing never waits for it.
func (l *listPage) recompute() tea.Cmd {
	text := l.filter.Value()
	parsed, err := parseQuery(text)
	l.filterErr = err
	if err != nil {
		// Half-typed syntax ("name:" before its value, an open quote):
		// the message says what is missing and the last good view stays.
		return nil
	}
	l.parsed = parsed
	id := l.c.nextID()
	l.viewID = id
	l.viewBusy, l.viewStale = true, false
	rows, q := l.rows, &parsed
	shape := viewShape{key: l.sortKey, rev: l.reverse, del: l.showDeleted, pin: l.pin}
	gen, now := l.gen, l.c.now().Unix()
	var from []int32
	if l.viewGen == l.gen && l.viewQ != nil && l.viewShape == shape && l.viewQuery != text && narrows(l.viewQ, q) {
		from = l.view
	}
	order := l.orders[shape.key]
	finish := func(v []int32) listViewMsg {
		msg := listViewMsg{id: id, view: v, rows: rows,
			query: text, parsed: q, shape: shape, order: order, key: shape.key, gen: gen}
		if len(v) == 0 {
			msg.why = whyEmpty(rows, text, shape.del, now)
		}
		msg.nameW, msg.descW = contentWidths(rows, v)
		return msg
	}
	vk, recent := viewKey{gen: gen, shape: shape}, &l.recent
	if v, ok := recent.get(vk, text); ok && order != nil {
		// Erasing back to a query typed a moment ago: its view is known.
		return l.onView(finish(v))
	}
	return func() tea.Msg {
		if order == nil {
			order = sortedOrder(rows, shape.key)
		}
		v := viewParallel(rows, from, order, q, shape.rev, shape.del, now, shape.pin)
		recent.put(vk, text, v, len(rows))
		return finish(v)
	}
}

func (l *listPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case listBatchMsg:
		return l.onBatch(msg)
	case listViewMsg:
		return l.onView(msg)
	case listStallMsg:
		if msg.id != l.loadID || !l.loading {
			return nil
		}
		return l.stallTick(msg.id)
	case spinner.TickMsg:
		if !l.loading || !l.c.animate {
			return nil
		}
		var cmd tea.Cmd
		l.spinner, cmd = l.spinner.Update(msg)
		return cmd
	case reloadMsg:
		cmd := l.load(true)
		if msg.name != "" {
			// The secret just acted on (a new one, say) is where the
			// operator's attention is: keep the cursor on it.
			l.keep = msg.name
			if l.filter.Value() != "" && !slices.ContainsFunc(l.rows, func(r row) bool { return r.name == msg.name }) {
				// A new secret the filter would hide is shown, marked,
				// until the filter changes: it was made to be seen.
				l.pin = msg.name
			}
			// Reloading 100,000 secrets takes seconds; its row is made
			// right at once from one DescribeSecret.
			cmd = tea.Batch(l.fetchRow(msg.name), cmd)
		}
		return cmd
	case rowMsg:
		return l.onRow(msg)
	case bulkDoneMsg:
		// What failed stays marked, to be retried or looked into.
		l.marked = nil
		for _, f := range msg.failed {
			l.mark(f.name, true)
		}
		return tea.Batch(l.c.bulkReport(msg), l.load(true))
	case tea.KeyMsg:
		if l.filtering {
			return l.updateFilter(msg)
		}
		if l.jumping {
			return l.updateJump(msg)
		}
		return l.updateKeys(msg)
	}
	return nil
}

// rowMsg carries the metadata of the secret an action just changed, for
// its row while the listing is reloaded.
type rowMsg struct {
	loadID uint64
	meta   *backend.SecretMetadata
	err    error
}

func (l *listPage) fetchRow(name string) tea.Cmd {
	ctx, b, id := l.c.ctx, l.c.backend, l.loadID
	if b == nil {
		return nil
	}
	return func() tea.Msg {
		m, err := b.DescribeSecret(ctx, name)
		return rowMsg{loadID: id, meta: m, err: err}
	}
}

// onRow puts one secret's fresh metadata into its row, or adds the row of
// a new secret, while the reload it came with is still running; once the
// reload is done its rows are at least as new. A failure changes nothing:
// the reload reports it.
func (l *listPage) onRow(msg rowMsg) tea.Cmd {
	if msg.loadID != l.loadID || !l.refreshing || msg.err != nil || msg.meta == nil {
		return nil
	}
	r := newRow(msg.meta)
	i := slices.IndexFunc(l.rows, func(x row) bool { return x.name == r.name })
	// A copy, not a write in place: a view computed in the background may
	// still be reading the old rows. Appending keeps the indices the
	// current view holds valid.
	rows := slices.Clone(l.rows)
	if i < 0 {
		rows = append(rows, r)
	} else {
		if rows[i].deleted {
			l.deleted--
		}
		rows[i] = r
	}
	l.rows = rows
	if r.deleted {
		l.deleted++
	}
	l.newGen()
	return l.recompute()
}

func (l *listPage) onView(msg listViewMsg) tea.Cmd {
	if msg.gen == l.gen {
		l.orders[msg.key] = msg.order
	}
	if msg.id != l.viewID {
		return nil
	}
	l.viewBusy = false
	l.view, l.viewRows, l.viewQuery, l.viewGen = msg.view, msg.rows, msg.query, msg.gen
	l.viewQ, l.viewShape = msg.parsed, msg.shape
	l.why, l.nameW, l.descW = msg.why, msg.nameW, msg.descW
	l.cursor = min(l.cursor, max(0, len(l.view)-1))
	if l.keep != "" {
		for i, ri := range l.view {
			if l.viewRows[ri].name == l.keep {
				l.cursor = i
				break
			}
		}
		if !l.loading {
			l.keep = ""
		}
	}
	l.offset = scroll(l.cursor, l.offset, l.bodyHeight(), len(l.view))
	if l.viewStale {
		// Rows arrived while this view was computed: it is shown, and the
		// next one catches up with them.
		return l.recompute()
	}
	if l.release && !l.loading {
		l.release = false
		return releaseMemory
	}
	return nil
}

func (l *listPage) onBatch(msg listBatchMsg) tea.Cmd {
	if msg.id != l.loadID {
		return nil
	}
	if msg.err != nil {
		l.loadErr = msg.err
	}
	l.heard = l.c.now()
	if l.refreshing {
		l.pending = append(l.pending, msg.rows...)
	} else if len(msg.rows) > 0 {
		l.rows = append(l.rows, msg.rows...)
		l.newGen()
		for i := range msg.rows {
			if msg.rows[i].deleted {
				l.deleted++
			}
		}
	}
	keptOld := false
	if msg.done {
		l.loading = false
		if l.refreshing && msg.err != nil {
			// A refresh that failed part way (throttling, a dropped
			// connection) would leave a partial or empty list: keep the
			// complete one from before and say so.
			l.pending, l.refreshing, keptOld = nil, false, true
		}
		if l.refreshing {
			l.rows, l.pending, l.refreshing = l.pending, nil, false
			l.dropGoneMarks()
			l.newGen()
			l.deleted = 0
			for i := range l.rows {
				if l.rows[i].deleted {
					l.deleted++
				}
			}
		}
		if l.cancelLoad != nil {
			l.cancelLoad()
			l.cancelLoad = nil
		}
	}
	l.c.memory.fit(len(l.rows)+len(l.pending), msg.rows)
	var cmds []tea.Cmd
	if msg.done && len(l.rows) >= bigListing {
		// Once the first view of the whole listing is drawn.
		l.release = true
	}
	switch {
	case msg.err != nil && keptOld:
		l.failedLast = true
		cmds = append(cmds, flash(errorText(msg.err)+" · showing the list from before", true))
	case msg.err != nil:
		l.failedLast = true
		cmds = append(cmds, flashErr(msg.err))
	case msg.done && l.failedLast:
		l.failedLast = false
		cmds = append(cmds, flash(line(fmt.Sprintf("listed again: %s secrets", comma(len(l.rows)))), false))
	}
	switch {
	case msg.done:
		cmds = append(cmds, l.recompute())
	case l.refreshing:
		// The old list stays on screen until the new one is complete.
	case l.viewBusy:
		l.viewStale = true
	default:
		cmds = append(cmds, l.recompute())
	}
	if !msg.done && msg.next != nil {
		cmds = append(cmds, msg.next)
	}
	return tea.Batch(cmds...)
}

// newGen marks the rows as changed: cached orders no longer apply.
func (l *listPage) newGen() {
	l.gen++
	l.orders = [sortKeys][]int32{}
}

// filterMoveKeys are the keys that move the cursor while the filter has
// the focus, as its help shows them: ↑ and ↓ recall earlier filters.
func filterMoveKeys() []key.Binding {
	return []key.Binding{bind("↑/↓", "earlier filters", "up", "down"), bind("ctrl+p", "up", "ctrl+p"),
		bind("ctrl+n", "down", "ctrl+n")}
}

// maxHistory is how many filters the history keeps.
const maxHistory = 100

// remember adds an accepted filter to the history, once.
func (l *listPage) remember(f string) {
	l.histPos = -1
	if strings.TrimSpace(f) == "" {
		return
	}
	l.history = slices.DeleteFunc(l.history, func(x string) bool { return x == f })
	l.history = append(l.history, f)
	if len(l.history) > maxHistory {
		l.history = slices.Delete(l.history, 0, len(l.history)-maxHistory)
	}
}

// recall shows the filter step entries back (-1) or forward (+1) in the
// history; past the newest is what was being typed.
func (l *listPage) recall(step int) tea.Cmd {
	if len(l.history) == 0 || l.histPos == -1 && step > 0 {
		return nil
	}
	if l.histPos == -1 {
		l.histDraft, l.histPos = l.filter.Value(), len(l.history)
	}
	l.histPos = max(0, l.histPos+step)
	v := l.histDraft
	if l.histPos >= len(l.history) {
		l.histPos = -1
	} else {
		v = l.history[l.histPos]
	}
	if v == l.filter.Value() {
		return nil
	}
	l.filter.SetValue(v)
	l.filter.CursorEnd()
	l.filterChanged()
	return l.recompute()
}

// filterChanged starts a changed filter at its best match, as fzf does: a
// cursor kept by position would land on an arbitrary row. The secret just
// created stops being shown regardless.
func (l *listPage) filterChanged() {
	l.cursor, l.offset, l.keep, l.pin = 0, 0, "", ""
}

func (l *listPage) updateFilter(msg tea.KeyMsg) tea.Cmd {
	k := l.keys
	switch {
	case key.Matches(msg, k.ClearFilter):
		l.filtering = false
		l.filter.Blur()
		if l.filter.Value() == "" {
			return nil
		}
		l.filter.SetValue("")
		l.histPos, l.pin = -1, ""
		// Clearing the filter keeps the secret found with it selected.
		if name, ok := l.selected(); ok {
			l.keep = name
		}
		return l.recompute()
	case key.Matches(msg, k.AcceptInput):
		l.filtering = false
		l.filter.Blur()
		if l.filterErr == nil {
			l.remember(l.filter.Value())
		}
		return nil
	case msg.Type == tea.KeyUp:
		return l.recall(-1)
	case msg.Type == tea.KeyDown:
		return l.recall(+1)
	case msg.Type == tea.KeyCtrlP:
		l.move(tea.KeyMsg{Type: tea.KeyUp})
		return nil
	case msg.Type == tea.KeyCtrlN:
		l.move(tea.KeyMsg{Type: tea.KeyDown})
		return nil
	case msg.Type == tea.KeyPgUp || msg.Type == tea.KeyPgDown:
		l.move(msg)
		return nil
	}
	before := l.filter.Value()
	var cmd tea.Cmd
	l.filter, cmd = l.filter.Update(msg)
	if l.filter.Value() != before {
		l.histPos = -1
		l.filterChanged()
		return tea.Batch(cmd, l.recompute())
	}
	return cmd
}

// move handles the navigation keys; it reports whether msg was one.
func (l *listPage) move(msg tea.KeyMsg) bool {
	n, h := len(l.view), l.bodyHeight()
	cursor, ok := l.keys.move(msg, l.cursor, n, h)
	if !ok {
		return false
	}
	l.cursor = cursor
	l.offset = scroll(l.cursor, l.offset, h, n)
	return true
}

// click selects the row drawn at line y (the mouse), below the title,
// the filter line and the column header.
func (l *listPage) click(y int) bool {
	i := l.offset + y - 3
	if y < 3 || i >= len(l.view) {
		return false
	}
	l.cursor = i
	return true
}

func (l *listPage) updateKeys(msg tea.KeyMsg) tea.Cmd {
	k := l.keys
	// Space marks here rather than paging, as in a file manager.
	if key.Matches(msg, k.Mark) {
		return l.toggleMark()
	}
	if l.move(msg) {
		return nil
	}
	name, has := l.selected()
	switch {
	case key.Matches(msg, k.MarkAll):
		return l.markAll()
	case key.Matches(msg, k.CopyTo):
		return l.copyNames()
	case key.Matches(msg, k.ClearFilter) && len(l.marked) > 0:
		n := len(l.marked)
		l.marked = nil
		return flash(line(plural(n, "mark")+" cleared"), false)
	case len(l.marked) > 0 && key.Matches(msg, k.Delete):
		return l.bulk(bulkDelete)
	case len(l.marked) > 0 && key.Matches(msg, k.Restore):
		return l.bulk(bulkRestore)
	case key.Matches(msg, k.Tag):
		if len(l.marked) > 0 {
			return l.bulk(bulkTag)
		}
		if r := l.selectedRow(); r != nil {
			// The form starts from the tags the list read; TagResource and
			// UntagResource send only what the operator changed.
			return editTags(l.c, r.name, unpackTags(r.tags, nil))
		}
		return nil
	case key.Matches(msg, k.Filter):
		l.filtering = true
		return l.filter.Focus()
	case key.Matches(msg, k.Jump):
		return l.startJump()
	case key.Matches(msg, k.ClearFilter) && l.loading && l.filter.Value() == "":
		return l.cancelLoading()
	case key.Matches(msg, k.ClearFilter):
		if l.filter.Value() != "" {
			l.filter.SetValue("")
			l.keep, l.pin = name, ""
			return l.recompute()
		}
	case key.Matches(msg, k.Sort):
		l.sortKey = (l.sortKey + 1) % sortKeys
		l.keep = name
		return tea.Batch(l.recompute(), flash("sorted by "+line(sortLabel(l.sortKey)), false))
	case key.Matches(msg, k.Reverse):
		l.reverse = !l.reverse
		l.keep = name
		return l.recompute()
	case key.Matches(msg, k.ShowDeleted):
		l.showDeleted = !l.showDeleted
		l.keep = name
		state := "hidden"
		if l.showDeleted {
			state = "shown"
		}
		return tea.Batch(l.recompute(), flash("secrets scheduled for deletion "+line(state), false))
	case key.Matches(msg, k.Refresh):
		return l.load(true)
	case key.Matches(msg, k.Audit):
		return openAudit(l.c, "", "")
	case key.Matches(msg, k.Profiles):
		return navigate(openProfilesMsg{})
	case !has:
		if key.Matches(msg, k.Create) {
			return l.create()
		}
		return nil
	case key.Matches(msg, k.Open):
		return navigate(openDetailMsg{name: name})
	case key.Matches(msg, k.Versions):
		return navigate(openVersionsMsg{name: name})
	case key.Matches(msg, k.Copy):
		return l.c.copyValue(name, "")
	case key.Matches(msg, k.Create):
		return l.create()
	case key.Matches(msg, k.Delete):
		return deleteSecret(l.c, name, l.selectedRow().deleted)
	case key.Matches(msg, k.ForceDelete):
		return forceDeleteSecret(l.c, name)
	case key.Matches(msg, k.Restore):
		return restoreSecret(l.c, name, l.selectedRow().deleted)
	case key.Matches(msg, k.ConfigureRotation):
		return withMeta(l.c, name, "configuring rotation", configureRotation)
	case key.Matches(msg, k.RotateNow):
		return withMeta(l.c, name, "rotating", rotateNow)
	case key.Matches(msg, k.CancelRotation):
		return withMeta(l.c, name, "turning rotation off", cancelRotation)
	}
	return nil
}

func (l *listPage) create() tea.Cmd {
	if cmd, ok := l.c.mutation("creating a secret"); !ok {
		return cmd
	}
	return createSecret(l.c)
}

// helpNotes spell out the filter's grammar and the marks, which the key
// list only names.
func (l *listPage) helpNotes() []helpSection {
	return []helpSection{{title: "Filter", lines: []string{
		"every term must match; the line under the title shows what the filter was understood as",
		"words and \"quoted phrases\" match name, description and tags (substring, any case)",
		"name:prod/  tag-key:team  tag-value:payments  (prefix, as AWS)   description:db  all:db  (words)",
		"tag:env=prod or env=prod  a tag with that key and value (any case)",
		"rotation:on|off|failing|pending  (failing: its next rotation date has passed)   deleted",
		"! before a term excludes: !test !name:test/ !env=dev; name:a,b matches either",
		"↑/↓ in the filter recall earlier filters; : jumps to a name (tab completes)",
		"space marks rows; with marks, d deletes, u restores, t tags them after you type their count",
	}}}
}

func (l *listPage) help() keyHelp {
	k := l.keys
	if l.jumping {
		return keyHelp{short: []key.Binding{bind("tab", "complete", "tab"), bind("enter", "jump", "enter"), bind("esc", "cancel", "esc")}}
	}
	if l.filtering {
		// j and k are typed into the filter: only the arrows move.
		return keyHelp{short: append([]key.Binding{k.AcceptInput, k.ClearFilter}, filterMoveKeys()...)}
	}
	ro := l.c.readOnly
	muts := []key.Binding{k.Create, k.Delete, k.ForceDelete, k.Restore, k.Tag}
	rot := []key.Binding{k.ConfigureRotation, k.RotateNow, k.CancelRotation}
	if len(l.marked) > 0 {
		// With marks, the footer offers what acts on them.
		clear := bind("esc", "clear marks", "esc")
		bulk := []key.Binding{bind("d", "delete marked", "d"), bind("u", "restore marked", "u"),
			bind("t", "tag marked", "t")}
		return keyHelp{
			short: append(append([]key.Binding{k.Mark, k.MarkAll}, visible(ro, bulk, bulk...)...), clear, k.CopyTo),
			full:  [][]key.Binding{{k.Mark, k.MarkAll, clear}, visible(ro, bulk, bulk...), {k.CopyTo}},
		}
	}
	return keyHelp{
		short: visible(ro, []key.Binding{k.Open, k.Filter, k.Jump, k.Sort, k.ShowDeleted, k.Mark, k.Versions, k.Delete}, muts...),
		full: [][]key.Binding{
			{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
			{k.Open, k.Versions, k.Copy, k.Filter, k.ClearFilter, k.Jump, k.Refresh},
			{k.Mark, k.MarkAll, k.CopyTo},
			l.viewKeys(),
			visible(ro, muts, muts...),
			visible(ro, rot, rot...),
		},
	}
}

// viewKeys are the keys that change what is shown; the switcher exists on
// AWS and wherever the configuration file has contexts.
func (l *listPage) viewKeys() []key.Binding {
	k := l.keys
	ks := []key.Binding{k.Sort, k.Reverse, k.ShowDeleted, k.Audit}
	if l.c.info.Kind == "aws" || l.c.contexts {
		ks = append(ks, k.Profiles)
	}
	return ks
}

// status is the right-hand side of the status bar.
func (l *listPage) status() string {
	pos := "0/0"
	if len(l.view) > 0 {
		pos = fmt.Sprintf("%s/%s", comma(l.cursor+1), comma(len(l.view)))
	}
	if n := len(l.marked); n > 0 {
		return comma(n) + " marked · " + pos
	}
	return pos
}

// Columns of the list, in listColumns order.
const (
	colName = iota
	colDesc
	colChanged
	colAccessed
	colRotation
	colVersions
)

func listColumns() []column {
	return []column{
		{title: "NAME", width: 20, flex: 2, min: 20},
		{title: "DESCRIPTION", flex: 3, min: 12},
		{title: "CHANGED", width: 10},
		{title: "ACCESSED", width: 10},
		{title: "ROTATION", width: 13},
		{title: "VERSIONS", width: 9},
	}
}

// sortColumn is the column a sort key orders by, or -1 when none shows
// it (created).
func sortColumn(key int) int {
	switch key {
	case sortName:
		return colName
	case sortChanged:
		return colChanged
	case sortAccessed:
		return colAccessed
	case sortRotation:
		return colRotation
	}
	return -1
}

// sortArrow is ▲ when the list ascends, ▼ when it descends: dates sort
// newest first unless reversed.
func sortArrow(key int, reverse bool) string {
	desc := key == sortChanged || key == sortAccessed || key == sortCreated
	if desc != reverse {
		return "▼"
	}
	return "▲"
}

func (l *listPage) View() string {
	st := l.c.styles
	var b strings.Builder
	// Title line: what is shown and how.
	title := st.Title.Render("Secrets")
	count := comma(len(l.view))
	total := len(l.rows)
	if !l.showDeleted {
		total -= l.deleted
	}
	if len(l.view) != total || l.filter.Value() != "" {
		count += " of " + comma(total)
	}
	info := " " + count + " · by " + sortLabel(l.sortKey) + " " + sortArrow(l.sortKey, l.reverse)
	if l.showDeleted {
		info += " · incl. deleted"
	} else if l.deleted > 0 {
		info += " · " + comma(l.deleted) + " deleted hidden (x)"
	}
	stall := ""
	if d, ok := l.stalled(); ok {
		stall = " · " + l.stallText(d)
	} else if l.loading {
		n := len(l.rows)
		if l.refreshing {
			n = len(l.pending)
		}
		info += " · " + l.spinner.View() + " loading " + comma(n) + "…"
	}
	b.WriteString(fit(title+st.Muted.Render(info)+st.Warning.Render(stall), l.width))
	b.WriteByte('\n')
	if l.jumping {
		b.WriteString(fit(l.jumpLine(), l.width))
	} else {
		b.WriteString(fit(l.filterLine(), l.width))
	}
	b.WriteByte('\n')
	cols := listColumns()
	// The gutter: the cursor, a mark, a space.
	widths := layout(cols, l.width-3)
	shareByContent(widths, colName, colDesc, l.nameW, l.descW, cols[colName].min, cols[colDesc].min)
	titles := make([]escaped.Text, len(cols))
	for i, col := range cols {
		titles[i] = line(col.title)
	}
	if c := sortColumn(l.sortKey); c >= 0 {
		titles[c] += line(" " + sortArrow(l.sortKey, l.reverse))
	}
	b.WriteString(st.Header.Render("   " + joinCells(titles, widths)))
	h := l.bodyHeight()
	cells := make([]escaped.Text, len(cols))
	now := l.c.now().Unix()
	for i := l.offset; i < l.offset+h; i++ {
		b.WriteByte('\n')
		if i >= len(l.view) {
			if i == 0 {
				b.WriteString(fit(l.emptyText(), l.width))
			} else {
				b.WriteString(fit("", l.width))
			}
			continue
		}
		r := &l.viewRows[l.view[i]]
		l.cells(cells, r, now)
		// The gutter marks the cursor, marked rows and the secret just
		// created in text too: without colour (NO_COLOR, a screen
		// reader, a tmux capture) they must still be findable.
		g := " "
		if i == l.cursor {
			g = "›"
		}
		switch {
		case l.marked[r.name]:
			g += "● "
		case l.pin != "" && r.name == l.pin:
			g += "+ "
		default:
			g += "  "
		}
		s := g + joinCells(cells, widths)
		switch {
		case i == l.cursor:
			s = st.Selected.Render(s)
		case l.marked[r.name]:
			s = st.Title.Render(s)
		case r.deleted:
			s = st.Warning.Render(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// filterLine is the filter as typed, then what it was understood as, or
// why it is not a filter.
func (l *listPage) filterLine() string {
	st := l.c.styles
	var typed string
	switch {
	case l.filtering:
		// The field pads itself to its width; the understanding follows
		// the text instead.
		typed = strings.TrimRight(l.filter.View(), " ")
	case l.filter.Value() != "":
		typed = st.Muted.Render("/ ") + line(l.filter.Value()).String()
	default:
		return st.Muted.Render("/ to filter · : to jump to a name")
	}
	switch {
	case l.filterErr != nil:
		return typed + "  " + st.Danger.Render("✗ "+line(l.filterErr.Error()).String())
	case l.filter.Value() == "":
		return typed
	case l.pin != "":
		return typed + st.Muted.Render("  = "+line(l.parsed.String()).String()+"  (+ just created, shown until the filter changes)")
	}
	return typed + st.Muted.Render("  = "+line(l.parsed.String()).String())
}

func (l *listPage) emptyText() string {
	st := l.c.styles
	switch {
	case l.loading:
		return st.Muted.Render("loading…")
	case l.loadErr != nil:
		return st.Danger.Render(errorText(l.loadErr).String())
	case len(l.rows) == 0:
		if l.c.readOnly {
			return st.Muted.Render("No secrets.")
		}
		return st.Muted.Render("No secrets yet. Press n to create one.")
	case l.why != "":
		return st.Muted.Render("No secret matches the filter: " + line(l.why).String())
	default:
		return st.Muted.Render("No secret matches the filter.")
	}
}

// cells fills the table cells of one row. Everything from the backend goes
// through line() so escape sequences are drawn, not obeyed.
func (l *listPage) cells(cells []escaped.Text, r *row, now int64) {
	name := line(r.name)
	if r.deleted {
		name = "✗ " + name
	}
	cells[colName] = name
	cells[colDesc] = line(r.desc)
	cells[colChanged] = line(ago(now, r.changed))
	cells[colAccessed] = line(day(now, r.accessed))
	switch {
	case r.deleted:
		if r.deleting == 0 {
			cells[colRotation] = "del date?"
		} else {
			cells[colRotation] = line("del " + listDate(now, r.deleting))
		}
	case r.pending:
		cells[colRotation] = "pending"
	case r.rotation && r.next != 0:
		cells[colRotation] = line("on " + listDate(now, r.next))
	case r.rotation:
		cells[colRotation] = "on"
	default:
		cells[colRotation] = "off"
	}
	v := line(strconv.Itoa(int(r.versions)))
	if r.custom != "" {
		v += " " + line(r.custom)
	}
	cells[colVersions] = v
}

// listDate is a date in a list column: month and day within the current
// year, the full date otherwise, so "01-05" never hides which January.
func listDate(now, t int64) string {
	return inYear(time.Unix(now, 0), time.Unix(t, 0), "2006-01-02")
}

// ago formats a unix time relative to now, compactly enough for a column.
func ago(now, t int64) string {
	if t == 0 {
		return "—"
	}
	d := now - t
	switch {
	case d < 0:
		return listDate(now, t)
	case d < 60:
		return "just now"
	case d < 3600:
		return strconv.FormatInt(d/60, 10) + "m ago"
	case d < 86400:
		return strconv.FormatInt(d/3600, 10) + "h ago"
	case d < 60*86400:
		return strconv.FormatInt(d/86400, 10) + "d ago"
	}
	return listDate(now, t)
}

// day formats a date kept only to the day, as AWS keeps LastAccessedDate:
// "today" rather than "4h ago", which would claim an hour nobody recorded.
func day(now, t int64) string {
	if t == 0 {
		return "—"
	}
	switch d := now/86400 - t/86400; {
	case d == 0:
		return "today"
	case d == 1:
		return "yesterday"
	case d > 1 && d < 60:
		return strconv.FormatInt(d, 10) + "d ago"
	}
	return time.Unix(t, 0).UTC().Format("2006-01-02")
}

// comma formats n with thousands separators.
func comma(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
