package wire

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

func TestEpochSeconds(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1700000000, 0), "1700000000"},
		{time.Unix(1700000000, 5e8), "1700000000.500"},
		{time.Unix(1700000000, 123999999), "1700000000.123"},
		{time.Unix(-1, 5e8), "-1.500"},
	} {
		b, _ := json.Marshal(Time(c.t))
		if string(b) != c.want {
			t.Errorf("Time(%v) = %s, want %s", c.t, b, c.want)
		}
	}
}

func TestISO8601(t *testing.T) {
	zone := time.FixedZone("x", 2*3600)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2023, 8, 17, 15, 55, 25, 0, zone), "2023-08-17T15:55:25+02:00"},
		// Microseconds are shown when there are any, cut to milliseconds
		// as on the wire.
		{time.Date(2023, 8, 17, 15, 55, 25, 695_999_999, zone), "2023-08-17T15:55:25.695000+02:00"},
	} {
		// The CLI prints local time; compare in the zone the case is in.
		got := Time(c.t).Format(ISO8601)
		want, _ := time.Parse("2006-01-02T15:04:05.999999-07:00", c.want)
		parsed, err := time.Parse("2006-01-02T15:04:05.999999-07:00", got)
		if err != nil || !parsed.Equal(want) || len(got) != len(c.want) {
			t.Errorf("Format(%v) = %q, want %q in the local zone", c.t, got, c.want)
		}
	}
}

// TestOptionalMembers: members the service leaves out stay out, and
// "never tagged" differs from "every tag removed".
func TestOptionalMembers(t *testing.T) {
	for _, c := range []struct {
		m    backend.SecretMetadata
		want string
	}{
		{backend.SecretMetadata{Name: "n"}, `{"Name":"n"}`},
		{backend.SecretMetadata{Name: "n", Tags: []backend.Tag{}}, `{"Name":"n","Tags":[]}`},
		{backend.SecretMetadata{Name: "n", RotationRules: &backend.RotationRules{}}, `{"Name":"n","RotationEnabled":false,"RotationRules":{}}`},
		{backend.SecretMetadata{Name: "n", CreatedDate: time.Unix(1700000000, 0), Tags: []backend.Tag{{Key: "k"}}},
			`{"Name":"n","Tags":[{"Key":"k","Value":""}],"CreatedDate":1700000000}`},
	} {
		b, err := json.Marshal(DescribeSecret(&c.m))
		if err != nil || string(b) != c.want {
			t.Errorf("DescribeSecret(%+v) = %s, %v; want %s", c.m, b, err, c.want)
		}
	}
}
