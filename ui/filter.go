package ui

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/secretary-sh/secretary/backend"
)

// query is a parsed filter. Every term ANDs with the others:
//
//   - words and "quoted phrases" match as case-insensitive substrings of
//     the name, description and tags; "!" excludes;
//   - name:, description:, tag-key:, tag-value: and all: are the AWS
//     ListSecrets filters, with their semantics ("name:a,b" ORs its
//     values, as in the AWS CLI);
//   - tag:key=value and its shorthand key=value need a tag with exactly
//     that key and value (any case);
//   - rotation:on|off|failing|pending and deleted select by state.
type query struct {
	words   []string
	negated []string
	filters []backend.Filter
	tags    []tagTerm
	// rotation is one of the rotation states, or "".
	rotation string
	// deleted shows only the secrets scheduled for deletion.
	deleted bool
	// hints are necessary conditions of the filters and tags on the
	// lowercased haystack: a row passes only if, for each group, the
	// haystack holds one of the strings. Checking them first spares most
	// rows the full match, whose tags must be unpacked.
	hints [][]string
	// terms says what was understood, one entry a term, for the header.
	terms []string
}

// tagTerm is tag:key=value, or with neg its negation.
type tagTerm struct {
	key, value string
	neg        bool
}

// Rotation states a filter can select.
const (
	rotationOn      = "on"
	rotationOff     = "off"
	rotationFailing = "failing"
	rotationPending = "pending"
)

// filterKey maps what the operator may type before ":" to an AWS filter key.
func filterKey(k string) (string, bool) {
	switch strings.ToLower(k) {
	case "name":
		return backend.FilterName, true
	case "description", "desc":
		return backend.FilterDescription, true
	case "tag-key":
		return backend.FilterTagKey, true
	case "tag-value":
		return backend.FilterTagValue, true
	case "all":
		return backend.FilterAll, true
	}
	return "", false
}

// token is one term as typed: quoted says it was a "phrase", which is
// always text, never a key:value.
type token struct {
	text   string
	neg    bool
	quoted bool
}

// tokenize splits s on blanks, keeping "quoted phrases" (and a value
// quoted after a key, as in name:"my app") whole.
func tokenize(s string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			return toks, nil
		}
		var t token
		if s[i] == '!' {
			t.neg = true
			i++
		}
		var b strings.Builder
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			if s[i] != '"' {
				b.WriteByte(s[i])
				i++
				continue
			}
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, errors.New(`a closing " is missing`)
			}
			if b.Len() == 0 {
				t.quoted = true
			}
			b.WriteString(s[i+1 : i+1+end])
			i += end + 2
		}
		t.text = b.String()
		if t.text == "" && !t.quoted {
			if t.neg {
				return nil, errors.New(`"!" needs something to exclude, as in !test`)
			}
			continue
		}
		toks = append(toks, t)
	}
}

// parseQuery reads what the operator typed. It returns an error saying
// what is wrong when the text is not a filter.
func parseQuery(s string) (query, error) {
	var q query
	toks, err := tokenize(s)
	if err != nil {
		return q, err
	}
	for _, t := range toks {
		if err := q.add(t); err != nil {
			return query{}, err
		}
	}
	return q, nil
}

