// Package escaped escapes strings that came from a secret store: every
// character a terminal would act on instead of drawing becomes a visible
// escape, so the text shows everything it holds and can only be drawn.
//
// Names, descriptions, tags, labels and values are chosen by whoever wrote
// the secret, not by the operator looking at it. Written to a terminal as
// they are, an ESC or a C1 control starts a sequence that can clear the
// screen, retitle the window, plant a hyperlink (OSC 8) or overwrite the
// clipboard (OSC 52); a bare CR or a bidi override can make one name look
// like another. Line and Lines replace every such character with a visible
// escape (\x1b, \r, \u202e, …) so the operator sees exactly what is stored
// and the terminal receives only printable text.
//
// The result is a Text, a type of its own, so code that draws can tell text
// that went through here from a raw string: concatenating a Text with a
// string variable does not compile, and converting a string to a Text
// outside this package is refused by a test of the console. Frame is the
// last line of defence: it escapes whatever a composed frame holds besides
// printable text, line breaks and the renderer's own colour sequences.
package escaped

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is a string that holds no control character (not even a line
// break, unless it came from Lines), no escape sequence and no invisible
// format character: it is safe to draw. Only Line and Lines make one;
// untyped constants written in the program convert to it implicitly.
type Text string

// String returns the text for a renderer that takes strings.
func (t Text) String() string { return string(t) }

const hexDigits = "0123456789abcdef"

// Line returns s for a single line of the display: every control character
// (C0, DEL, C1), newline, tab, carriage return, Unicode format character
// (bidi overrides and isolates, zero-width characters, …), line and
// paragraph separator and every byte of invalid UTF-8 is replaced by a
// visible escape. Escape sequences are neutralised by escaping their ESC
// (or 8-bit C1 introducer); the rest of the sequence stays visible, so
// "\x1b]52;c;…" shows as the text `\x1b]52;c;…`.
//
// A string that needs nothing is returned as is, without allocating.
func Line(s string) Text { return Text(clean(s, false)) }

// Lines is Line for multi-line values: '\n' (and "\r\n", drawn as '\n') is
// kept as a line break; everything else is escaped as Line does.
func Lines(s string) Text { return Text(clean(s, true)) }

// Join joins texts with a separator the program wrote, as strings.Join
// does, and the result is still safe to draw.
func Join(elems []Text, sep Text) Text {
	switch len(elems) {
	case 0:
		return ""
	case 1:
		return elems[0]
	}
	var b strings.Builder
	for i, e := range elems {
		if i > 0 {
			b.WriteString(string(sep))
		}
		b.WriteString(string(e))
	}
	return Text(b.String())
}

// Frame returns a whole composed frame (what a Bubble Tea View returns)
// with every byte a terminal would act on escaped, except line breaks and
// SGR sequences (ESC [ digits ; : m), which are the styling the renderer
// itself adds. Pages draw store strings through Line and Lines already;
// Frame makes sure that a string that missed them is shown as escapes
// instead of reaching the terminal. A frame that needs nothing is returned
// as is.
func Frame(s string) string {
	i := frameUnsafe(s, 0)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	start := 0
	for i >= 0 {
		b.WriteString(s[start:i])
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r < utf8.RuneSelf:
			writeByteEscape(&b, s[i])
			size = 1
		default:
			writeRuneEscape(&b, r)
		}
		start = i + size
		i = frameUnsafe(s, start)
	}
	b.WriteString(s[start:])
	return b.String()
}

// frameUnsafe returns the index of the first byte at or after from that
// Frame must escape, or -1.
func frameUnsafe(s string, from int) int {
	for i := from; i < len(s); {
		if s[i] == 0x1b {
			n := sgrLen(s[i:])
			if n == 0 {
				return i
			}
			i += n
			continue
		}
		j := firstUnsafe(s[i:], true)
		if j < 0 {
			return -1
		}
		if s[i+j] != 0x1b {
			return i + j
		}
		i += j
	}
	return -1
}

// sgrLen returns the length of the SGR sequence s starts with, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

func clean(s string, keepNewline bool) string {
	i := firstUnsafe(s, keepNewline)
	if i < 0 {
		return s
	}
	var b strings.Builder
	// Escapes are rare; a little headroom avoids regrowing for the usual one
	// or two of them.
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f {
				b.WriteByte(c)
				i++
				continue
			}
			if keepNewline {
				if c == '\n' {
					b.WriteByte('\n')
					i++
					continue
				}
				if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
					b.WriteByte('\n')
					i += 2
					continue
				}
			}
			writeByteEscape(&b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeByteEscape(&b, c)
		case unsafeRune(r):
			writeRuneEscape(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnsafe returns the index of the first byte that must be escaped, or
// -1 when s can be drawn as it is. The ASCII loop is the hot path: most
// names and descriptions never leave it.
func firstUnsafe(s string, keepNewline bool) int {
	for i := 0; i < len(s); {
		// Eight bytes at a time while they are all printable ASCII
		// (0x20–0x7e): the common case for names, descriptions and dates.
		for i+8 <= len(s) && printable8(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				if keepNewline && c == '\n' {
					i++
					continue
				}
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// printable8 reports whether all eight bytes of b are in 0x20–0x7e, with a
// few word operations instead of eight comparisons.
func printable8(b string) bool {
	x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	below := (x - ones*0x20) &^ x & highs  // some byte < 0x20
	above := ((x + ones*0x01) | x) & highs // some byte >= 0x7f
	return below|above == 0
}

// Escapes reports whether Line escapes r: a control character, or an
// invisible one a terminal would draw as nothing or use to reorder the line.
// Other encoders (the CLI's JSON) use it to escape the same set.
func Escapes(r rune) bool {
	if r < utf8.RuneSelf {
		return r < 0x20 || r == 0x7f
	}
	return unsafeRune(r)
}

// unsafeRune reports whether a non-ASCII rune must be escaped: C1 controls
// (a terminal in UTF-8 mode may still act on U+009B as CSI), format
// characters (category Cf: bidi controls, zero-width characters, BOM, tag
// characters), the line and paragraph separators, and the invisible Hangul
// fillers.
func unsafeRune(r rune) bool {
	switch {
	case r < 0xa0:
		return r >= 0x80
	case r < 0xad: // the first Cf code point is U+00AD
		return false
	case r == 0xad:
		return true
	case r < 0x600: // Latin, Greek, Cyrillic, Hebrew: no Cf until U+0600
		return false
	case r == 0x2028 || r == 0x2029:
		return true
	case isHangulFiller(r):
		return true
	case r > 0x206f && r < 0xfeff: // CJK and most scripts: no Cf in between
		return false
	}
	return unicode.Is(unicode.Cf, r)
}

// isHangulFiller reports the Hangul fillers: letters by category, but they
// draw as nothing, which makes them a favourite for look-alike names.
func isHangulFiller(r rune) bool {
	return r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0
}

func writeByteEscape(b *strings.Builder, c byte) {
	switch c {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		b.WriteString(`\x`)
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
}

func writeRuneEscape(b *strings.Builder, r rune) {
	if r > 0xffff {
		b.WriteString(`\U`)
		for shift := 28; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(r>>shift)&0xf])
		}
		return
	}
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&0xf])
	}
}
