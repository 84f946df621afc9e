package ui

import (
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
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
