package ui

import (
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// copyMenu handles the key that follows the menu key: it copies what the
// key names, or closes the menu.
func (d *detailPage) copyMenu(msg tea.KeyMsg) tea.Cmd {
	k := d.c.keys.copyMenu
	d.copying = false
	m := d.meta
	switch {
	case key.Matches(msg, k.Value):
		return d.copyValue()
	case key.Matches(msg, k.Name):
		return copyText(d.name, "name of "+line(d.name))
	case key.Matches(msg, k.ARN):
		return copyText(m.ARN, "ARN of "+line(d.name))
	case key.Matches(msg, k.Get):
		cmd := "secretary " + awsFlags(d.c.info) + "get " + shellWord(d.name)
		what := "get command for " + line(d.name)
		if p := d.selectedPath(); p != "" {
			cmd += " --field " + shellWord(p)
			what = "get command for " + line(p) + " of " + line(d.name)
		}
		return copyText(cmd, what)
	case key.Matches(msg, k.AWS):
		return copyText("aws secretsmanager get-secret-value --secret-id "+shellWord(m.ARN), "aws command for "+line(d.name))
	case key.Matches(msg, k.URL):
		u, ok := consoleURL(d.c.info.Kind, m.ARN, d.c.info.Region, d.name)
		if !ok {
			return flash("the AWS console URL exists only for a secret on AWS (--backend aws)", true)
		}
		return copyText(u, "AWS console URL of "+line(d.name))
	}
	return flash("nothing copied", false)
}

// awsFlags are the global flags that point a copied secretary command at
// the AWS account the console shows, so it runs as copied; none for the
// local store.
func awsFlags(info backend.Info) string {
	if info.Kind != "aws" {
		return ""
	}
	f := "--backend aws "
	if info.Location != "" && info.Location != "default" {
		f += "--profile " + shellWord(info.Location) + " "
	}
	if info.Region != "" {
		f += "--region " + shellWord(info.Region) + " "
	}
	if info.Endpoint != "" {
		f += "--endpoint-url " + shellWord(info.Endpoint) + " "
	}
	return f
}

// selectedPath is the path of the field under the cursor, when the value
// shows its fields.
func (d *detailPage) selectedPath() string {
	if d.table() && d.cursor < len(d.fields) {
		return d.fields[d.cursor].Path
	}
	return ""
}

// copyText copies text that is not a secret (a name, an ARN, a command)
// through the same clipboard path, and status, as a value.
func copyText(s string, what escaped.Text) tea.Cmd {
	return navigate(copyTextMsg{text: s, what: what})
}

// arnRegion is the region field of an ARN.
var arnRegion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^arn:[^:]+:secretsmanager:([^:]+):`) })

// consoleURL is the secret's page in the AWS console, in the secret's own
// region (from its ARN, else the backend's).
func consoleURL(kind, arn, region, name string) (string, bool) {
	if kind != "aws" {
		return "", false
	}
	if m := arnRegion().FindStringSubmatch(arn); m != nil {
		region = m[1]
	}
	if region == "" {
		return "", false
	}
	q := url.Values{}
	q.Set("name", name)
	q.Set("region", region)
	// Values.Encode sorts the keys, which puts name first as the console
	// writes it.
	return "https://" + url.PathEscape(region) + ".console.aws.amazon.com/secretsmanager/secret?" + q.Encode(), true
}

// safeWord is what a POSIX shell takes as one word without quotes.
var safeWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`) })

// shellWord quotes s for a POSIX shell when it needs it, so a copied
// command runs as shown whatever the name holds.
func shellWord(s string) string {
	if safeWord().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
