package cli

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmespath/go-jmespath"
)

// A response travels from the builders (object, time.Time, []byte...) to
// the formatters as a plain tree: object, []any, string, int64, float64,
// bool or nil. --query runs on generic Go maps, which lose key order, so
// the order is put back afterwards (see restoreOrder).

// plainValue turns what the response builders produce into the plain tree
// every formatter reads: timestamps become the CLI's text, blobs base64,
// numbers int64, and label maps objects with sorted keys.
func plainValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return x
	case int:
		return int64(x)
	case time.Time:
		return formatTime(x)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	case object:
		out := make(object, len(x))
		for i, f := range x {
			out[i] = field{f.key, plainValue(f.val)}
		}
		return out
	case map[string][]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make(object, 0, len(keys))
		for _, k := range keys {
			out = append(out, field{k, plainValue(x[k])})
		}
		return out
	}
	// The rest are the wire shapes of Secrets Manager responses.
	return shapeOf(v)
}

// query is a compiled --query expression with the key order of its
// multiselect hashes ({N: Name, A: ARN}), which the AWS CLI keeps.
type query struct {
	expr     string
	compiled *jmespath.JMESPath
	hashKeys map[string]int
}

// compileQuery parses --query. An expression the JMESPath grammar rejects
// is a usage error, as for the AWS CLI (exit 252), shown with a caret
// under the place it went wrong.
func compileQuery(expr string) (*query, error) {
	compiled, err := jmespath.Compile(legacyLiterals(expr))
	if err != nil {
		var se jmespath.SyntaxError
		if errors.As(err, &se) {
			return nil, &outputUsageError{msg: fmt.Sprintf("Bad value for --query %s: Invalid jmespath expression: %s:\n%q\n%s^",
				expr, strings.TrimPrefix(se.Error(), "SyntaxError: "), expr, strings.Repeat(" ", se.Offset+1)), bare: true}
		}
		return nil, &outputUsageError{msg: fmt.Sprintf("Bad value for --query %s: %v", expr, err), bare: true}
	}
	ast, err := jmespath.NewParser().Parse(legacyLiterals(expr))
	if err != nil {
		return nil, &outputUsageError{msg: fmt.Sprintf("Bad value for --query %s: %v", expr, err), bare: true}
	}
	return &query{expr: expr, compiled: compiled, hashKeys: hashKeyOrder(ast)}, nil
}

// legacyLiterals rewrites literals that are not JSON, such as `env` in
// Tags[?Key==`env`], into JSON strings. The AWS CLI's JMESPath accepts
// them (the older form of the grammar, still common in scripts); the Go
// library does not. Raw strings and quoted identifiers are skipped so
// their content is never mistaken for a literal.
func legacyLiterals(expr string) string {
	var b strings.Builder
	for i := 0; i < len(expr); {
		c := expr[i]
		if c != '`' && c != '\'' && c != '"' {
			b.WriteByte(c)
			i++
			continue
		}
		// Find the closing quote, stepping over backslash escapes.
		j := i + 1
		for j < len(expr) && expr[j] != c {
			if expr[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(expr) {
			b.WriteString(expr[i:])
			break
		}
		if c == '`' {
			lexeme := strings.ReplaceAll(expr[i+1:j], "\\`", "`")
			if !json.Valid([]byte(lexeme)) {
				if quoted := `"` + strings.TrimLeft(lexeme, " ") + `"`; json.Valid([]byte(quoted)) {
					b.WriteString("`" + strings.ReplaceAll(quoted, "`", "\\`") + "`")
					i = j + 1
					continue
				}
			}
		}
		b.WriteString(expr[i : j+1])
		i = j + 1
	}
	return b.String()
}

// hashKeyOrder lists the keys of the expression's multiselect hashes in the
// order they are written. The library keeps its syntax tree's fields
// private, but prints the tree, one node per line, with a key pair's name
// on the line after the node's; walking that text visits the tree in order.
func hashKeyOrder(ast jmespath.ASTNode) map[string]int {
	keys := map[string]int{}
	lines := strings.Split(ast.PrettyPrint(0), "\n")
	for i := 0; i+1 < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "ASTKeyValPair {" {
			continue
		}
		v, ok := strings.CutPrefix(strings.TrimSpace(lines[i+1]), "value: ")
		if !ok {
			continue
		}
		name, err := strconv.Unquote(v)
		if err != nil {
			continue
		}
		if _, seen := keys[name]; !seen {
			keys[name] = len(keys)
		}
	}
	return keys
}

// search applies the query to a plain tree and returns a plain tree, with
// object keys in the order the AWS CLI prints them.
func (q *query) search(doc any) (any, error) {
	docKeys := map[string]int{}
	generic := toGeneric(doc, docKeys)
	out, err := q.compiled.Search(generic)
	if err != nil {
		return nil, &queryRunError{err}
	}
	return restoreOrder(out, docKeys, q.hashKeys), nil
}

// queryRunError is an expression that parsed but failed on the data (an
// unknown function, a wrong argument type): the AWS CLI exits 255.
type queryRunError struct{ err error }

func (e *queryRunError) Error() string { return e.err.Error() }
func (e *queryRunError) Unwrap() error { return e.err }

// toGeneric converts a plain tree into what the JMESPath library searches
// (maps, float64 numbers) and records each key's first position in the
// document, which is the order the service sent them in.
func toGeneric(v any, keys map[string]int) any {
	switch x := v.(type) {
	case object:
		m := make(map[string]any, len(x))
		for _, f := range x {
			if _, ok := keys[f.key]; !ok {
				keys[f.key] = len(keys)
			}
			m[f.key] = toGeneric(f.val, keys)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toGeneric(e, keys)
		}
		return out
	case int64:
		return float64(x)
	}
	return v
}

// restoreOrder turns the library's result back into a plain tree. An
// object built by a multiselect hash takes the expression's key order;
// any other object is a piece of the document and takes its order. Whole
// numbers print as integers, as Python's do.
func restoreOrder(v any, docKeys, hashKeys map[string]int) any {
	switch x := v.(type) {
	case map[string]any:
		rank := docKeys
		fromHash := len(x) > 0
		for k := range x {
			if _, ok := hashKeys[k]; !ok {
				fromHash = false
				break
			}
		}
		if fromHash {
			rank = hashKeys
		}
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		sort.Slice(names, func(i, j int) bool {
			ri, iok := rank[names[i]]
			rj, jok := rank[names[j]]
			if iok != jok {
				return iok
			}
			if ri != rj {
				return ri < rj
			}
			return names[i] < names[j]
		})
		out := make(object, len(names))
		for i, k := range names {
			out[i] = field{k, restoreOrder(x[k], docKeys, hashKeys)}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = restoreOrder(e, docKeys, hashKeys)
		}
		return out
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	}
	return v
}
