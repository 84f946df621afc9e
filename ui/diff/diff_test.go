package diff

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

func TestValuesJSON(t *testing.T) {
	old := `{"username":"app","password":"old-pw","port":5432,"opts":{"ssl":true},"legacy":"x"}`
	new := `{"username":"app","password":"new-pw","host":"db","port":"5432","opts":{ "ssl" : true },"extra":[1,2]}`
	got := Values(old, new)
	want := []Line{
		{Kind: KindKey, Op: Unchanged, Key: "username", Old: "app", New: "app"},
		{Kind: KindKey, Op: Changed, Key: "password", Old: "old-pw", New: "new-pw"},
		{Kind: KindKey, Op: Added, Key: "host", New: "db"},
		// a number that became a string changed, though it reads the same
		{Kind: KindKey, Op: Changed, Key: "port", Old: "5432", New: "5432"},
		// nested values compare as compact JSON: whitespace is no change
		{Kind: KindKey, Op: Unchanged, Key: "opts", Old: `{"ssl":true}`, New: `{"ssl":true}`},
		{Kind: KindKey, Op: Added, Key: "extra", New: `[1,2]`},
		{Kind: KindKey, Op: Removed, Key: "legacy", Old: "x"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestValuesJSONAddedFirstAndDuplicates(t *testing.T) {
	got := Values(`{"b":1,"b":2}`, `{"a":0,"b":2}`)
	want := []Line{
		{Kind: KindKey, Op: Added, Key: "a", New: "0"},
		{Kind: KindKey, Op: Unchanged, Key: "b", Old: "2", New: "2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestValuesFallsBackToText(t *testing.T) {
	for _, tc := range []struct{ old, new string }{
		{`{"a":1}`, `not json`},
		{`[1,2]`, `[1,3]`},              // arrays are not key/value secrets
		{`{"a":1} trailing`, `{"a":1}`}, // trailing data is not one object
	} {
		for _, l := range Values(tc.old, tc.new) {
			if l.Kind != KindText {
				t.Errorf("Values(%q, %q) gave a %v line", tc.old, tc.new, l.Kind)
			}
		}
	}
}

func TestValuesText(t *testing.T) {
	old := "line1\nline2\nline3\nline4\n"
	new := "line1\nLINE2\nline3\nline4\nline5\n"
	got := Values(old, new)
	want := []Line{
		{Kind: KindText, Op: Unchanged, Old: "line1", New: "line1", OldLine: 1, NewLine: 1},
		{Kind: KindText, Op: Removed, Old: "line2", OldLine: 2},
		{Kind: KindText, Op: Added, New: "LINE2", NewLine: 2},
		{Kind: KindText, Op: Unchanged, Old: "line3", New: "line3", OldLine: 3, NewLine: 3},
		{Kind: KindText, Op: Unchanged, Old: "line4", New: "line4", OldLine: 4, NewLine: 4},
		{Kind: KindText, Op: Added, New: "line5", NewLine: 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestValuesTextEdgeCases(t *testing.T) {
	if got := Values("", ""); len(got) != 0 {
		t.Errorf("empty: %+v", got)
	}
	got := Values("", "a\nb")
	if len(got) != 2 || got[0].Op != Added || got[1].Op != Added {
		t.Errorf("from empty: %+v", got)
	}
	got = Values("same", "same")
	if len(got) != 1 || got[0].Op != Unchanged {
		t.Errorf("same: %+v", got)
	}
}

// lcsLen is the textbook dynamic-programming LCS length, the reference
// the Myers search must match on small inputs.
func lcsLen(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// checkScript asserts the diff rebuilds both sides and is minimal.
func checkScript(t *testing.T, a, b []string) {
	t.Helper()
	got := lines(strings.Join(a, "\n"), strings.Join(b, "\n"))
	var ra, rb []string
	common := 0
	for _, l := range got {
		switch l.Op {
		case Unchanged:
			ra, rb = append(ra, l.Old), append(rb, l.New)
			common++
		case Removed:
			ra = append(ra, l.Old)
		case Added:
			rb = append(rb, l.New)
		}
	}
	if strings.Join(ra, "\n") != strings.Join(a, "\n") || strings.Join(rb, "\n") != strings.Join(b, "\n") {
		t.Fatalf("diff of %q and %q does not rebuild them: %+v", a, b, got)
	}
	if want := lcsLen(a, b); common != want {
		t.Fatalf("diff of %q and %q keeps %d lines, the LCS has %d", a, b, common, want)
	}
}

func TestMyersIsMinimal(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "b", "c", "d"}
	gen := func() []string {
		n := 1 + rng.Intn(12)
		out := make([]string, n)
		for i := range out {
			out[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return out
	}
	for i := 0; i < 2000; i++ {
		checkScript(t, gen(), gen())
	}
}

func TestMyersBeyondMaxEdits(t *testing.T) {
	// Two texts with nothing in common and more edits than the search
	// allows still give a correct (replace-everything) diff.
	var a, b []string
	for i := 0; i < maxEdits; i++ {
		a = append(a, "a"+string(rune('0'+i%10)))
		b = append(b, "b"+string(rune('0'+i%10)))
	}
	got := Values(strings.Join(a, "\n"), strings.Join(b, "\n"))
	n := map[Op]int{}
	for _, l := range got {
		n[l.Op]++
	}
	if n[Removed] != maxEdits || n[Added] != maxEdits || len(n) != 2 {
		t.Errorf("counts %v, want %d removed and %d added lines only", n, maxEdits, maxEdits)
	}
}

func FuzzValues(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add(`{"a":1}`, `{"a":2,"b":3}`)
	f.Fuzz(func(t *testing.T, old, new string) {
		got := Values(old, new)
		if IsObject(old) && IsObject(new) {
			return
		}
		var ra, rb []string
		for _, l := range got {
			if l.Op != Added {
				ra = append(ra, l.Old)
			}
			if l.Op != Removed {
				rb = append(rb, l.New)
			}
		}
		if !reflect.DeepEqual(ra, splitLines(old)) && !(len(ra) == 0 && len(splitLines(old)) == 0) {
			t.Fatalf("old side not rebuilt: %q vs %q", ra, splitLines(old))
		}
		if !reflect.DeepEqual(rb, splitLines(new)) && !(len(rb) == 0 && len(splitLines(new)) == 0) {
			t.Fatalf("new side not rebuilt: %q vs %q", rb, splitLines(new))
		}
	})
}

func BenchmarkValuesText(b *testing.B) {
	var a, c []string
	for i := 0; i < 1000; i++ {
		a = append(a, strings.Repeat("x", i%40))
		if i%10 == 0 {
			c = append(c, "changed")
		} else {
			c = append(c, strings.Repeat("x", i%40))
		}
	}
	old, new := strings.Join(a, "\n"), strings.Join(c, "\n")
	b.ReportAllocs()
	for b.Loop() {
		_ = Values(old, new)
	}
}

// Two encodings of one value are the same value: "\u003c" is "<". Only a
// key whose decoded value differs is changed.
func TestValuesCompareDecodedNotRawText(t *testing.T) {
	old := `{"host":"a","password":"p\u003cw\u003e\u0026","n":{"b":1,"a":"\u00e9"}}`
	new := `{"host":"b","password":"p<w>&","n":{"a":"é","b":1}}`
	got := map[string]Op{}
	for _, l := range Values(old, new) {
		got[l.Key] = l.Op
	}
	want := map[string]Op{"host": Changed, "password": Unchanged, "n": Unchanged}
	for k, op := range want {
		if got[k] != op {
			t.Errorf("%s: %v, want %v", k, got[k], op)
		}
	}
}
