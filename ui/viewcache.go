package ui

import (
	"runtime"
	"sync"
)

// recentViews keeps the views of the last queries typed, so that erasing
// a character shows the view the shorter query had a moment ago instead
// of searching every secret again (a widening query cannot be narrowed
// from the current result). Views are never written once made, so the
// cached slices are shared as they are. It is filled from the commands
// that compute views and read on the Update goroutine: hence the lock.
type recentViews struct {
	mu      sync.Mutex
	key     viewKey
	entries []recentView
}

// viewKey is what, besides the query, a view depends on.
type viewKey struct {
	gen   uint64
	shape viewShape
}

type recentView struct {
	query string
	view  []int32
}

// get returns the view of query for k, if it is still known.
func (c *recentViews) get(k viewKey, query string) ([]int32, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key != k {
		return nil, false
	}
	for _, e := range c.entries {
		if e.query == query {
			return e.view, true
		}
	}
	return nil, false
}

// put remembers the view of query for k. It keeps the latest views whose
// indices add up to at most limit (the number of rows: 1.2 MB at 300,000
// secrets), dropping the oldest first, and forgets all of them when the
// rows, the sort or what is shown change.
func (c *recentViews) put(k viewKey, query string, view []int32, limit int) {
	if c == nil || len(view) > limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key != k {
		c.key, c.entries = k, nil
	}
	for i, e := range c.entries {
		if e.query == query {
			c.entries = append(c.entries[:i], c.entries[i+1:]...)
			break
		}
	}
	c.entries = append(c.entries, recentView{query: query, view: view})
	total := 0
	for _, e := range c.entries {
		total += len(e.view)
	}
	for total > limit {
		total -= len(c.entries[0].view)
		c.entries = c.entries[1:]
	}
}

// parallelRows is the number of rows from which a view is searched on two
// cores: below it the second goroutine costs more than it saves.
const parallelRows = 50_000

// viewParallel is view (same arguments, same result) with the rows split
// in two halves searched at once, when there are enough of them and a
// second core to run on.
func viewParallel(rows []row, from, order []int32, q *query, reverse, showDeleted bool, now int64, pin string) []int32 {
	src := from
	if src == nil {
		src = order
	}
	if len(src) < parallelRows || runtime.GOMAXPROCS(0) < 2 {
		return view(rows, from, order, q, reverse, showDeleted, now, pin)
	}
	mid := len(src) / 2
	var second []int32
	done := make(chan struct{})
	part := func(p []int32) []int32 {
		if from == nil {
			// view walks order (backwards when reversed).
			return view(rows, nil, p, q, reverse, showDeleted, now, pin)
		}
		return view(rows, p, order, q, reverse, showDeleted, now, pin)
	}
	go func() {
		second = part(src[mid:])
		close(done)
	}()
	first := part(src[:mid])
	<-done
	if from == nil && reverse {
		first, second = second, first
	}
	out := make([]int32, 0, len(first)+len(second))
	return append(append(out, first...), second...)
}
