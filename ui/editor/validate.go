package editor

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/diff"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// Validate checks a new secret string before it is saved. It returns an
// error for what Secrets Manager would reject — an empty value or one over
// 65,536 bytes — and warnings for what it would accept but is probably a
// mistake: text that starts like JSON and does not parse.
func Validate(value string) (warnings []string, err error) {
	if value == "" {
		return nil, fmt.Errorf("the value is empty: a secret string must be 1 to %d bytes", backend.MaxValueBytes)
	}
	if len(value) > backend.MaxValueBytes {
		return nil, fmt.Errorf("the value is %d bytes: a secret string must be at most %d bytes", len(value), backend.MaxValueBytes)
	}
	if t := strings.TrimSpace(value); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && !json.Valid([]byte(value)) {
		warnings = append(warnings, "the value looks like JSON but is not valid JSON: "+jsonError(value))
	}
	return warnings, nil
}

// ValidateEdit is Validate for a change to an existing value: it also
// warns when the old value was JSON and the new one is not, since
// applications that parse the secret would break.
func ValidateEdit(old, value string) (warnings []string, err error) {
	warnings, err = Validate(value)
	if err != nil {
		return nil, err
	}
	if isStructured(old) && !json.Valid([]byte(value)) && len(warnings) == 0 {
		warnings = append(warnings, "the old value was JSON and the new one is not valid JSON: "+jsonError(value))
	}
	return warnings, nil
}

// jsonError says where a value stops being JSON, without quoting it.
func jsonError(value string) string {
	var v any
	err := json.Unmarshal([]byte(value), &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	return "it does not parse"
}

// isStructured reports whether s is a JSON object or array: a bare number
// such as a PIN is valid JSON too, but turning it into text is no mistake.
func isStructured(s string) bool {
	t := strings.TrimSpace(s)
	return (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t))
}

// Summary says what an edit changes, for the confirmation before saving.
type Summary struct {
	// JSON is true when both values are JSON objects and the change is
	// counted in keys.
	JSON bool
	// Added, Removed and Changed list keys (JSON only), in diff order.
	Added, Removed, Changed []string
	// Lines is how many lines changed (text only): per run of changes, the
	// larger of lines removed and lines added.
	Lines int
}

// Unchanged reports whether the edit changes nothing.
func (s Summary) Unchanged() bool {
	return len(s.Added) == 0 && len(s.Removed) == 0 && len(s.Changed) == 0 && s.Lines == 0
}

// String is the summary as one line, keys sanitized for display; values
// never appear.
func (s Summary) String() string {
	if s.Unchanged() {
		return "no change"
	}
	if !s.JSON {
		if s.Lines == 1 {
			return "text changed, 1 line"
		}
		return fmt.Sprintf("text changed, %d lines", s.Lines)
	}
	var parts []string
	add := func(keys []string, what string) {
		if len(keys) == 0 {
			return
		}
		noun := "keys"
		if len(keys) == 1 {
			noun = "key"
		}
		quoted := make([]string, len(keys))
		for i, k := range keys {
			quoted[i] = escaped.Line(k).String()
		}
		parts = append(parts, fmt.Sprintf("%d %s %s (%s)", len(keys), noun, what, strings.Join(quoted, ", ")))
	}
	add(s.Added, "added")
	add(s.Removed, "removed")
	add(s.Changed, "changed")
	return strings.Join(parts, ", ")
}

// Summarize compares the old and the new value: keys added, removed and
// changed when both are JSON objects, changed lines otherwise.
func Summarize(old, new string) Summary {
	lines := diff.Values(old, new)
	var s Summary
	if len(lines) > 0 && lines[0].Kind == diff.KindKey || diff.IsObject(old) && diff.IsObject(new) {
		s.JSON = true
		for _, l := range lines {
			switch l.Op {
			case diff.Added:
				s.Added = append(s.Added, l.Key)
			case diff.Removed:
				s.Removed = append(s.Removed, l.Key)
			case diff.Changed:
				s.Changed = append(s.Changed, l.Key)
			}
		}
		return s
	}
	removed, added := 0, 0
	flush := func() {
		s.Lines += max(removed, added)
		removed, added = 0, 0
	}
	for _, l := range lines {
		switch l.Op {
		case diff.Removed:
			removed++
		case diff.Added:
			added++
		default:
			flush()
		}
	}
	flush()
	return s
}