func (q *query) add(t token) error {
	bang := ""
	if t.neg {
		bang = "!"
	}
	if !t.quoted {
		if k, v, ok := strings.Cut(t.text, ":"); ok {
			switch lk := strings.ToLower(k); {
			case lk == "rotation":
				if t.neg {
					return errors.New("rotation: cannot be negated; use rotation:off or rotation:on")
				}
				switch v = strings.ToLower(v); v {
				case rotationOn, rotationOff, rotationFailing, rotationPending:
				default:
					return fmt.Errorf("rotation: takes on, off, failing or pending, not %q", v)
				}
				if q.rotation != "" && q.rotation != v {
					return fmt.Errorf("rotation:%s and rotation:%s cannot both hold", q.rotation, v)
				}
				q.rotation = v
				q.terms = append(q.terms, "rotation:"+v)
				return nil
			case lk == "tag":
				tk, tv, ok := strings.Cut(v, "=")
				if !ok || tk == "" {
					return errors.New("tag: needs key=value, as in tag:env=prod")
				}
				q.addTag(tagTerm{key: tk, value: tv, neg: t.neg})
				return nil
			default:
				if key, known := filterKey(k); known {
					return q.addFilter(key, v, t.neg)
				}
			}
		}
		if t.text == "deleted" {
			if t.neg {
				return errors.New(`"!deleted" is the default: secrets scheduled for deletion are hidden unless x shows them`)
			}
			q.deleted = true
			q.terms = append(q.terms, "deleted")
			return nil
		}
		if k, v, ok := strings.Cut(t.text, "="); ok && k != "" {
			q.addTag(tagTerm{key: k, value: v, neg: t.neg})
			return nil
		}
	}
	w := strings.ToLower(t.text)
	if t.neg {
		q.negated = append(q.negated, w)
	} else {
		q.words = append(q.words, w)
	}
	q.terms = append(q.terms, bang+quote(t.text))
	return nil
}

func (q *query) addTag(t tagTerm) {
	q.tags = append(q.tags, t)
	if !t.neg {
		// Tags follow the name in the haystack, each on its own line.
		q.hints = append(q.hints, []string{"\n" + strings.ToLower(t.key) + "=" + strings.ToLower(t.value)})
	}
	bang := ""
	if t.neg {
		bang = "!"
	}
	q.terms = append(q.terms, bang+"tag "+quoteBare(t.key)+"="+quoteBare(t.value))
}

// addFilter adds an AWS filter; "!" before the key or the value negates.
func (q *query) addFilter(key, v string, neg bool) error {
	if strings.HasPrefix(v, "!") {
		neg, v = true, v[1:]
	}
	var vals, shown []string
	for _, x := range strings.Split(v, ",") {
		if x == "" {
			continue
		}
		shown = append(shown, quote(x))
		if neg {
			x = "!" + x
		}
		vals = append(vals, x)
	}
	if len(vals) == 0 {
		return fmt.Errorf("%s: needs a value, as in %s:prod", key, key)
	}
	q.filters = append(q.filters, backend.Filter{Key: key, Values: vals})
	if !neg {
		q.hints = append(q.hints, filterHints(key, vals)...)
	}
	op := "~" // words
	switch key {
	case backend.FilterName, backend.FilterTagKey, backend.FilterTagValue:
		op = "^" // prefix
	}
	bang := ""
	if neg {
		bang = "!"
	}
	q.terms = append(q.terms, bang+key+op+strings.Join(shown, "|"))
	return nil
}

// quote shows a value as Go would quote it: where it starts and ends is
// plain, and nothing in it can act on the terminal.
func quote(s string) string { return fmt.Sprintf("%q", s) }

// quoteBare quotes s only when it needs it, for the compact tag form.
func quoteBare(s string) string {
	if s != "" && utf8.ValidString(s) && !strings.ContainsAny(s, " \t\"=\\") && strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) < 0 {
		return s
	}
	return quote(s)
}

// filterHints derives haystack conditions from a positive filter. A name,
// tag-key or tag-value prefix, lowercased, is a substring of the
// haystack; so is every word of a description or all filter with a single
// value.
func filterHints(key string, vals []string) [][]string {
	switch key {
	case backend.FilterName, backend.FilterTagKey, backend.FilterTagValue:
		group := make([]string, len(vals))
		for i, v := range vals {
			group[i] = strings.ToLower(v)
		}
		return [][]string{group}
	case backend.FilterDescription, backend.FilterAll:
		if len(vals) != 1 {
			return nil
		}
		var out [][]string
		for _, w := range backend.SplitWords(vals[0]) {
			out = append(out, []string{strings.ToLower(w)})
		}
		return out
	}
	return nil
}

