package ui

import (
	"cmp"
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
	hay      string
	tags     []backend.Tag
	created  int64 // unix seconds; 0 when absent
	changed  int64
	accessed int64
	next     int64 // next rotation
	deleting int64 // deletion date, or the deleted date when unknown
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

func newRow(m *backend.SecretMetadata) row {
	r := row{
		name:     m.Name,
		desc:     m.Description,
		tags:     m.Tags,
		created:  unix(m.CreatedDate),
		changed:  unix(m.LastChangedDate),
		accessed: unix(m.LastAccessedDate),
		next:     unix(m.NextRotationDate),
		deleted:  m.Deleted(),
		rotation: m.RotationEnabled,
		versions: int32(len(m.VersionIdsToStages)),
	}
	if r.deleted {
		r.deleting = unix(m.DeletionDate)
		if r.deleting == 0 {
			// AWS does not report the deletion date; the deleted date plus
			// the default window is the best estimate, marked with "~".
			r.deleting = -unix(m.DeletedDate.AddDate(0, 0, 30))
		}
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
	}
	return "name"
}

// query is a parsed filter: plain words (matched as case-insensitive
// substrings of name, description and tags; "!" excludes) and AWS filters
// (name:, description:, tag-key:, tag-value:), which AND together.
type query struct {
	words   []string
	negated []string
	filters []backend.Filter
}

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

// parseQuery reads what the operator typed. "name:a,b" is one filter whose
// values OR together, as in the AWS CLI; separate tokens AND together.
func parseQuery(s string) query {
	var q query
	for _, tok := range strings.Fields(s) {
		neg := false
		body := tok
		if strings.HasPrefix(body, "!") {
			neg, body = true, body[1:]
		}
		if k, v, ok := strings.Cut(body, ":"); ok {
			if key, known := filterKey(k); known {
				if strings.HasPrefix(v, "!") {
					neg, v = true, v[1:]
				}
				var vals []string
				for _, x := range strings.Split(v, ",") {
					if x == "" {
						continue
					}
					if neg {
						x = "!" + x
					}
					vals = append(vals, x)
				}
				if len(vals) > 0 {
					q.filters = append(q.filters, backend.Filter{Key: key, Values: vals})
				}
				continue
			}
		}
		if body == "" {
			continue
		}
		if neg {
			q.negated = append(q.negated, strings.ToLower(body))
		} else {
			q.words = append(q.words, strings.ToLower(body))
		}
	}
	return q
}

func (q *query) empty() bool {
	return len(q.words) == 0 && len(q.negated) == 0 && len(q.filters) == 0
}

// narrows reports whether every secret matching next also matches prev, so
// the previous result can be filtered instead of the whole inventory. That
// holds when the operator only typed more plain text.
func narrows(prev, next string) bool {
	if !strings.HasPrefix(next, prev) {
		return false
	}
	return !strings.ContainsAny(next, "!:")
}

// view selects, filters and sorts the rows to show. from, when not nil, is
// the previous result to narrow instead of all rows (already sorted).
func view(rows []row, from []int32, q query, key int, reverse, showDeleted bool) []int32 {
	var scratch backend.SecretMetadata
	match := func(r *row) bool {
		if r.deleted && !showDeleted {
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
		if len(q.filters) > 0 {
			scratch.Name, scratch.Description, scratch.Tags = r.name, r.desc, r.tags
			if !backend.MatchFilters(&scratch, q.filters) {
				return false
			}
		}
		return true
	}
	if from != nil {
		out := make([]int32, 0, len(from))
		for _, i := range from {
			if match(&rows[i]) {
				out = append(out, i)
			}
		}
		return out
	}
	out := make([]int32, 0, len(rows))
	for i := range rows {
		if match(&rows[i]) {
			out = append(out, int32(i))
		}
	}
	sortView(rows, out, key, reverse)
	return out
}

func sortView(rows []row, v []int32, key int, reverse bool) {
	var cmpFn func(a, b int32) int
	byName := func(a, b int32) int { return strings.Compare(rows[a].name, rows[b].name) }
	// Dates sort newest first: that is what an operator looking for "what
	// changed last night" wants; reverse flips it.
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
		cmpFn = byDate(func(r *row) int64 { return r.changed })
	case sortAccessed:
		cmpFn = byDate(func(r *row) int64 { return r.accessed })
	case sortCreated:
		cmpFn = byDate(func(r *row) int64 { return r.created })
	default:
		cmpFn = byName
	}
	if key == sortName && rowsSortedByName(rows, v) {
		// The backend already lists by name: skip the sort.
	} else {
		slices.SortFunc(v, cmpFn)
	}
	if reverse {
		slices.Reverse(v)
	}
}

func rowsSortedByName(rows []row, v []int32) bool {
	for i := 1; i < len(v); i++ {
		if rows[v[i-1]].name > rows[v[i]].name {
			return false
		}
	}
	return true
}
