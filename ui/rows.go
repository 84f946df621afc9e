package ui

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"time"

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
	n := 0
	for _, t := range tags {
		n += 2*binary.MaxVarintLen64 + len(t.Key) + len(t.Value)
	}
	b := make([]byte, 0, n)
	for _, t := range tags {
		b = binary.AppendUvarint(b, uint64(len(t.Key)))
		b = append(b, t.Key...)
		b = binary.AppendUvarint(b, uint64(len(t.Value)))
		b = append(b, t.Value...)
	}
	return string(b)
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
	r := row{
		name:     m.Name,
		desc:     m.Description,
		tags:     packTags(m.Tags),
		created:  unix(m.CreatedDate),
		changed:  unix(m.LastChangedDate),
		accessed: unix(m.LastAccessedDate),
		next:     unix(m.NextRotationDate),
		deleted:  m.Deleted(),
		rotation: m.RotationEnabled,
		versions: int32(len(m.VersionIdsToStages)),
	}
	if r.deleted {
		// AWS does not report the deletion date. An estimate (the deleted
		// date plus the longest window) could promise an operator days
		// that a 7-day window does not give: unknown is shown as unknown.
		r.deleting = unix(m.DeletionDate)
	}
	var custom []string
	for _, stages := range m.VersionIdsToStages {
		cur, pend := false, false
		for _, s := range stages {
			switch s {
			case backend.StageCurrent:
				cur = true
			case backend.StagePending:
				pend = true
			case backend.StagePrevious:
			default:
				custom = append(custom, s)
			}
		}
		if pend && !cur {
			r.pending = true
		}
	}
	if len(custom) > 0 {
		sort.Strings(custom)
		r.custom = strings.Join(custom, ",")
	}
	var b strings.Builder
	b.Grow(len(m.Name) + len(m.Description) + 2)
	b.WriteString(strings.ToLower(m.Name))
	b.WriteByte('\n')
	b.WriteString(strings.ToLower(m.Description))
	for _, t := range m.Tags {
		b.WriteByte('\n')
		b.WriteString(strings.ToLower(t.Key))
		b.WriteByte('=')
		b.WriteString(strings.ToLower(t.Value))
	}
	r.hay = b.String()
	return r
}

func newRows(ms []backend.SecretMetadata) []row {
	rs := make([]row, len(ms))
	for i := range ms {
		rs[i] = newRow(&ms[i])
	}
	return rs
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
