package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strconv"
	"strings"

	"github.com/secretary-sh/secretary/ui/escaped"
	"golang.org/x/term"
)

// outputFormats are --output's choices, in the AWS CLI's order (its error
// for a bad choice lists them so).
var outputFormats = []string{"json", "text", "table", "yaml", "yaml-stream"}

// outputChoiceError words a bad --output as the AWS CLI does: the choices
// two to a line, each padded to 40 columns.
func outputChoiceError() error {
	var lines []string
	for i := 0; i < len(outputFormats); i += 2 {
		var cells []string
		for _, c := range outputFormats[i:min(i+2, len(outputFormats))] {
			cells = append(cells, c+strings.Repeat(" ", max(40-len(c), 0)))
		}
		lines = append(lines, strings.Join(cells, " | "))
	}
	return &outputUsageError{msg: "argument --output: Invalid choice, valid choices are:\n\n" + strings.Join(lines, "\n") + "\n"}
}

// outputUsageError is a bad --output or --query: a usage error (exit 252)
// whose message spans lines (choices, a caret under the expression). A
// bare one is printed without the usage banner, as the AWS CLI prints a
// bad --query.
type outputUsageError struct {
	msg  string
	bare bool
}

func (e *outputUsageError) Error() string { return e.msg }

// printer is how one invocation prints responses: --output, --query and
// the operation's name (the title of a table).
type printer struct {
	format string
	query  *query
	op     string
}

// print writes one response: the query applied, then the format.
func (a *app) print(v any) error {
	doc := plainValue(v)
	if a.out.query != nil {
		var err error
		if doc, err = a.out.query.search(doc); err != nil {
			return err
		}
	}
	return a.write(doc)
}

// streams reports whether a list may be written as it arrives: only JSON
// of the whole response can be, since a query or another format needs all
// of it first.
func (a *app) streams() bool { return a.out.format == "json" && a.out.query == nil }

func (a *app) write(doc any) error {
	var buf bytes.Buffer
	switch a.out.format {
	case "text":
		formatText(&buf, doc)
	case "table":
		formatTable(&buf, a.out.op, doc, a.termWidth())
	case "yaml", "yaml-stream":
		// For one response a stream is a list of that one response.
		if o, ok := doc.(object); ok && len(o) == 0 {
			return nil
		}
		if a.out.format == "yaml-stream" {
			doc = []any{doc}
		}
		formatYAML(&buf, doc)
	default:
		// An operation without output prints nothing, as the CLI does for
		// an empty object; other empty values are printed.
		if o, ok := doc.(object); ok && len(o) == 0 {
			return nil
		}
		encodeValue(&buf, doc, 0)
		buf.WriteByte('\n')
	}
	out := buf.Bytes()
	if (a.out.format == "text" || a.out.format == "table") && a.stdoutTerminal() != nil {
		out = terminalSafe(out)
	}
	_, err := a.stdout.Write(out)
	return err
}

// terminalSafe escapes what would drive a terminal (ESC, other controls,
// C1) in text or table output shown on one; tabs and line breaks, which
// are the formats' own layout, stay. Piped output keeps every byte as the
// AWS CLI writes it, since `--output text --query SecretString` is how
// scripts read a value. JSON escapes controls itself and YAML
// double-quotes them.
func terminalSafe(out []byte) []byte {
	fields := strings.Split(string(out), "\t")
	for i, f := range fields {
		fields[i] = escaped.Lines(f).String()
	}
	return []byte(strings.Join(fields, "\t"))
}

// stdoutTerminal is stdout when it is a terminal, else nil.
func (a *app) stdoutTerminal() *os.File {
	if f, ok := a.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return f
	}
	return nil
}

