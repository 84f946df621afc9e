package editor

import (
	"reflect"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	if _, err := Validate(""); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty: %v", err)
	}
	big := strings.Repeat("x", 65537)
	if _, err := Validate(big); err == nil || !strings.Contains(err.Error(), "65537 bytes") || !strings.Contains(err.Error(), "65536") {
		t.Errorf("too big: %v", err)
	}
	if w, err := Validate(strings.Repeat("x", 65536)); err != nil || len(w) != 0 {
		t.Errorf("at the limit: %v %v", w, err)
	}
	// Bytes, not characters: 21,846 three-byte runes are 65,538 bytes.
	if _, err := Validate(strings.Repeat("€", 21846)); err == nil {
		t.Error("size must be counted in bytes")
	}
	w, err := Validate(`{"user": "a", "password": "hunter2"`)
	if err != nil || len(w) != 1 || !strings.Contains(w[0], "not valid JSON") {
		t.Errorf("broken JSON: %v %v", w, err)
	}
	if strings.Contains(w[0], "hunter2") {
		t.Errorf("warning quotes the value: %q", w[0])
	}
	if w, err := Validate("plain password"); err != nil || len(w) != 0 {
		t.Errorf("plain: %v %v", w, err)
	}
}

func TestValidateEdit(t *testing.T) {
	w, err := ValidateEdit(`{"a":"b"}`, "oops")
	if err != nil || len(w) != 1 || !strings.Contains(w[0], "old value was JSON") {
		t.Errorf("JSON to text: %v %v", w, err)
	}
	// A PIN is valid JSON (a number); turning it into text is fine.
	if w, err := ValidateEdit("1234", "abcd"); err != nil || len(w) != 0 {
		t.Errorf("number to text: %v %v", w, err)
	}
	if w, err := ValidateEdit(`{"a":"b"}`, `{"a":"c"}`); err != nil || len(w) != 0 {
		t.Errorf("JSON to JSON: %v %v", w, err)
	}
	if _, err := ValidateEdit(`{"a":"b"}`, ""); err == nil {
		t.Error("empty accepted")
	}
}

func TestSummarize(t *testing.T) {
	s := Summarize(`{"user":"a","password":"x","old":"1"}`, `{"user":"a","password":"y","new":"2","other":3}`)
	want := Summary{JSON: true, Added: []string{"new", "other"}, Removed: []string{"old"}, Changed: []string{"password"}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v, want %+v", s, want)
	}
	if got := s.String(); got != "2 keys added (new, other), 1 key removed (old), 1 key changed (password)" {
		t.Errorf("String() = %q", got)
	}

	s = Summarize("a\nb\nc\nd\n", "a\nB\nc\nd\ne\nf\n")
	if s.JSON || s.Lines != 3 {
		t.Errorf("text: %+v", s)
	}
	if got := s.String(); got != "text changed, 3 lines" {
		t.Errorf("String() = %q", got)
	}
	if got := Summarize("pw1", "pw2").String(); got != "text changed, 1 line" {
		t.Errorf("one line: %q", got)
	}
	if s := Summarize(`{"a":1}`, `{ "a" : 1 }`); !s.Unchanged() || s.String() != "no change" {
		t.Errorf("reformatted JSON: %+v", s)
	}
	// Keys are drawn, so they are sanitized.
	if got := Summarize(`{}`, `{"x\u001b[2J":1}`).String(); strings.Contains(got, "\x1b") {
		t.Errorf("unsanitized key: %q", got)
	}
}
