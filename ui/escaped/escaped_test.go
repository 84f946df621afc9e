package escaped

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain ascii", "prod/db/password", "prod/db/password"},
		{"unicode kept", "café 東京 🔑", "café 東京 🔑"},
		{"backslash kept", `C:\temp`, `C:\temp`},
		{"clear screen CSI", "a\x1b[2Jb", `a\x1b[2Jb`},
		{"cursor home", "\x1b[H", `\x1b[H`},
		{"OSC 52 clipboard BEL", "\x1b]52;c;aGVsbG8=\x07", `\x1b]52;c;aGVsbG8=\x07`},
		{"OSC 52 clipboard ST", "\x1b]52;c;aGVsbG8=\x1b\\", `\x1b]52;c;aGVsbG8=\x1b\`},
		{"OSC 8 hyperlink", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil\x1b\click\x1b]8;;\x1b\`},
		{"title change", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"DCS", "\x1bP1$r\x1b\\", `\x1bP1$r\x1b\`},
		{"APC PM SOS", "\x1b_a\x1b^b\x1bXc", `\x1b_a\x1b^b\x1bXc`},
		{"bare CR", "safe\rEVIL", `safe\rEVIL`},
		{"CRLF in a line", "a\r\nb", `a\r\nb`},
		{"newline", "a\nb", `a\nb`},
		{"tab", "a\tb", `a\tb`},
		{"NUL and BEL", "\x00\x07", `\x00\x07`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI", "a\u009b2Jb", `a\u009b2Jb`},
		{"C1 OSC and ST", "\u009d0;x\u009c", `\u009d0;x\u009c`},
		{"NEL", "a\u0085b", `a\u0085b`},
		{"raw 8-bit CSI byte is invalid UTF-8", "a\x9b2J", `a\x9b2J`},
		{"invalid UTF-8", "ok\xff\xfe", `ok\xff\xfe`},
		{"truncated UTF-8", "caf\xc3", `caf\xc3`},
		{"replacement char itself kept", "a\uFFFDb", "a\uFFFDb"},
		{"RLO", "admin\u202Egnp.exe", `admin\u202egnp.exe`},
		{"LRE PDF", "\u202Ax\u202C", `\u202ax\u202c`},
		{"isolates", "\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`},
		{"LRM RLM ALM", "\u200E\u200F\u061C", `\u200e\u200f\u061c`},
		{"zero width space and joiner", "a\u200Bb\u200Dc", `a\u200bb\u200dc`},
		{"soft hyphen", "pass\u00ADword", `pass\u00adword`},
		{"BOM", "\uFEFFname", `\ufeffname`},
		{"line separator", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"tag character", "x\U000E0041", `x\U000e0041`},
		{"nbsp kept", "a\u00A0b", "a\u00A0b"},
		{"hangul filler", "adm\u3164in", `adm\u3164in`},
		{"hangul itself kept", "한국", "한국"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); string(got) != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"newline kept", "a\nb\n", "a\nb\n"},
		{"CRLF becomes a line break", "a\r\nb\r\n", "a\nb\n"},
		{"bare CR escaped", "a\rb\n", "a\\rb\n"},
		{"CR at end", "a\r", `a\r`},
		{"tab escaped", "k:\tv", `k:\tv`},
		{"ESC escaped on every line", "\x1b[31m\n\x1b]52;c;x\x07", "\\x1b[31m\n\\x1b]52;c;x\\x07"},
		{"bidi", "a\u202Eb\nc", "a\\u202eb\nc"},
		{"invalid", "\xffa\n", "\\xffa\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lines(tt.in); string(got) != tt.want {
				t.Errorf("Lines(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanStringIsNotCopied(t *testing.T) {
	for _, s := range []string{"prod/db/password", "café 東京 🔑", "two\nlines"} {
		f := Line
		if strings.Contains(s, "\n") {
			f = Lines
		}
		allocs := testing.AllocsPerRun(100, func() { _ = f(s) })
		if allocs != 0 {
			t.Errorf("%q: %v allocations, want 0", s, allocs)
		}
		if got := f(s); string(got) != s {
			t.Errorf("%q changed to %q", s, got)
		}
	}
}

// checkSafe asserts the guarantees callers rely on: nothing that a
// terminal acts on survives.
func checkSafe(t *testing.T, in, out string, keepNewline bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output for %q is not valid UTF-8: %q", in, out)
	}
	for i := 0; i < len(out); i++ {
		c := out[i]
		if (c < 0x20 && !(keepNewline && c == '\n')) || c == 0x7f {
			t.Fatalf("output for %q has byte %#x at %d: %q", in, c, i, out)
		}
	}
	for _, r := range out {
		if (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 {
			t.Fatalf("output for %q has rune %U: %q", in, r, out)
		}
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"", "plain", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x1b]8;;u\x1b\\t", "\r\n\t",
		"\u009b\u202e\u2066", "\xff\xc3", "a\u200db", "東京\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := string(Line(s))
		checkSafe(t, s, line, false)
		if strings.Contains(line, "\n") {
			t.Fatalf("Line(%q) kept a newline", s)
		}
		checkSafe(t, s, string(Lines(s)), true)
		// Sanitising is idempotent only on already-safe text, which the
		// output is: a second pass must change nothing.
		if again := Line(line); string(again) != line {
			t.Fatalf("Line is not stable on its own output: %q -> %q", line, again)
		}
	})
}

