package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

func TestPackedTagsRoundTrip(t *testing.T) {
	long := strings.Repeat("x", 300) // a length that takes two varint bytes
	for _, tags := range [][]backend.Tag{
		nil,
		{{Key: "env", Value: "prod"}},
		{{Key: "", Value: ""}, {Key: "k\x00\xff", Value: long}, {Key: "ü✓", Value: "v"}},
	} {
		got := unpackTags(packTags(tags), nil)
		if len(got) != len(tags) {
			t.Fatalf("%q: unpacked %q", tags, got)
		}
		for i := range tags {
			if got[i] != tags[i] {
				t.Fatalf("%q: unpacked %q", tags, got)
			}
		}
	}
	// Unpacking into a slice with room allocates nothing: the filter does
	// it for every row.
	packed := packTags([]backend.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "payments"}})
	buf := make([]backend.Tag, 0, 8)
	if n := testing.AllocsPerRun(100, func() { buf = unpackTags(packed, buf[:0]) }); n != 0 {
		t.Fatalf("unpackTags allocated %v times", n)
	}
}

// A row never promises a later recovery deadline than the real one: the
// deletion date when the store reports it, and "unknown" when it does not
// (AWS reports only DeletedDate; guessing the 30-day maximum showed a
// deadline three weeks late for a 7-day window).
func TestDeletionDateIsKnownOrSaidUnknown(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	l := h.list()
	deleted := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	cells := make([]escaped.Text, len(listColumns()))
	for _, tc := range []struct {
		deletion time.Time
		want     string
	}{
		{deleted.AddDate(0, 0, 7), "del 12-09"},
		{time.Time{}, "del date?"},
	} {
		r := newRow(&backend.SecretMetadata{Name: "x", DeletedDate: deleted, DeletionDate: tc.deletion})
		l.cells(cells, &r, deleted.Unix())
		if cells[4].String() != tc.want {
			t.Errorf("deletion %v: cell %q, want %q", tc.deletion, cells[4], tc.want)
		}
	}
}
