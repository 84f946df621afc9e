package backend

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ListSecrets filter matching, as AWS does it:
//
//   - name: prefix of the whole name, case-sensitive, no word splitting;
//   - description: every word of the value is a case-insensitive prefix of a
//     word of the description;
//   - tag-key, tag-value: prefix of some tag's key (value), case-sensitive;
//   - primary-region, owning-service: prefix, case-sensitive;
//   - all: like description, against the name, the description, each tag key
//     and each tag value (the words must all be found in one of them).
//
// A value starting with "!" negates: it matches the secrets the value
// without "!" does not match (for tags: no tag matches). Values within a
// filter OR together; filters AND together.

// MatchFilters reports whether a secret passes every filter (filters AND
// together; values within one filter OR; "!" negates). It allocates
// nothing, so it can be called for every secret of a large listing; a
// FilterSet saves re-splitting the values' words when the same filters are
// matched many times.
func MatchFilters(m *SecretMetadata, filters []Filter) bool {
	for _, f := range filters {
		matched := false
		for _, v := range f.Values {
			negate, p := strings.HasPrefix(v, "!"), v
			if negate {
				p = v[1:]
			}
			if matchRaw(m, f.Key, p) != negate {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

// matchRaw is compiledFilter.hit for a value whose words are not split yet.
func matchRaw(m *SecretMetadata, key, p string) bool {
	switch key {
	case FilterDescription:
		return rawWordsMatch(p, m.Description)
	case FilterAll:
		if rawWordsMatch(p, m.Name) || rawWordsMatch(p, m.Description) {
			return true
		}
		for _, t := range m.Tags {
			if rawWordsMatch(p, t.Key) || rawWordsMatch(p, t.Value) {
				return true
			}
		}
		return false
	}
	f := compiledFilter{key: key}
	return f.hit(m, &compiledValue{prefix: p})
}

// rawWordsMatch is wordsMatch for a pattern given as text: every word of
// pattern must be a case-insensitive prefix of a word of attr.
func rawWordsMatch(pattern, attr string) bool {
	if attr == "" {
		return false
	}
	// The pattern's words, as substrings in a stack buffer: filter values
	// rarely have more than a few words.
	var buf [8]string
	words := buf[:0]
	eachWord(pattern, func(w string) bool {
		words = append(words, w)
		return true
	})
	if len(words) == 0 {
		return false
	}
	if len(words) > 64 {
		lower := make([]string, len(words))
		for i, w := range words {
			lower[i] = strings.ToLower(w)
		}
		return wordsMatch(lower, attr)
	}
	var found uint64
	all := uint64(1)<<len(words) - 1
	if len(words) == 64 {
		all = ^uint64(0)
	}
	eachWord(attr, func(w string) bool {
		for i, p := range words {
			if found&(1<<i) == 0 && hasPrefixFoldBoth(w, p) {
				found |= 1 << i
			}
		}
		return found != all
	})
	return found == all
}

// hasPrefixFoldBoth reports whether w starts with p, ignoring the case of
// both.
func hasPrefixFoldBoth(w, p string) bool {
	if isASCII(p) && isASCII(w) {
		return len(p) <= len(w) && strings.EqualFold(w[:len(p)], p)
	}
	return strings.HasPrefix(strings.ToLower(w), strings.ToLower(p))
}

// FilterSet is a list of filters prepared once for matching many secrets:
// the values' words are split up front.
type FilterSet struct {
	filters []compiledFilter
}

type compiledFilter struct {
	key    string
	values []compiledValue
}

type compiledValue struct {
	negate bool
	prefix string   // the value without "!"
	words  []string // its words, lower-cased (description and all)
}

// CompileFilters prepares filters for Match. It does not validate them (see
// ValidateFilters); an unknown key matches nothing.
func CompileFilters(filters []Filter) *FilterSet {
	fs := &FilterSet{filters: make([]compiledFilter, 0, len(filters))}
	for _, f := range filters {
		cf := compiledFilter{key: f.Key, values: make([]compiledValue, 0, len(f.Values))}
		for _, v := range f.Values {
			cv := compiledValue{prefix: v}
			if strings.HasPrefix(v, "!") {
				cv.negate, cv.prefix = true, v[1:]
			}
			if f.Key == FilterDescription || f.Key == FilterAll {
				for _, w := range SplitWords(cv.prefix) {
					cv.words = append(cv.words, strings.ToLower(w))
				}
			}
			cf.values = append(cf.values, cv)
		}
		fs.filters = append(fs.filters, cf)
	}
	return fs
}

// Match reports whether m passes every filter of the set. An empty set
// matches everything.
func (fs *FilterSet) Match(m *SecretMetadata) bool {
	for i := range fs.filters {
		if !fs.filters[i].match(m) {
			return false
		}
	}
	return true
}

func (f *compiledFilter) match(m *SecretMetadata) bool {
	for i := range f.values {
		v := &f.values[i]
		if f.hit(m, v) != v.negate {
			return true
		}
	}
	return false
}

// hit reports whether the value (without its "!") matches the secret.
func (f *compiledFilter) hit(m *SecretMetadata, v *compiledValue) bool {
	switch f.key {
	case FilterName:
		return strings.HasPrefix(m.Name, v.prefix)
	case FilterDescription:
		return wordsMatch(v.words, m.Description)
	case FilterTagKey:
		for _, t := range m.Tags {
			if strings.HasPrefix(t.Key, v.prefix) {
				return true
			}
		}
		return false
	case FilterTagValue:
		for _, t := range m.Tags {
			if strings.HasPrefix(t.Value, v.prefix) {
				return true
			}
		}
		return false
	case FilterPrimaryRegion:
		return m.PrimaryRegion != "" && strings.HasPrefix(m.PrimaryRegion, v.prefix)
	case FilterOwningService:
		return m.OwningService != "" && strings.HasPrefix(m.OwningService, v.prefix)
	case FilterAll:
		if wordsMatch(v.words, m.Name) || wordsMatch(v.words, m.Description) {
			return true
		}
		for _, t := range m.Tags {
			if wordsMatch(v.words, t.Key) || wordsMatch(v.words, t.Value) {
				return true
			}
		}
		return false
	}
	return false
}

// wordsMatch reports whether every pattern word (lower-cased) is a
// case-insensitive prefix of some word of attr. A pattern without words
// (empty, or only punctuation) matches nothing, as in AWS.
func wordsMatch(pattern []string, attr string) bool {
	if len(pattern) == 0 || attr == "" {
		return false
	}
	if len(pattern) > 64 {
		// More words than the bit set holds: check them one by one.
		for _, p := range pattern {
			if !wordsMatch([]string{p}, attr) {
				return false
			}
		}
		return true
	}
	var found uint64
	all := uint64(1)<<len(pattern) - 1
	if len(pattern) == 64 {
		all = ^uint64(0)
	}
	eachWord(attr, func(w string) bool {
		for i, p := range pattern {
			if found&(1<<i) == 0 && hasPrefixFold(w, p) {
				found |= 1 << i
			}
		}
		return found != all
	})
	return found == all
}

// hasPrefixFold reports whether w starts with the lower-case prefix p,
// ignoring case.
func hasPrefixFold(w, p string) bool {
	if isASCII(p) && isASCII(w) {
		if len(p) > len(w) {
			return false
		}
		for i := 0; i < len(p); i++ {
			c := w[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != p[i] {
				return false
			}
		}
		return true
	}
	// Case folding can change byte lengths outside ASCII.
	return strings.HasPrefix(strings.ToLower(w), p)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// SplitWords splits s the way AWS does for the "all" and "description"
// filters: on case changes, letter/digit boundaries and punctuation.
// "credsDatabase#892" gives creds, Database, 892; "HTTPServer" gives HTTP,
// Server.
func SplitWords(s string) []string {
	var words []string
	eachWord(s, func(w string) bool {
		words = append(words, w)
		return true
	})
	return words
}

type runeClass int

const (
	classSep runeClass = iota
	classLower
	classUpper
	classDigit
)

func classify(r rune) runeClass {
	if r < utf8.RuneSelf {
		switch {
		case r >= 'a' && r <= 'z':
			return classLower
		case r >= 'A' && r <= 'Z':
			return classUpper
		case r >= '0' && r <= '9':
			return classDigit
		}
		return classSep
	}
	switch {
	case unicode.IsUpper(r) || unicode.IsTitle(r):
		return classUpper
	case unicode.IsLetter(r):
		// Lower case and letters without case (e.g. CJK) both continue a
		// word the same way.
		return classLower
	case unicode.IsDigit(r):
		return classDigit
	}
	return classSep
}

// eachWord calls fn with each word of s (substrings of s, so nothing is
// allocated) until fn returns false.
func eachWord(s string, fn func(string) bool) {
	start := -1 // start of the current word, -1 between words
	prev := classSep
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		c := classify(r)
		boundary := false
		switch {
		case c == classSep:
			boundary = true
		case prev == classSep:
		case c == classDigit && prev != classDigit, c != classDigit && prev == classDigit:
			boundary = true
		case c == classUpper && prev == classLower:
			boundary = true
		case c == classLower && prev == classUpper && start >= 0:
			// "HTTPServer": the upper-case letter before the lower-case one
			// starts a new word, so the run before it ("HTTP") ends there.
			_, psize := utf8.DecodeLastRuneInString(s[:i])
			if i-psize > start {
				if !fn(s[start : i-psize]) {
					return
				}
				start = i - psize
			}
		}
		if boundary && start >= 0 {
			if !fn(s[start:i]) {
				return
			}
			start = -1
		}
		if c != classSep && start < 0 {
			start = i
		}
		prev = c
		i += size
	}
	if start >= 0 {
		fn(s[start:])
	}
}
