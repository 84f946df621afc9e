package cli

import (
	"bytes"
	"math"
	"sort"
	"strings"

	"golang.org/x/text/width"
)

// The AWS CLI's table output (--output table): the response as nested
// sections, each titled with its key, scalar members as columns under
// centred headers, lists of objects as rows. Widths follow the content;
// when the widest section is wider than the terminal (80 columns when
// stdout is not one), sections of one row are turned on their side (key |
// value) to save width.

type tableSection struct {
	title   string
	headers []string
	rows    [][]string
	indent  int
	widths  []int // the widest cell of each column, headers included
}

func (s *tableSection) note(cells []string) {
	if s.widths == nil {
		s.widths = make([]int, len(cells))
	}
	for i, c := range cells {
		if i < len(s.widths) {
			s.widths[i] = max(s.widths[i], textWidth(c))
		}
	}
}

func (s *tableSection) addHeader(h []string) { s.note(h); s.headers = h }

func (s *tableSection) addRow(cells []any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = pyStr(c)
	}
	s.note(row)
	s.rows = append(s.rows, row)
}

// textWidth counts East Asian wide, full-width and ambiguous characters as
// two columns, as the AWS CLI does.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			n += 2
		default:
			n++
		}
	}
	return n
}

// columnWidths scales the columns (content plus padding) to fill total,
// rounding half to even as Python's round() does and handing out what
// rounding left over from the left (too wide) or right (too narrow).
func (s *tableSection) columnWidths(padding, total int) []int {
	raw := make([]int, len(s.widths))
	sum := 0
	for i, w := range s.widths {
		raw[i] = w + padding
		sum += raw[i]
	}
	if total < 0 || len(raw) == 0 {
		return raw
	}
	scale := float64(total) / float64(sum)
	scaled := make([]int, len(raw))
	got := 0
	for i, w := range raw {
		scaled[i] = int(math.RoundToEven(scale * float64(w)))
		got += scaled[i]
	}
	for off := got - total; off != 0; {
		if off > 0 {
			for i := 0; i < len(scaled) && off != 0; i++ {
				scaled[i]--
				off--
			}
		} else {
			for i := len(scaled) - 1; i >= 0 && off != 0; i-- {
				scaled[i]++
				off++
			}
		}
	}
	return scaled
}

func (s *tableSection) totalWidth() int {
	total := 0
	for _, w := range s.columnWidths(0, -1) {
		total += w + 4
	}
	total += 2 + 2*s.indent
	return max(textWidth(s.title)+2+2*s.indent, total)
}

type table struct {
	sections []*tableSection
	cur      *tableSection
}

func (t *table) newSection(title string, indent int) {
	t.cur = &tableSection{title: title, indent: indent}
	t.sections = append(t.sections, t.cur)
}

// build adds v under title; it reports false for an empty value, which
// prints nothing.
func (t *table) build(title string, v any, indent int, titled bool) bool {
	if isEmptyValue(v) {
		return false
	}
	if titled {
		t.newSection(title, indent)
	}
	switch x := v.(type) {
	case []any:
		if _, ok := x[0].(object); ok {
			t.listOfObjects(x, indent, title)
			break
		}
		for _, e := range x {
			switch y := e.(type) {
			case []any:
				allScalar := true
				for _, z := range y {
					allScalar = allScalar && isScalar(z)
				}
				if allScalar {
					t.cur.addRow(y)
				} else {
					t.build("", y, 0, false)
				}
			case object:
				t.build("", y, 0, false)
			default:
				t.cur.addRow([]any{e})
			}
		}
	case object:
		t.object(x, indent)
	}
	return true
}

// isEmptyValue is Python's falsiness of a response value, which decides
// whether the table prints at all.
func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case int64:
		return x == 0
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	case object:
		return len(x) == 0
	}
	return false
}

func splitScalarKeys(o object) (scalars, nested []string) {
	for _, f := range o {
		if isScalar(f.val) {
			scalars = append(scalars, f.key)
		} else {
			nested = append(nested, f.key)
		}
	}
	sort.Strings(scalars)
	sort.Strings(nested)
	return scalars, nested
}

func (t *table) object(o object, indent int) {
	headers, nested := splitScalarKeys(o)
	switch {
	case len(headers) == 1:
		v, _ := o.get(headers[0])
		t.cur.addRow([]any{headers[0], v})
	case len(headers) > 1:
		t.cur.addHeader(headers)
		row := make([]any, len(headers))
		for i, h := range headers {
			row[i], _ = o.get(h)
		}
		t.cur.addRow(row)
	}
	for _, k := range nested {
		v, _ := o.get(k)
		t.build(k, v, indent+1, true)
	}
}

