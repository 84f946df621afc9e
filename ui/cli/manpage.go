package cli

import (
	"fmt"
	"sort"
	"strings"
)

// The manual pages and the command-line reference in docs/ are generated
// from the same command table that --help prints, so they cannot say
// something the binary does not accept. `go test ./ui/cli -run
// TestGeneratedDocs -update` rewrites them; the same test fails in CI when
// a committed copy is stale.

// generatedDocs returns every generated file, by path relative to the
// repository's root.
func generatedDocs() map[string]string {
	files := map[string]string{
		"docs/man/secretary.1": manMain(),
		"docs/reference.md":    referenceMarkdown(),
	}
	for _, c := range sortedCommands() {
		files["docs/man/secretary-"+c.name+".1"] = manCommand(c)
	}
	for shell, script := range completionScripts {
		files["docs/completion/secretary."+shell] = script
	}
	return files
}

func sortedCommands() []*command {
	table := commandTable()
	sort.Slice(table, func(i, j int) bool { return table[i].name < table[j].name })
	return table
}

// roff escapes text for a man page: a backslash, and a line starting with
// a dot or an apostrophe, would otherwise be read as requests.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// paramSynopsis is how a parameter is written in usage lines.
func paramSynopsis(p param) string {
	arg := "--" + p.name
	switch p.kind {
	case kBool:
		return arg + " | --no-" + p.name
	case kList:
		return arg + " VALUE..."
	default:
		if ch := paramChoices(p.name); ch != nil && p.name != "filters" {
			return arg + " " + strings.Join(ch, "|")
		}
		return arg + " VALUE"
	}
}

func manHeader(b *strings.Builder, name, summary string) {
	fmt.Fprintf(b, ".TH %s 1 \"\" \"secretary\" \"secretary manual\"\n", strings.ToUpper(name))
	fmt.Fprintf(b, ".SH NAME\n%s \\- %s\n", roff(name), roff(strings.TrimSuffix(summary, ".")))
}

func manParams(b *strings.Builder, params []param) {
	for _, p := range params {
		req := ""
		if p.required {
			req = " (required)"
		}
		fmt.Fprintf(b, ".TP\n.B %s\n%s%s\n", roff(paramSynopsis(p)), roff(p.help), req)
	}
}

func manMain() string {
	var b strings.Builder
	manHeader(&b, "secretary", "a terminal console and AWS-compatible CLI for secrets")
	b.WriteString(".SH SYNOPSIS\n.B secretary\n[\\fIoptions\\fR]\n.br\n.B secretary\n\\fIcommand\\fR [\\fIparameters\\fR]\n")
	b.WriteString(".SH DESCRIPTION\n" + roff(`secretary is a terminal console and a command line for secrets, on AWS
Secrets Manager or on an embedded encrypted store (one SQLite file) that
behaves the way Secrets Manager does. Without a command it opens the
console; with one it runs that command and exits.`) + "\n")
	b.WriteString(".SH COMMANDS\n")
	for _, c := range sortedCommands() {
		fmt.Fprintf(&b, ".TP\n.BR secretary\\-%s (1)\n%s\n", roff(c.name), roff(c.summary))
	}
	b.WriteString(".SH OPTIONS\nThese apply to every command and may stand before or after it.\n")
	manParams(&b, globalSpecs())
	b.WriteString(".SH ENVIRONMENT\n")
	for _, e := range [][2]string{
		{envStore, "the store file, as --store"},
		{envKeyFile, "unlock the store with this key file, as --key-file"},
		{envKey, "unlock the store with this key, base64 as a key file holds it (automation only: other processes of the same user can read the environment)"},
		{envPassphrase, "unlock the store with this passphrase (automation only, as above)"},
		{"NO_COLOR", "draw the console without colour"},
	} {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roff(e[0]), roff(e[1]))
	}
	b.WriteString(".SH EXIT STATUS\n" + roff(exitCodesText) + "\n")
	b.WriteString(".SH SEE ALSO\n" + roff("The documentation in the project's docs/ directory; aws(1) for the AWS CLI whose commands secretary answers.") + "\n")
	return b.String()
}

func manCommand(c *command) string {
	var b strings.Builder
	manHeader(&b, "secretary-"+c.name, c.summary)
	fmt.Fprintf(&b, ".SH SYNOPSIS\n.B secretary %s\n%s\n", roff(c.name), roff(c.usage))
	b.WriteString(".SH DESCRIPTION\n" + roff(c.summary) + "\n")
	if d := strings.TrimSpace(c.details); d != "" {
		// Indented lines are examples: keep their layout.
		b.WriteString(".PP\n.nf\n" + roff(d) + "\n.fi\n")
	}
	if len(c.params) > 0 {
		b.WriteString(".SH PARAMETERS\n")
		manParams(&b, c.params)
	}
	b.WriteString(".SH SEE ALSO\n.BR secretary (1)\n")
	return b.String()
}

// exitCodesText is the exit codes' description shared by --help and the
// manual.
const exitCodesText = `0 success, 1 a problem found by check or audit verify, 252 bad command line,
253 no store, cannot unlock, bad configuration or no AWS credentials, 254 the store returned an
error, 255 other errors, 130 interrupted (Ctrl-C, SIGTERM or a hang-up).`

func referenceMarkdown() string {
	var b strings.Builder
	b.WriteString("# Command reference\n\n")
	b.WriteString("Generated from the command table that `secretary --help` prints; do not edit by hand\n")
	b.WriteString("(`go test ./ui/cli -run TestGeneratedDocs -update` rewrites it). See\n")
	b.WriteString("[The command line](cli.md) for examples.\n\n")
	b.WriteString("## Global options\n\nThese apply to every command and may stand before or after it.\n\n")
	mdParams(&b, globalSpecs())
	for _, c := range sortedCommands() {
		fmt.Fprintf(&b, "\n## %s\n\n```\nsecretary %s %s\n```\n\n%s\n", c.name, c.name, c.usage, c.summary)
		if d := strings.TrimSpace(c.details); d != "" {
			fmt.Fprintf(&b, "\n```\n%s\n```\n", d)
		}
		if len(c.params) > 0 {
			b.WriteString("\n")
			mdParams(&b, c.params)
		}
	}
	b.WriteString("\n## Exit codes\n\n" + strings.ReplaceAll(exitCodesText, "\n", " ") + "\n")
	return b.String()
}

func mdParams(b *strings.Builder, params []param) {
	b.WriteString("| parameter | meaning |\n| --- | --- |\n")
	for _, p := range params {
		req := ""
		if p.required {
			req = " (required)"
		}
		fmt.Fprintf(b, "| `%s` | %s%s |\n", strings.ReplaceAll(paramSynopsis(p), "|", `\|`),
			strings.ReplaceAll(p.help, "|", `\|`), req)
	}
}

// writeAll writes files in a stable order (used by the -update path).
func writeAll(files map[string]string, write func(path, content string) error) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := write(p, files[p]); err != nil {
			return err
		}
	}
	return nil
}
