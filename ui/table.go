package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// column is one column of a virtualised table. Fixed columns keep their
// width; flexible ones share what is left, and a flexible column narrower
// than min is dropped rather than drawn unreadably thin.
type column struct {
	title string
	width int
	flex  int
	min   int
}

// layout returns the width of each column for a total width; a width of 0
// means the column is hidden. Columns are separated by one space.
func layout(cols []column, total int) []int {
	widths := make([]int, len(cols))
	shown := make([]bool, len(cols))
	for i := range cols {
		shown[i] = true
	}
	for {
		fixed, flex, n := 0, 0, 0
		for i, col := range cols {
			if !shown[i] {
				continue
			}
			n++
			fixed += col.width
			flex += col.flex
		}
		room := total - fixed - max(0, n-1)
		if flex == 0 && room >= 0 {
			for i, col := range cols {
				if shown[i] {
					widths[i] = col.width
				}
			}
			return widths
		}
		// When even the fixed widths do not fit, drop fixed columns from
		// the right; the first column (the name) always stays.
		if room < 0 {
			dropped := false
			for i := len(cols) - 1; i > 0; i-- {
				if shown[i] && cols[i].flex == 0 {
					shown[i] = false
					dropped = true
					break
				}
			}
			if !dropped {
				widths[0] = max(1, total)
				return widths
			}
			continue
		}
		// Then drop flexible columns that would be too thin to read.
		dropped := false
		left := room
		for i := len(cols) - 1; i > 0; i-- {
			if shown[i] && cols[i].flex > 0 && cols[i].width+room*cols[i].flex/flex < cols[i].min {
				shown[i] = false
				dropped = true
				break
			}
		}
		if dropped {
			continue
		}
		lastFlex := -1
		for i, col := range cols {
			widths[i] = 0
			if !shown[i] {
				continue
			}
			widths[i] = col.width
			if col.flex > 0 {
				w := room * col.flex / flex
				widths[i] += w
				left -= w
				lastFlex = i
			}
		}
		if lastFlex >= 0 {
			widths[lastFlex] += left
		}
		return widths
	}
}

// fit truncates or pads s (which may hold styling) to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// truncate cuts s to at most w cells.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// joinCells lays cells out in the given widths, skipping hidden columns.
// Cells are escaped text: a table cell is where store strings are drawn.
func joinCells(cells []escaped.Text, widths []int) string {
	var b strings.Builder
	first := true
	for i, c := range cells {
		if widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(fit(c.String(), widths[i]))
	}
	return b.String()
}

// scroll keeps cursor inside a window of height rows starting at offset.
// When the cursor leaves the window, the window jumps to put it in the
// middle rather than creeping one row at a time: every scrolled frame is
// a full repaint (the renderer diffs by line), and on a slow link holding
// j should cost one repaint per half page, not one per row.
func scroll(cursor, offset, height, n int) int {
	if height <= 0 || n == 0 {
		return 0
	}
	if cursor < offset || cursor >= offset+height {
		offset = cursor - height/2
	}
	if offset > n-height {
		offset = n - height
	}
	return max(0, offset)
}

// contentWidths returns how wide the name and description columns need
// to be for the rows of v: the 95th percentile of their lengths in bytes
// (a cheap upper bound of their width in cells), so a few very long
// names do not take the room every description could use. A deleted
// row's name carries two more for its mark.
func contentWidths(rows []row, v []int32) (name, desc int) {
	const maxLen = 256
	var names, descs [maxLen + 1]int32
	for _, i := range v {
		r := &rows[i]
		n := len(r.name)
		if r.deleted {
			n += 2
		}
		names[min(n, maxLen)]++
		descs[min(len(r.desc), maxLen)]++
	}
	return percentile(names[:], len(v), 95), percentile(descs[:], len(v), 95)
}

// percentile returns the smallest length at least p percent of the n
// counted lengths fit in.
func percentile(hist []int32, n, p int) int {
	want := (n*p + 99) / 100
	seen := 0
	for l, c := range hist {
		seen += int(c)
		if seen >= want && seen > 0 {
			return l
		}
	}
	return 0
}

// shareByContent splits the width layout gave two flexible columns a and
// b by what they hold: each gets what it needs when both fit; otherwise
// a (the name, what rows are told apart by) gets what it needs up to
// half, or more when b needs less, and b the rest; neither goes below
// its minimum. The space neither needs goes to b.
func shareByContent(widths []int, a, b int, needA, needB, minA, minB int) {
	pool := widths[a] + widths[b]
	if widths[a] == 0 || widths[b] == 0 || needA+needB == 0 {
		return
	}
	wa := needA
	if needA+needB > pool {
		wa = max(min(needA, pool/2), pool-needB)
	}
	wa = max(minA, min(wa, pool-minB))
	widths[a], widths[b] = wa, pool-wa
}
