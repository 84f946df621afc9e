package diff

import (
	"fmt"
	"strconv"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/secretary-sh/secretary/ui/escaped"
)

// Mask stands in for a value that is not revealed. It has a fixed width so
// it gives away nothing about the value's length.
const Mask = "••••••"

// Styles colour a rendered diff. The zero value draws plain text.
type Styles struct {
	Added, Removed, Changed, Unchanged lipgloss.Style
	// Key styles the key column of a JSON diff and the line numbers of a
	// text diff.
	Key lipgloss.Style
}

// Options control Render.
type Options struct {
	// Reveal shows the values; otherwise every value is Mask and the diff
	// says only which keys or lines changed.
	Reveal bool
	// Width truncates each line to this many cells; 0 means no limit.
	Width int
}

// Counts tallies a diff.
type Counts struct {
	Added, Removed, Changed, Unchanged int
}

// Count tallies lines by Op.
func Count(lines []Line) Counts {
	var c Counts
	for _, l := range lines {
		switch l.Op {
		case Added:
			c.Added++
		case Removed:
			c.Removed++
		case Changed:
			c.Changed++
		default:
			c.Unchanged++
		}
	}
	return c
}

// maxKeyWidth caps the key column so one long key does not push every
// value off a narrow screen.
const maxKeyWidth = 24

// Render draws a diff, one string per line: a marker (+ added, - removed,
// ~ changed, space unchanged), the key or line number, and the value(s) —
// masked unless opts.Reveal. Everything from the values is sanitized.
func Render(lines []Line, st Styles, opts Options) []string {
	keyWidth := 0
	for _, l := range lines {
		var w int
		if l.Kind == KindKey {
			w = ansi.StringWidth(escaped.Line(l.Key).String())
		} else {
			w = len(strconv.Itoa(max(l.OldLine, l.NewLine)))
		}
		keyWidth = max(keyWidth, w)
	}
	keyWidth = min(keyWidth, maxKeyWidth)

	value := func(s string) string {
		if !opts.Reveal {
			return Mask
		}
		return escaped.Line(s).String()
	}
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		var marker, label, body string
		var style lipgloss.Style
		switch l.Op {
		case Added:
			marker, style, body = "+", st.Added, value(l.New)
		case Removed:
			marker, style, body = "-", st.Removed, value(l.Old)
		case Changed:
			marker, style, body = "~", st.Changed, value(l.Old)+" → "+value(l.New)
		default:
			marker, style, body = " ", st.Unchanged, value(l.Old)
		}
		if l.Kind == KindKey {
			label = ansi.Truncate(escaped.Line(l.Key).String(), keyWidth, "…")
		} else {
			n := l.NewLine
			if l.Op == Removed {
				n = l.OldLine
			}
			label = strconv.Itoa(n)
		}
		pad := keyWidth - ansi.StringWidth(label)
		if l.Kind == KindText {
			label = fmt.Sprintf("%*s", keyWidth, label) // numbers align right
		} else {
			label += spaces(pad)
		}
		line := marker + " " + label + "  " + body
		if opts.Width > 0 {
			line = ansi.Truncate(line, opts.Width, "…")
		}
		// Style after truncating so the cut never lands inside a sequence.
		out = append(out, style.Render(line))
	}
	return out
}

func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
