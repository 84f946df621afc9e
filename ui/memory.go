package ui

import "unsafe"

// memoryBase is what the console holds besides the list's rows: the
// program, the store's caches and a batch of the listing in flight. The
// heap may grow this far past the rows before the collector runs.
const memoryBase = 48 << 20

// listMemory sets the Go runtime's soft memory limit to follow the list.
// Left to GOGC alone the heap grows to twice what is live before each
// collection: 300,000 listed secrets hold about 115 MB and the console
// peaked at 330 MB while loading them. A limit of the rows plus
// memoryBase keeps the peak near what is live, and, recomputed as the
// rows come, never starves a larger store.
type listMemory struct {
	// limit sets the runtime's limit (debug.SetMemoryLimit); nil leaves
	// it alone (tests, or GOMEMLIMIT set by the operator).
	limit func(int64) int64
	// perRow is the running average of a row's bytes.
	perRow float64
	seen   int
}

// rowSize is what one row holds: the struct, with the room a growing
// slice keeps, and its text (a lower-case name shares its haystack's).
func rowSize(r *row) int {
	n := int(unsafe.Sizeof(*r))*5/4 + len(r.hay) + len(r.tags) + len(r.custom)
	if len(r.desc) > 0 && !sameText(r.desc, r.hay) {
		n += len(r.desc)
	}
	return n
}

// sameText reports whether s lies within t's bytes.
func sameText(s, t string) bool {
	sp, tp := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(t)))
	return sp >= tp && sp+uintptr(len(s)) <= tp+uintptr(len(t))
}

// fit learns the size of rows from a new batch and sets the limit for a
// list of total rows.
func (m *listMemory) fit(total int, batch []row) {
	if m == nil || m.limit == nil {
		return
	}
	if len(batch) > 0 {
		sum := 0
		for i := range batch {
			sum += rowSize(&batch[i])
		}
		m.perRow = (m.perRow*float64(m.seen) + float64(sum)) / float64(m.seen+len(batch))
		m.seen += len(batch)
	}
	m.limit(memoryBase + int64(m.perRow*float64(total)))
}