func (q *query) empty() bool {
	return len(q.words) == 0 && len(q.negated) == 0 && len(q.filters) == 0 && len(q.tags) == 0 &&
		q.rotation == "" && !q.deleted
}

// String is what the filter was understood as, for the header.
func (q *query) String() string { return strings.Join(q.terms, " ") }

// narrows reports whether every secret matching next also matches prev,
// so the previous result can be filtered instead of the whole inventory:
// each term of prev must be implied by a term of next. A longer word or
// name prefix implies a shorter one it extends; anything else only
// implies itself.
func narrows(prev, next *query) bool {
	if prev.rotation != "" && prev.rotation != next.rotation || prev.deleted != next.deleted {
		return false
	}
	for _, w := range prev.words {
		if !anyOf(next.words, func(x string) bool { return strings.Contains(x, w) }) {
			return false
		}
	}
	for _, w := range prev.negated {
		if !anyOf(next.negated, func(x string) bool { return x == w }) {
			return false
		}
	}
	for _, t := range prev.tags {
		if !anyOf(next.tags, func(x tagTerm) bool { return x == t }) {
			return false
		}
	}
	for _, f := range prev.filters {
		if !anyOf(next.filters, func(x backend.Filter) bool { return filterImplies(x, f) }) {
			return false
		}
	}
	return true
}

// filterImplies reports whether every secret passing a passes b.
func filterImplies(a, b backend.Filter) bool {
	if a.Key != b.Key || len(a.Values) != len(b.Values) {
		return false
	}
	prefix := a.Key == backend.FilterName || a.Key == backend.FilterTagKey || a.Key == backend.FilterTagValue
	for i, v := range a.Values {
		w := b.Values[i]
		switch {
		case v == w:
		case prefix && len(a.Values) == 1 && !strings.HasPrefix(w, "!") && strings.HasPrefix(v, w):
			// "name:prod/p" passes only names that also start "prod/".
		default:
			return false
		}
	}
	return true
}

func anyOf[T any](xs []T, ok func(T) bool) bool {
	for _, x := range xs {
		if ok(x) {
			return true
		}
	}
	return false
}

// whyEmpty says why a filter matched nothing, in one line: the matches
// are hidden as scheduled for deletion, a tag key does not exist, or
// which terms match on their own and how often. It runs only for an
// empty result, off the Update goroutine.
func whyEmpty(rows []row, text string, showDeleted bool, now int64) string {
	q, err := parseQuery(text)
	if err != nil || q.empty() {
		return ""
	}
	all := make([]int32, len(rows))
	for i := range all {
		all[i] = int32(i)
	}
	if !showDeleted && !q.deleted {
		if n := len(view(rows, all, nil, &q, false, true, now, "")); n > 0 {
			if n == 1 {
				return "1 match is scheduled for deletion: x shows it"
			}
			return comma(n) + " matches are scheduled for deletion: x shows them"
		}
	}
	var tags []backend.Tag
	for _, t := range q.tags {
		if t.neg {
			continue
		}
		key, pair := false, false
		for i := range rows {
			tags = unpackTags(rows[i].tags, tags[:0])
			for _, x := range tags {
				if strings.EqualFold(x.Key, t.key) {
					key = true
					if strings.EqualFold(x.Value, t.value) {
						pair = true
						break
					}
				}
			}
			if pair {
				break
			}
		}
		switch {
		case !key:
			return "no secret has tag key " + quote(t.key)
		case !pair:
			return "no secret has tag " + quoteBare(t.key) + "=" + quoteBare(t.value)
		}
	}
	toks, _ := tokenize(text)
	if len(toks) == 1 {
		return "no secret matches " + q.String()
	}
	parts := make([]string, 0, len(toks))
	for _, tok := range toks {
		var one query
		if one.add(tok) != nil {
			continue
		}
		n := len(view(rows, all, nil, &one, false, showDeleted, now, ""))
		parts = append(parts, one.String()+" ("+comma(n)+")")
	}
	return "no secret matches all of " + strings.Join(parts, " · ")
}
