package ui

import (
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// jumpShown is how many completions the jump line lists.
const jumpShown = 3

// nameOrder returns every row sorted by name, from the cache when the
// rows have not changed. The store lists by name, so this is one pass
// that finds them sorted, not a sort.
func (l *listPage) nameOrder() []int32 {
	if l.orders[sortName] == nil {
		l.orders[sortName] = sortedOrder(l.rows, sortName)
	}
	return l.orders[sortName]
}

// completions returns the range [lo, hi) of the name order whose names
// start with prefix: two binary searches, so completion stays instant at
// 100,000 secrets.
func completions(rows []row, order []int32, prefix string) (lo, hi int) {
	lo = sort.Search(len(order), func(i int) bool { return rows[order[i]].name >= prefix })
	hi = lo + sort.Search(len(order)-lo, func(i int) bool {
		return !strings.HasPrefix(rows[order[lo+i]].name, prefix)
	})
	return lo, hi
}

// commonPrefix is the longest prefix a and b share, whole runes only.
func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && n < len(a) && a[n]&0xc0 == 0x80 {
		n--
	}
	return a[:n]
}

func (l *listPage) startJump() tea.Cmd {
	l.jumping, l.jumpCycle = true, -1
	l.jump.SetValue("")
	return l.jump.Focus()
}

func (l *listPage) endJump() {
	l.jumping = false
	l.jump.Blur()
}

// updateJump edits the name to jump to: tab completes to what every
// match shares, then cycles through the matches; enter jumps.
func (l *listPage) updateJump(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, l.keys.ClearFilter):
		l.endJump()
		return nil
	case key.Matches(msg, l.keys.AcceptInput):
		l.endJump()
		return l.jumpTo(l.jump.Value())
	case msg.Type == tea.KeyTab:
		l.complete()
		return nil
	}
	var cmd tea.Cmd
	before := l.jump.Value()
	l.jump, cmd = l.jump.Update(msg)
	if l.jump.Value() != before {
		l.jumpCycle = -1
	}
	return cmd
}

// complete extends the typed name to the longest prefix its matches
// share; when there is nothing to extend, it shows the next match.
func (l *listPage) complete() {
	order := l.nameOrder()
	typed := l.jump.Value()
	if l.jumpCycle >= 0 {
		typed = l.jumpBase
	}
	lo, hi := completions(l.rows, order, typed)
	if lo == hi {
		return
	}
	if l.jumpCycle < 0 {
		lcp := commonPrefix(l.rows[order[lo]].name, l.rows[order[hi-1]].name)
		if len(lcp) > len(typed) {
			l.jump.SetValue(lcp)
			l.jump.CursorEnd()
			return
		}
		l.jumpBase = typed
	}
	l.jumpCycle = (l.jumpCycle + 1) % (hi - lo)
	l.jump.SetValue(l.rows[order[lo+l.jumpCycle]].name)
	l.jump.CursorEnd()
}

// jumpTo puts the cursor on the named secret, or the first whose name
// starts with what was typed. One the filter hides is shown by clearing
// the filter (and showing deleted secrets when it is one).
func (l *listPage) jumpTo(typed string) tea.Cmd {
	if typed == "" {
		return nil
	}
	order := l.nameOrder()
	lo, hi := completions(l.rows, order, typed)
	if lo == hi {
		return flash("no secret name starts with "+line(quote(typed)), true)
	}
	r := &l.rows[order[lo]]
	for i, vi := range l.view {
		if l.viewRows[vi].name == r.name {
			l.cursor = i
			l.offset = scroll(l.cursor, l.offset, l.bodyHeight(), len(l.view))
			return nil
		}
	}
	l.keep = r.name
	var note string
	if l.filter.Value() != "" {
		l.filter.SetValue("")
		l.pin = ""
		note = "filter cleared to show " + r.name
	}
	if r.deleted && !l.showDeleted {
		l.showDeleted = true
		note = r.name + " is scheduled for deletion: deleted secrets shown"
	}
	cmd := l.recompute()
	if note != "" {
		cmd = tea.Batch(cmd, flash(line(note), false))
	}
	return cmd
}

// jumpLine is the jump field and the first matches.
func (l *listPage) jumpLine() string {
	st := l.c.styles
	typed := strings.TrimRight(l.jump.View(), " ")
	prefix := l.jump.Value()
	if l.jumpCycle >= 0 {
		prefix = l.jumpBase
	}
	order := l.nameOrder()
	lo, hi := completions(l.rows, order, prefix)
	switch n := hi - lo; {
	case prefix == "":
		return typed + st.Muted.Render("  type a name · tab completes · enter jumps")
	case n == 0:
		return typed + "  " + st.Danger.Render("✗ no secret name starts with this")
	default:
		names := make([]string, 0, jumpShown)
		for i := lo; i < min(hi, lo+jumpShown); i++ {
			names = append(names, line(l.rows[order[i]].name).String())
		}
		more := ""
		if n > jumpShown {
			more = " · " + comma(n) + " names"
		}
		return typed + st.Muted.Render("  → "+strings.Join(names, "  ")+more)
	}
}