var sink Text

func BenchmarkLine(b *testing.B) {
	cases := map[string]string{
		"clean-ascii":   "prod/payments/stripe-api-key-0001",
		"clean-unicode": "Zahlungsdienst für Kunden in Köln – 東京",
		"hostile":       "evil\x1b]52;c;aGk=\x07name\u202e\r",
	}
	for name, s := range cases {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				sink = Line(s)
			}
		})
	}
}

// TestUnsafeRuneMatchesDefinition checks the fast range shortcuts in
// unsafeRune against the plain definition for every code point.
func TestUnsafeRuneMatchesDefinition(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		want := r < 0xa0 || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 ||
			r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0
		if got := unsafeRune(r); got != want {
			t.Errorf("unsafeRune(%U) = %v, want %v", r, got, want)
		}
	}
}

func TestPrintable8(t *testing.T) {
	// Every byte value in every position, against the plain definition.
	base := []byte("abcdefgh")
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			b := append([]byte(nil), base...)
			b[pos] = byte(c)
			want := true
			for _, x := range b {
				if x < 0x20 || x > 0x7e {
					want = false
				}
			}
			if got := printable8(string(b)); got != want {
				t.Errorf("printable8(%q) = %v, want %v", b, got, want)
			}
		}
	}
	// Two bytes that could interact through carries.
	for c := 0; c < 256; c++ {
		for d := 0; d < 256; d += 15 {
			b := []byte{byte(c), byte(d), 'a', 'a', 'a', 'a', 'a', 'a'}
			want := b[0] >= 0x20 && b[0] <= 0x7e && b[1] >= 0x20 && b[1] <= 0x7e
			if got := printable8(string(b)); got != want {
				t.Errorf("printable8(%q) = %v, want %v", b, got, want)
			}
		}
	}
}

func TestFrame(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "a\nb", "a\nb"},
		{"SGR kept", "\x1b[1;38;2;10;20;30mbold\x1b[0m\n\x1b[m", "\x1b[1;38;2;10;20;30mbold\x1b[0m\n\x1b[m"},
		{"SGR with colon subparameters kept", "\x1b[4:3mx", "\x1b[4:3mx"},
		{"OSC 52", "a\x1b]52;c;aGk=\x07b", `a\x1b]52;c;aGk=\x07b`},
		{"CSI other than SGR", "\x1b[2J\x1b[6n\x1b[?1049l", `\x1b[2J\x1b[6n\x1b[?1049l`},
		{"unterminated SGR", "x\x1b[31", `x\x1b[31`},
		{"lone ESC at the end", "x\x1b", `x\x1b`},
		{"CR and tab", "a\rb\tc", `a\rb\tc`},
		{"C1 and bidi next to SGR", "\x1b[7m\u009b\u202e\x1b[0m", "\x1b[7m\\u009b\\u202e\x1b[0m"},
		{"invalid UTF-8", "\x9bok", `\x9bok`},
		{"unicode kept", "café ✓ │ 東京", "café ✓ │ 東京"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Frame(tt.in); got != tt.want {
				t.Errorf("Frame(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzFrame(f *testing.F) {
	for _, s := range []string{"", "\x1b[1mx\x1b[0m", "\x1b]0;t\x07", "\x1b[31", "\u009b\n\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Frame(s)
		// With the SGR sequences taken out, what is left is safe text.
		var rest strings.Builder
		for i := 0; i < len(out); {
			if n := sgrLen(out[i:]); out[i] == 0x1b && n > 0 {
				i += n
				continue
			}
			rest.WriteByte(out[i])
			i++
		}
		checkSafe(t, s, rest.String(), true)
	})
}

func TestJoin(t *testing.T) {
	got := Join([]Text{Line("AWSCURRENT"), Line("x\x1b]0;t\x07")}, ", ")
	if want := `AWSCURRENT, x\x1b]0;t\x07`; string(got) != want {
		t.Errorf("Join = %q, want %q", got, want)
	}
	if Join(nil, ", ") != "" {
		t.Error("Join of nothing is not empty")
	}
}

// TestOnlyThisPackageMakesText keeps Text honest: outside this package a
// Text comes from Line, Lines or Join, or from an untyped constant the
// program wrote, never from converting a string, which would skip the
// escaping. It parses every source file of the console and the CLI.
func TestOnlyThisPackageMakesText(t *testing.T) {
	root := ".."
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Text" {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "escaped" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				return true // a constant the program wrote
			}
			t.Errorf("%s: converts a string to escaped.Text; use escaped.Line or escaped.Lines", fset.Position(call.Pos()))
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d files checked: the walk does not see the console's sources", checked)
	}
}

// BenchmarkFrame measures the last line of defence on a whole 120×40 frame
// styled with SGR sequences (every cell coloured, the worst case), as the
// console's View returns it.
func BenchmarkFrame(b *testing.B) {
	var sb strings.Builder
	for row := 0; row < 40; row++ {
		for col := 0; col < 12; col++ {
			sb.WriteString("\x1b[38;5;245mprod/pay-é\x1b[0m")
		}
		sb.WriteByte('\n')
	}
	frame := sb.String()
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if Frame(frame) != frame {
			b.Fatal("a clean frame changed")
		}
	}
}
