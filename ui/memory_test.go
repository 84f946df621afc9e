package ui

import (
	"fmt"
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