// termWidth is the width the table fits into: the terminal's when stdout
// is one, else 80 as for the AWS CLI.
func (a *app) termWidth() int {
	if f := a.stdoutTerminal(); f != nil {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 80
}

// pagingArgs are the AWS CLI's pagination parameters of a paginated
// command.
type pagingArgs struct {
	startingToken string
	maxItems      int
}

func pagingParams() []param {
	return []param{
		{name: "starting-token", kind: kString, help: "continue from the NextToken an earlier --max-items run printed"},
		{name: "page-size", kind: kInt, help: "items asked for per call (the CLI still fetches every page)"},
		{name: "max-items", kind: kInt, help: "print at most this many items, and a NextToken to continue from"},
	}
}

// page is one response of a paginated operation: its result list, the
// other members (kept from the first page only, as the AWS CLI does), and
// the service's token for the next page.
type page struct {
	items []any
	rest  object
	next  string
}

// resumeToken is the AWS CLI's own pagination token (botocore's): base64 of
// JSON holding the service's token and how many items of that page were
// already printed. Using the same form lets a token printed by either
// program continue in the other.
type resumeToken struct {
	NextToken          *string `json:"NextToken"`
	BotoTruncateAmount *int    `json:"boto_truncate_amount,omitempty"`
}

func encodeResume(token string, truncate int) string {
	var b bytes.Buffer
	b.WriteString(`{"NextToken": `)
	if token == "" {
		b.WriteString("null")
	} else {
		encodeString(&b, token)
	}
	if truncate > 0 {
		b.WriteString(`, "boto_truncate_amount": `)
		b.WriteString(strconv.Itoa(truncate))
	}
	b.WriteByte('}')
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// decodeResume reads a --starting-token. A token that is not the CLI's own
// form is passed to the service as it is, as the AWS CLI does, so a raw
// NextToken from --no-paginate or --max-results works too.
func decodeResume(s string) (token string, skip int) {
	if s == "" {
		return "", 0
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	var t resumeToken
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		err = dec.Decode(&t)
	}
	if err != nil || (t.BotoTruncateAmount != nil && *t.BotoTruncateAmount < 0) {
		return s, 0
	}
	if t.NextToken != nil {
		token = *t.NextToken
	}
	if t.BotoTruncateAmount != nil {
		skip = *t.BotoTruncateAmount
	}
	return token, skip
}

// checkPaging refuses pagination arguments that cannot apply, in the AWS
// CLI's words.
func checkPaging(a *app, args *args) error {
	var given []string
	for _, p := range pagingParams() {
		if args.has(p.name) {
			given = append(given, "--"+p.name)
		}
	}
	if a.cfg.NoPaginate && len(given) > 0 {
		return &outputUsageError{msg: "Cannot specify --no-paginate along with pagination arguments: " + strings.Join(given, ", "), bare: true}
	}
	if n, ok := args.ints["max-items"]; ok && n < 1 {
		return usagef("argument --max-items: %d is not a number of items; give 1 or more", n)
	}
	if n, ok := args.ints["page-size"]; ok && n < 1 {
		return usagef("argument --page-size: %d is not a page size; give 1 or more", n)
	}
	return nil
}

// printPaged fetches every page from the starting token on, stops after
// maxItems items, and prints the result as the AWS CLI does: JSON, table
// and YAML (and their --query) see the pages merged into one response;
// text prints, and queries, each page on its own.
func (a *app) printPaged(ctx context.Context, resultKey string, p pagingArgs, fetch func(ctx context.Context, token string) (page, error)) error {
	token, skip := decodeResume(p.startingToken)
	var all []any
	var rest object
	var resume string
	total := 0
	for first := true; ; first = false {
		pg, err := fetch(ctx, token)
		if err != nil {
			return err
		}
		items := pg.items
		truncated := 0
		if first {
			rest = pg.rest
			truncated = min(skip, len(items))
			items = items[truncated:]
		}
		stop := false
		if p.maxItems > 0 && total+len(items) > p.maxItems {
			keep := p.maxItems - total
			items = items[:keep]
			resume = encodeResume(token, keep+truncated)
			stop = true
		}
		total += len(items)
		if !stop {
			switch {
			case pg.next == "":
				stop = true
			case p.maxItems > 0 && total == p.maxItems:
				resume = encodeResume(pg.next, 0)
				stop = true
			}
		}
		if a.out.format == "yaml-stream" {
			// A stream is each response as the service sent it, its
			// token included, one list item at a time.
			doc := object{}.addAlways(resultKey, items).add("NextToken", pg.next)
			if err := a.print(append(doc, pg.rest...)); err != nil {
				return err
			}
		} else if a.out.format == "text" {
			var doc object
			if first {
				doc = append(doc, rest...)
			}
			if err := a.print(doc.addAlways(resultKey, items)); err != nil {
				return err
			}
		} else {
			all = append(all, items...)
		}
		if stop {
			break
		}
		token = pg.next
	}
	if a.out.format == "yaml-stream" {
		return nil
	}
	if a.out.format == "text" {
		if resume == "" {
			return nil
		}
		return a.print(object{{"NextToken", object{{"NextToken", resume}}}})
	}
	if all == nil {
		all = []any{}
	}
	doc := object{}.addAlways(resultKey, all)
	doc = append(doc, rest...)
	return a.print(doc.add("NextToken", resume))
}
