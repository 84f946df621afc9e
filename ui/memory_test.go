package ui

import (
	"fmt"
	"slices"
	"testing"
	"unsafe"

	"github.com/secretary-sh/secretary/backend"
)

// TestListMemoryFollowsTheRows: the soft memory limit is the console's
// base plus what the rows hold, and follows the list as it grows (a
// limit fixed in advance would starve a larger store).
func TestListMemoryFollowsTheRows(t *testing.T) {
	var limits []int64
	m := &listMemory{limit: func(n int64) int64 { limits = append(limits, n); return 0 }}
	batch := func(from int) []row {
		ms := make([]backend.SecretMetadata, 1000)
		for i := range ms {
			ms[i] = backend.SecretMetadata{Name: fmt.Sprintf("prod/svc-%06d/db", from+i), Description: "Postgres credentials",
				Tags: []backend.Tag{{Key: "env", Value: "prod"}}}
		}
		return newRows(ms)
	}
	b := batch(0)
	m.fit(1000, b)
	m.fit(2000, batch(1000))
	m.fit(2000, nil) // a last, empty message: the same limit
	if len(limits) != 3 || limits[1] <= limits[0] || limits[2] != limits[1] {
		t.Fatalf("limits %v: want one per batch, growing with the rows", limits)
	}
	r := &b[0]
	// The struct with growth room, the haystack, the packed tags and the
	// description (mixed case, so stored apart); the lower-case name
	// lies in the haystack and counts once.
	want := int(unsafe.Sizeof(*r))*5/4 + len(r.hay) + len(r.tags) + len(r.desc)
	if got := rowSize(r); got != want {
		t.Errorf("rowSize = %d, want %d", got, want)
	}
	if got, want := limits[0], int64(memoryBase+1000*want); got != want {
		t.Errorf("limit for 1,000 rows = %d, want %d", got, want)
	}
	var none *listMemory
	none.fit(10, b) // tests and GOMEMLIMIT: nothing to set, no panic
}

// TestViewParallelIsView: splitting the search over two goroutines gives
// the view a single pass gives, in order, reversed or narrowed.
func TestViewParallelIsView(t *testing.T) {
	ms := benchMetadata(parallelRows + 1234)
	rows := newRows(ms)
	order := sortedOrder(rows, sortChanged)
	for _, qs := range []string{"", "pay", "prod db", "!prod", "tag-value:pay", "zzz-nothing"} {
		pq, err := parseQuery(qs)
		if err != nil {
			t.Fatal(err)
		}
		q := &pq
		for _, rev := range []bool{false, true} {
			for _, del := range []bool{false, true} {
				want := view(rows, nil, order, q, rev, del, 0, "")
				if got := viewParallel(rows, nil, order, q, rev, del, 0, ""); !slices.Equal(got, want) {
					t.Fatalf("%q reverse %v deleted %v: %d rows, want %d (or another order)", qs, rev, del, len(got), len(want))
				}
				all := view(rows, nil, order, &query{}, rev, del, 0, "")
				if len(all) < parallelRows {
					continue
				}
				want = view(rows, all, order, q, rev, del, 0, "")
				if got := viewParallel(rows, all, order, q, rev, del, 0, ""); !slices.Equal(got, want) {
					t.Fatalf("narrowed %q reverse %v deleted %v: %d rows, want %d", qs, rev, del, len(got), len(want))
				}
			}
		}
	}
}

// TestErasingShowsTheEarlierView: erasing a character shows the view the
// shorter query had, at once (no command to wait for), and equal to a
// fresh search; once the rows change, no old view is served.
func TestErasingShowsTheEarlierView(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	l := h.list()
	h.press("/")
	h.typeText("pay")
	pay := slices.Clone(h.listNames())
	h.typeText("m")
	if cmd := l.updateFilter(keyMsg("backspace")); l.viewBusy {
		t.Fatalf("erasing back to a known query waits for a search (cmd %v)", cmd != nil)
	}
	if got := h.listNames(); !slices.Equal(got, pay) || len(got) == 0 {
		t.Fatalf("after erasing: %v, want %v", got, pay)
	}
	// New rows: the remembered views are of the old ones.
	l.newGen()
	h.typeText("m")
	h.run(l.updateFilter(keyMsg("backspace")))
	if !slices.Equal(h.listNames(), pay) {
		t.Fatalf("after new rows: %v, want %v", h.listNames(), pay)
	}
	if _, ok := l.recent.get(viewKey{gen: l.gen - 1, shape: viewShape{key: l.sortKey}}, "pay"); ok {
		t.Error("a view of rows since replaced is still served")
	}
}
