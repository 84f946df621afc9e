package e2e

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// Payloads a hostile writer of a secret might plant. Each carries a marker
// so its bytes cannot be confused with the console's own drawing (which
// uses CSI sequences of its own, clear screen included).
const (
	clearScreen = "\x1b[2JCLEAR-MARK"
	osc52       = "\x1b]52;c;UFdORUQtQ0xJUA==\x07"      // base64 "PWNED-CLIP"
	osc8        = "\x1b]8;;http://evil.example/x\x1b\\" // hyperlink start, ST-terminated
	title       = "\x1b]0;PWNED-TITLE\x07"
	bareCR      = "spoofed\rCR-MARK"
	c1CSI       = "\u009b2JC1-MARK"
	bidi        = "admin\u202egnp.exe"
	labelOSC52  = "\x1b]52;c;TEFCRUwtQ0xJUA==\x07" // base64 "LABEL-CLIP"
)

// TestEscapeSequencesNeverReachTheTerminal seeds a secret whose
// description, staging label and value hold escape sequences (tags refuse
// them), shows it in the list, the detail page (value revealed, as a table
// and raw) and the version history, and checks the bytes the console wrote
// to its pty.
func TestEscapeSequencesNeverReachTheTerminal(t *testing.T) {
	s := newStore(t)
	// Names cannot carry them: Secrets Manager allows only letters, digits
	// and /_+=.@- — the CLI must refuse, and nothing is created.
	if _, err := s.try("create-secret", "--name", "evil"+title, "--secret-string", "x"); err == nil {
		t.Fatal("a name with an escape sequence was accepted")
	}

	// Nor can tags: AWS's pattern for tag keys and values allows letters,
	// numbers, spaces and _.:/=+-@ only.
	for _, tag := range []map[string]string{
		{"Key": "owner" + osc8, "Value": "team"},
		{"Key": "owner", "Value": "team" + osc52},
		{"Key": "cr", "Value": bareCR},
		{"Key": "bidi", "Value": bidi},
	} {
		bad, _ := json.Marshal([]map[string]string{tag})
		if _, err := s.try("create-secret", "--name", "hostile/tagged", "--tags", string(bad), "--secret-string", "x"); err == nil {
			t.Fatalf("tag %q was accepted", tag)
		}
	}

	description := "desc " + title + clearScreen + " " + c1CSI + " " + bidi
	tags, _ := json.Marshal([]map[string]string{{"Key": "owner", "Value": "team"}})
	value, _ := json.Marshal(map[string]string{
		"user":     "app" + osc52,
		"password": bareCR + clearScreen,
		"link":     osc8 + "click" + title,
	})
	s.cli(t, "create-secret", "--name", "hostile/one", "--description", description,
		"--tags", string(tags), "--secret-string", string(value))
	// Staging labels accept any character, as in Secrets Manager: any
	// access key can plant one.
	s.cli(t, "put-secret-value", "--secret-id", "hostile/one", "--secret-string", string(value),
		"--version-stages", "AWSCURRENT", "blue"+labelOSC52+title+bidi)
	s.cli(t, "create-secret", "--name", "hostile/text", "--description", "plain text value",
		"--secret-string", "line1 "+title+"\n"+bareCR+"\n"+osc52+c1CSI)
	s.cli(t, "put-secret-value", "--secret-id", "hostile/text", "--secret-string", "v2 "+clearScreen+osc8)

	tm := start(t, s, 120, 40)
	scr := tm.WaitFor(15*time.Second, "hostile/one", "hostile/text")
	// The list shows the description with visible escapes.
	if !strings.Contains(scr, `desc \x1b]0;PWNED`) {
		t.Errorf("list does not show the escaped description:\n%s", tmuxtest.Frame(scr))
	}

	// Detail of the JSON secret, value revealed as a table, then raw.
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "arn:aws:secretsmanager:", `\x1b]0;PWNED-TITLE\x07`)
	// The Labels line and the VALUE header show the label escaped.
	tm.WaitFor(10*time.Second, `blue\x1b]52;c;TEFCRUwtQ0xJUA==\x07`)
	tm.Keys("r")
	scr = tm.WaitFor(10*time.Second, `app\x1b]52;c;UFdORUQtQ0xJUA==\x07`)
	for _, want := range []string{`spoofed\rCR-MARK`, `\u202e`} {
		if !strings.Contains(scr, want) {
			t.Errorf("detail does not show %q:\n%s", want, tmuxtest.Frame(scr))
		}
	}
	tm.Keys("f")
	tm.WaitFor(10*time.Second, `{"link":`)
	// The version history of the text secret, its value revealed.
	tm.Keys("Escape", "Down", "Enter")
	tm.WaitFor(10*time.Second, "plain text value")
	tm.Keys("r")
	tm.WaitFor(10*time.Second, `v2 \x1b[2JCLEAR-MARK`)
	tm.Keys("v")
	tm.WaitFor(10*time.Second, "AWSPREVIOUS")
	tm.Keys("Down", "Enter")
	tm.WaitFor(10*time.Second, "r reveals")
	tm.Keys("r")
	tm.WaitFor(10*time.Second, `line1 \x1b]0;PWNED-TITLE`)

	raw := tm.raw()
	// The capture works and holds the hostile fields, drawn as text.
	for _, drawn := range []string{`\x1b]0;PWNED-TITLE\x07`, `\x1b]52;c;UFdORUQtQ0xJUA==`, `spoofed\rCR-MARK`} {
		if !bytes.Contains(raw, []byte(drawn)) {
			t.Fatalf("the pty capture (%d bytes) lacks %q: it is not capturing what was drawn", len(raw), drawn)
		}
	}
	for name, seq := range map[string]string{
		"clear screen": clearScreen, "OSC 52": "\x1b]52;", "OSC 8 hyperlink": "\x1b]8;",
		"title change": "\x1b]0;", "bare CR": "\rCR-MARK", "C1 CSI": "\u009b", "bidi override": "\u202e",
		"BEL": "\x07",
	} {
		if i := bytes.Index(raw, []byte(seq)); i >= 0 {
			lo, hi := max(i-40, 0), min(i+40, len(raw))
			t.Errorf("%s reached the terminal: %q", name, raw[lo:hi])
		}
	}
	// What tmux made of the stream: no title, no clipboard buffer.
	if got := strings.TrimSpace(tm.Tmux("display-message", "-p", "-t", tm.Target(), "#{pane_title}")); strings.Contains(got, "PWNED") {
		t.Errorf("the pane title was changed to %q", got)
	}
	if bufs := strings.TrimSpace(tm.Tmux("list-buffers")); bufs != "" {
		t.Errorf("something reached the clipboard (tmux buffers): %q", bufs)
	}
	if esc := tm.ScreenEscapes(); strings.Contains(esc, "\x1b]8;") || strings.Contains(esc, "PWNED-TITLE\x07") {
		t.Errorf("the screen holds a hyperlink or title sequence: %q", esc)
	}
}
