package ui

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/secretary-sh/secretary/backend"
)

// row is what the list keeps of one secret: just enough to draw, filter and
// sort it. Full metadata (a map per secret) would cost several hundred MB at
// 100,000 secrets; this costs about a tenth.
type row struct {
	name, desc string
	// hay is the lowercased name, description and tags, searched by the
	// plain-text filter.
	hay string
	// tags holds the secret's tags packed by packTags: one string instead
	// of a slice of tag structs saves about 150 bytes a row, 15 MB at
	// 100,000 secrets.
	tags     string
	created  int64 // unix seconds; 0 when absent
	changed  int64
	accessed int64
	next     int64 // next rotation
	deleting int64 // deletion date, 0 when the store does not report it
	deleted  bool
	rotation bool
	pending  bool // a rotation is in progress (AWSPENDING on a non-current version)
	versions int32
	// custom holds the staging labels other than AWSCURRENT/AWSPREVIOUS/AWSPENDING.
	custom string
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// packTags packs tags into one string: each key and value preceded by its
// length as a uvarint, so any byte may appear in them.
func packTags(tags []backend.Tag) string {
	if len(tags) == 0 {
		return ""
	}
	return string(appendPackedTags(nil, tags))
}

func appendPackedTags(b []byte, tags []backend.Tag) []byte {
	for _, t := range tags {
		b = binary.AppendUvarint(b, uint64(len(t.Key)))
		b = append(b, t.Key...)
		b = binary.AppendUvarint(b, uint64(len(t.Value)))
		b = append(b, t.Value...)
	}
	return b
}

// unpackTags appends the tags packed in s to dst. Keys and values are
// substrings of s, so with room in dst nothing is allocated.
func unpackTags(s string, dst []backend.Tag) []backend.Tag {
	next := func() string {
		// A uvarint read straight from the string; packTags wrote it, so
		// a bad one only means the end.
		var n uint64
		w := 0
		for shift := 0; w < len(s) && shift < 64; shift += 7 {
			c := s[w]
			w++
			n |= uint64(c&0x7f) << shift
			if c < 0x80 {
				break
			}
		}
		if w == 0 || uint64(len(s)-w) < n {
			s = ""
			return ""
		}
		v := s[w : w+int(n)]
		s = s[w+int(n):]
		return v
	}
	for s != "" {
		k := next()
		v := next()
		dst = append(dst, backend.Tag{Key: k, Value: v})
	}
	return dst
}

func newRow(m *backend.SecretMetadata) row {
	return newRows([]backend.SecretMetadata{*m})[0]
}

// span is where one of a row's strings lies in its batch's text.
type span struct{ from, to int }

// rowSpans are a row's strings in its batch's text.
type rowSpans struct{ hay, name, desc, tags, custom span }

// newRows makes the rows of one batch of secrets. Every string of the
// batch (names, descriptions, packed tags, labels and the lowercased
// haystacks) lives in one allocation: at 300,000 secrets a string each
// cost a million small objects, their size-class rounding and the copies
// of the store's strings they kept alive. The haystacks come first, one
// after the other, so a filter reads memory in order; a name or
// description already in lower case is not stored twice but points into
// its haystack.
func newRows(ms []backend.SecretMetadata) []row {
	rs := make([]row, len(ms))
	sp := make([]rowSpans, len(ms))
	customs := make([]string, len(ms))
	size := 0
	for i := range ms {
		m := &ms[i]
		customs[i] = customLabels(m)
		size += 2*(len(m.Name)+len(m.Description)) + 2 + len(customs[i])
		for _, t := range m.Tags {
			size += 2*(len(t.Key)+len(t.Value)) + 2 + 2*binary.MaxVarintLen64
		}
	}
	buf := make([]byte, 0, size)
	for i := range ms {
		m := &ms[i]
		from := len(buf)
		buf = appendLower(buf, m.Name)
		buf = append(buf, '\n')
		buf = appendLower(buf, m.Description)
		for _, t := range m.Tags {
			buf = append(buf, '\n')
			buf = appendLower(buf, t.Key)
			buf = append(buf, '=')
			buf = appendLower(buf, t.Value)
		}
		sp[i].hay = span{from, len(buf)}
	}
	// own returns the span of s: inside the haystack at off when it
	// holds s as it is, else a copy appended to buf.
	own := func(s string, off int) span {
		if off+len(s) <= len(buf) && string(buf[off:off+len(s)]) == s {
			return span{off, off + len(s)}
		}
		from := len(buf)
		buf = append(buf, s...)
		return span{from, len(buf)}
	}
	for i := range ms {
		m := &ms[i]
		h := sp[i].hay.from
		sp[i].name = own(m.Name, h)
		sp[i].desc = own(m.Description, h+len(m.Name)+1)
		from := len(buf)
		buf = appendPackedTags(buf, m.Tags)
		sp[i].tags = span{from, len(buf)}
		from = len(buf)
		buf = append(buf, customs[i]...)
		sp[i].custom = span{from, len(buf)}
	}
	text := string(buf)
	at := func(s span) string { return text[s.from:s.to] }
	for i := range ms {
		m := &ms[i]
		r := &rs[i]
		*r = row{
			name:     at(sp[i].name),
			desc:     at(sp[i].desc),
			hay:      at(sp[i].hay),
			tags:     at(sp[i].tags),
			custom:   at(sp[i].custom),
			created:  unix(m.CreatedDate),
			changed:  unix(m.LastChangedDate),
			accessed: unix(m.LastAccessedDate),
			next:     unix(m.NextRotationDate),
			deleted:  m.Deleted(),
			rotation: m.RotationEnabled,
			versions: int32(len(m.VersionIdsToStages)),
		}
		if r.deleted {
			// AWS does not report the deletion date. An estimate (the
			// deleted date plus the longest window) could promise an
			// operator days that a 7-day window does not give: unknown is
			// shown as unknown.
			r.deleting = unix(m.DeletionDate)
		}
		for _, stages := range m.VersionIdsToStages {
			if slices.Contains(stages, backend.StagePending) && !slices.Contains(stages, backend.StageCurrent) {
				r.pending = true
			}
		}
	}
	return rs
}

// customLabels joins, sorted, the staging labels other than AWSCURRENT,
// AWSPREVIOUS and AWSPENDING.
func customLabels(m *backend.SecretMetadata) string {
	var custom []string
	for _, stages := range m.VersionIdsToStages {
		for _, s := range stages {
			switch s {
			case backend.StageCurrent, backend.StagePending, backend.StagePrevious:
			default:
				custom = append(custom, s)
			}
		}
	}
	if len(custom) == 0 {
		return ""
	}
	sort.Strings(custom)
	return strings.Join(custom, ",")
}

// appendLower appends s in lower case, as strings.ToLower has it.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// Sort keys of the list, in the order the sort key cycles through them.
const (
	sortName = iota
	sortChanged
	sortAccessed
	sortCreated
	sortRotation
	sortKeys
)

func sortLabel(key int) string {
	switch key {
	case sortChanged:
		return "last changed"
	case sortAccessed:
		return "last accessed"
	case sortCreated:
		return "created"
	case sortRotation:
		return "next rotation"
	}
	return "name"
}

// view selects and filters the rows to show, in display order. order
// holds every row sorted by the chosen key (see sortedOrder); from, when
// not nil, is the previous result to narrow instead (already in order).
// pin, when not empty, names a secret shown whatever the filter: the one
// just created. now decides which rotations are overdue.
func view(rows []row, from, order []int32, q *query, reverse, showDeleted bool, now int64, pin string) []int32 {
	var scratch backend.SecretMetadata
	var fs *backend.FilterSet
	if len(q.filters) > 0 {
		fs = backend.CompileFilters(q.filters)
	}
	var tags []backend.Tag
	match := func(r *row) bool {
		if pin != "" && r.name == pin {
			return true
		}
		if r.deleted && !showDeleted && !q.deleted || q.deleted && !r.deleted {
			return false
		}
		if q.rotation != "" && rotationState(r, now) != q.rotation && !(q.rotation == rotationOn && r.rotation) {
			return false
		}
		for _, w := range q.words {
			if !strings.Contains(r.hay, w) {
				return false
			}
		}
		for _, w := range q.negated {
			if strings.Contains(r.hay, w) {
				return false
			}
		}
		for _, group := range q.hints {
			hit := false
			for _, h := range group {
				if strings.Contains(r.hay, h) {
					hit = true
					break
				}
			}
			if !hit {
				return false
			}
		}
		if fs != nil {
			scratch.Name, scratch.Description = r.name, r.desc
			scratch.Tags = unpackTags(r.tags, scratch.Tags[:0])
			if !fs.Match(&scratch) {
				return false
			}
		}
		if len(q.tags) > 0 {
			tags = unpackTags(r.tags, tags[:0])
			for _, t := range q.tags {
				if hasTag(tags, t.key, t.value) == t.neg {
					return false
				}
			}
		}
		return true
	}
	src := from
	if src == nil {
		src = order
	}
	// Without a query nearly every row is shown: size for all of them
	// rather than grow through a dozen copies.
	capacity := min(len(src), 1024)
	if q.empty() {
		capacity = len(src)
	}
	out := make([]int32, 0, capacity)
	if from == nil && reverse {
		for i := len(src) - 1; i >= 0; i-- {
			if match(&rows[src[i]]) {
				out = append(out, src[i])
			}
		}
		return out
	}
	for _, i := range src {
		if match(&rows[i]) {
			out = append(out, i)
		}
	}
	return out
}

// hasTag reports whether tags hold key=value, in any case.
func hasTag(tags []backend.Tag, key, value string) bool {
	for _, t := range tags {
		if strings.EqualFold(t.Key, key) && strings.EqualFold(t.Value, value) {
			return true
		}
	}
	return false
}

// rotationState is what a rotation:… filter tests: pending while a
// rotation is under way, failing when rotation is on and its next date
// has passed (the scheduled rotation did not happen or did not finish),
// else on or off.
func rotationState(r *row, now int64) string {
	switch {
	case r.pending:
		return rotationPending
	case r.rotation && r.next != 0 && r.next < now:
		return rotationFailing
	case r.rotation:
		return rotationOn
	}
	return rotationOff
}

// sortedOrder returns the indexes of all rows sorted by key. Dates sort
// newest first: that is what an operator looking for "what changed last
// night" wants; reverse flips it.
func sortedOrder(rows []row, key int) []int32 {
	v := make([]int32, len(rows))
	for i := range v {
		v[i] = int32(i)
	}
	byName := func(a, b int32) int { return strings.Compare(rows[a].name, rows[b].name) }
	byDate := func(f func(*row) int64) func(a, b int32) int {
		return func(a, b int32) int {
			if c := cmp.Compare(f(&rows[b]), f(&rows[a])); c != 0 {
				return c
			}
			return byName(a, b)
		}
	}
	switch key {
	case sortChanged:
		slices.SortFunc(v, byDate(func(r *row) int64 { return r.changed }))
	case sortAccessed:
		slices.SortFunc(v, byDate(func(r *row) int64 { return r.accessed }))
	case sortCreated:
		slices.SortFunc(v, byDate(func(r *row) int64 { return r.created }))
	case sortRotation:
		// Soonest first: what rotates next is what an operator checks.
		// Secrets without a next rotation come last.
		slices.SortFunc(v, func(a, b int32) int {
			na, nb := rows[a].next, rows[b].next
			switch {
			case na == nb:
				return byName(a, b)
			case na == 0:
				return 1
			case nb == 0:
				return -1
			}
			return cmp.Compare(na, nb)
		})
	default:
		// The backend lists by name already; sort only if it did not.
		if !slices.IsSortedFunc(v, byName) {
			slices.SortFunc(v, byName)
		}
	}
	return v
}