func (t *table) listOfObjects(list []any, indent int, title string) {
	hs, ns := map[string]bool{}, map[string]bool{}
	for _, e := range list {
		o, _ := e.(object)
		s, n := splitScalarKeys(o)
		for _, k := range s {
			hs[k] = true
		}
		for _, k := range n {
			ns[k] = true
		}
	}
	headers, nested := sortedKeys(hs), sortedKeys(ns)
	t.cur.addHeader(headers)
	for i, e := range list {
		o, _ := e.(object)
		if i > 0 && len(nested) > 0 {
			t.newSection(title, indent)
			t.cur.addHeader(headers)
		}
		row := make([]any, len(headers))
		for j, h := range headers {
			v, ok := o.get(h)
			if !ok {
				v = ""
			}
			row[j] = v
		}
		t.cur.addRow(row)
		for _, k := range nested {
			if v, ok := o.get(k); ok {
				t.build(k, v, indent+1, true)
			}
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (t *table) maxWidth() int {
	w := 0
	for _, s := range t.sections {
		w = max(w, s.totalWidth())
	}
	return w
}

// render writes the table for a terminal termWidth columns wide.
func (t *table) render(buf *bytes.Buffer, termWidth int) {
	w := t.maxWidth()
	if w > termWidth {
		for i, s := range t.sections {
			if len(s.rows) == 1 && len(s.headers) > 0 {
				v := &tableSection{title: s.title, indent: s.indent}
				for j, h := range s.headers {
					if j < len(s.rows[0]) {
						v.addRow([]any{h, s.rows[0][j]})
					}
				}
				t.sections[i] = v
			}
		}
		w = t.maxWidth()
	}
	buf.WriteString(strings.Repeat("-", w))
	buf.WriteByte('\n')
	for _, s := range t.sections {
		t.renderSection(buf, s, w)
	}
}

func (t *table) renderSection(buf *bytes.Buffer, s *tableSection, w int) {
	edge := strings.Repeat("|", s.indent)
	line := func(text string) {
		buf.WriteString(edge)
		buf.WriteString(text)
		buf.WriteString(edge)
		buf.WriteByte('\n')
	}
	w -= 2 * s.indent
	if s.title != "" {
		line(centre(s.title, w, "|", "|"))
		if len(s.headers) == 0 && len(s.rows) == 0 {
			line("+" + strings.Repeat("-", w-2) + "+")
		}
	}
	if len(s.headers) > 0 {
		widths := s.columnWidths(4, w)
		line(ruler(widths))
		var b strings.Builder
		for i, h := range s.headers {
			if i >= len(widths) {
				break
			}
			left := ""
			if i == 0 {
				left = "|"
			}
			b.WriteString(centre(h, widths[i], left, "|"))
		}
		line(b.String())
	}
	if len(s.rows) == 0 {
		return
	}
	widths := s.columnWidths(4, w)
	if len(widths) == 0 {
		return
	}
	line(ruler(widths))
	for _, row := range s.rows {
		var b strings.Builder
		for i, c := range row {
			if i >= len(widths) {
				break
			}
			left := ""
			if i == 0 {
				left = "|"
			}
			b.WriteString(alignLeft(c, widths[i], left, "|"))
		}
		line(b.String())
	}
	line(ruler(widths))
}

func ruler(widths []int) string {
	var b strings.Builder
	for i, w := range widths {
		if i == 0 {
			b.WriteString("+" + strings.Repeat("-", max(w-2, 0)) + "+")
		} else {
			b.WriteString(strings.Repeat("-", max(w-1, 0)) + "+")
		}
	}
	return b.String()
}

// centre places text in the middle of length columns between the edges;
// Python's floor division decides the odd column.
func centre(text string, length int, left, right string) string {
	n := textWidth(text)
	start := floorDiv(length, 2) - floorDiv(n, 2) - 1
	so := len(left) + start + n // as Python counts it, even when start < 0
	return left + strings.Repeat(" ", max(start, 0)) + text + strings.Repeat(" ", max(length-len(right)-so, 0)) + right
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// alignLeft pads text two columns from the left edge, or none when it
// does not fit.
func alignLeft(text string, length int, left, right string) string {
	n := textWidth(text)
	pad := 2
	if length-(n+2+len(left)+len(right)) < 0 {
		pad = 0
	}
	so := len(left) + pad + n
	return left + strings.Repeat(" ", pad) + text + strings.Repeat(" ", max(length-so-len(right), 0)) + right
}

// formatTable writes v as the AWS CLI's table formatter does, titled with
// the operation's name.
func formatTable(buf *bytes.Buffer, op string, v any, termWidth int) {
	var t table
	if t.build(op, v, 0, true) {
		t.render(buf, termWidth)
	}
}
