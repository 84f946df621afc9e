package ui

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

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

// TestNewRowsShareOneText: the rows of a batch keep every string exactly
// (case, non-ASCII, tags with any bytes), whether or not it shares its
// haystack's bytes.
func TestNewRowsShareOneText(t *testing.T) {
	ms := []backend.SecretMetadata{
		{Name: "prod/db", Description: "lower case", Tags: []backend.Tag{{Key: "env", Value: "prod"}}},
		{Name: "Prod/API", Description: "Mixed Case", Tags: []backend.Tag{{Key: "Team", Value: "Pay\x00ments"}, {Key: "", Value: ""}}},
		{Name: "straße/ÄPFEL", Description: "ünïcode ÖL", VersionIdsToStages: map[string][]string{
			"a": {backend.StageCurrent, "zeta"}, "b": {backend.StagePending, "alpha"}}},
		{Name: "x"},
	}
	rs := newRows(ms)
	for i, m := range ms {
		r := rs[i]
		if r.name != m.Name || r.desc != m.Description {
			t.Errorf("row %d: name %q desc %q, want %q %q", i, r.name, r.desc, m.Name, m.Description)
		}
		if got := unpackTags(r.tags, nil); !slices.Equal(got, m.Tags) && !(len(got) == 0 && len(m.Tags) == 0) {
			t.Errorf("row %d: tags %q, want %q", i, got, m.Tags)
		}
		want := strings.ToLower(m.Name) + "\n" + strings.ToLower(m.Description)
		for _, tg := range m.Tags {
			want += "\n" + strings.ToLower(tg.Key) + "=" + strings.ToLower(tg.Value)
		}
		if r.hay != want {
			t.Errorf("row %d: haystack %q, want %q", i, r.hay, want)
		}
	}
	if rs[2].custom != "alpha,zeta" || !rs[2].pending {
		t.Errorf("labels %q pending %v, want alpha,zeta and pending", rs[2].custom, rs[2].pending)
	}
	// A name already in lower case is its haystack's first bytes.
	if unsafe.StringData(rs[0].name) != unsafe.StringData(rs[0].hay) {
		t.Error("a lower-case name is stored twice")
	}
}
