package local

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzListingCopies checks the fast decoders against encoding/json on any
// input: same result when both accept, an error when encoding/json fails.
func FuzzListingCopies(f *testing.F) {
	for _, seed := range []string{
		`[]`, `{}`, `[[1,"team","t01"],[2,"k","v"]]`, `[[1,"quote\"d","tab\tv"]]`, `[[1,"k","\u001b[2J"]]`,
		`{"a":["AWSCURRENT","X"],"b":["AWSPREVIOUS"]}`, `{"a":[]}`, `{"a\\b":["L"]}`, `[[1,"k"]]`, `{"a":["x"]`, ` [ [ 3 , "a" , "b" ] ] `,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tags, err := decodeTags(b)
		var raw [][3]any
		if jerr := json.Unmarshal(b, &raw); jerr == nil && err == nil {
			if len(tags) != len(raw) {
				t.Fatalf("tags: %d vs %d", len(tags), len(raw))
			}
			for i, r := range raw {
				k, _ := r[1].(string)
				v, _ := r[2].(string)
				if tags[i].key != k || tags[i].value != v {
					t.Fatalf("tag %d: %+v vs %v", i, tags[i], r)
				}
			}
		} else if jerr != nil && err == nil && !json.Valid(b) {
			t.Fatalf("tags: accepted invalid JSON %q", b)
		}
		st, err := decodeStages(b)
		var want map[string][]string
		if jerr := json.Unmarshal(b, &want); jerr == nil && err == nil {
			for k, v := range want {
				if len(v) == 0 {
					want[k] = nil
				}
			}
			for k, v := range st {
				if len(v) == 0 {
					st[k] = nil
				}
			}
			if !reflect.DeepEqual(st, want) {
				t.Fatalf("stages: %v vs %v", st, want)
			}
		} else if jerr != nil && err == nil {
			t.Fatalf("stages: accepted %q that encoding/json rejects (%v)", b, jerr)
		}
	})
}
