package policy

import (
	"strings"
	"unicode/utf8"
)

// glob matches value against an IAM wildcard pattern: * matches any run of
// characters, ? exactly one. With escapes, a backslash makes the next
// pattern character literal; policy variables are substituted that way so a
// resolved value containing * or ? matches only itself.
func glob(pattern, value string, escapes bool) bool {
	return globMatch(pattern, value, escapes, false)
}

// globFold is glob without escapes, ignoring case (action names).
func globFold(pattern, value string) bool {
	return globMatch(pattern, value, false, true)
}

// globMatch is the classic linear-backtracking wildcard match: on a mismatch
// it resumes after the last * it saw, so it runs in O(len(p)*len(v)) at
// worst without recursion (a hostile pattern cannot blow the stack).
func globMatch(p, v string, escapes, fold bool) bool {
	pi, vi := 0, 0
	starP, starV := -1, 0
	for vi < len(v) {
		if pi < len(p) {
			c := p[pi]
			switch {
			case c == '*':
				starP, starV = pi, vi
				pi++
				continue
			case c == '?':
				_, n := utf8.DecodeRuneInString(v[vi:])
				pi++
				vi += n
				continue
			default:
				lit, lp := c, 1
				if escapes && c == '\\' && pi+1 < len(p) {
					lit, lp = p[pi+1], 2
				}
				vc := v[vi]
				if lit == vc || (fold && lower(lit) == lower(vc)) {
					pi += lp
					vi++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starV++
		pi, vi = starP+1, starV
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// arnParts splits an ARN into its six colon-separated components; the last
// (the resource) may itself hold colons. ok is false when s is not an ARN.
func arnParts(s string) (parts [6]string, ok bool) {
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return parts, false
		}
		parts[i], s = s[:j], s[j+1:]
	}
	parts[5] = s
	return parts, parts[0] == "arn"
}

// arnMatch matches an ARN against a pattern component by component, as IAM
// does for Resource and the Arn condition operators: a wildcard never spans
// a colon between components. A pattern of "*" matches anything; a value
// that is not an ARN (the "*" of ListSecrets) is matched as a plain string.
func arnMatch(pattern, value string, escapes bool) bool {
	if pattern == "*" {
		return true
	}
	vp, vok := arnParts(value)
	return arnMatchParts(pattern, value, vp, vok, escapes)
}

// arnMatchParts is arnMatch with the value already split, so a request's
// resource is split once for all the statements it is matched against.
func arnMatchParts(pattern, value string, vp [6]string, vok, escapes bool) bool {
	if pattern == "*" {
		return true
	}
	pp, pok := arnParts(pattern)
	if !pok || !vok {
		return glob(pattern, value, escapes)
	}
	for i := range pp {
		if !glob(pp[i], vp[i], escapes) {
			return false
		}
	}
	return true
}

// hasVariable reports whether s holds a policy variable (${...}).
func hasVariable(s string) bool { return strings.Contains(s, "${") }

// substitute resolves the policy variables in s against the request. Literal
// parts are escaped (backslashes only, so the pattern keeps its wildcards),
// resolved values fully, so they match literally. ok is false when a
// variable has no value in the request and no default: the element that
// holds it then matches nothing, as in AWS.
func substitute(s string, r *Request, escape bool) (string, bool) {
	var b strings.Builder
	b.Grow(len(s) + 32)
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			writeEscaped(&b, s, escape, false)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			writeEscaped(&b, s, escape, false)
			return b.String(), true
		}
		writeEscaped(&b, s[:i], escape, false)
		expr := s[i+2 : i+j]
		s = s[i+j+1:]
		val, ok := resolveVariable(expr, r)
		if !ok {
			return "", false
		}
		writeEscaped(&b, val, escape, true)
	}
}

func writeEscaped(b *strings.Builder, s string, escape, all bool) {
	if !escape {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' || (all && (c == '*' || c == '?')) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
}

// resolveVariable returns the value of one ${...} expression: the special
// ${*}, ${?} and ${$} stand for the literal characters; a key may carry a
// default, ${aws:username, 'nobody'}.
func resolveVariable(expr string, r *Request) (string, bool) {
	switch expr {
	case "*", "?", "$":
		return expr, true
	}
	key, def, hasDef := strings.Cut(expr, ",")
	key = strings.TrimSpace(key)
	if vals := r.Context.Get(key); len(vals) == 1 {
		return vals[0], true
	}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
			return def[1 : len(def)-1], true
		}
	}
	return "", false
}

// pattern is a wildcard pattern prepared when its policy is parsed. Most
// patterns in real policies are a literal ("secretsmanager:GetSecretValue")
// or a literal and one trailing * ("secretsmanager:Get*", "prod/*"): those
// are matched by comparing strings, without the wildcard matcher, which
// is what serve pays per statement on every request.
type pattern struct {
	raw  string
	kind patternKind
}

type patternKind uint8

const (
	patGlob    patternKind = iota // anything else: globMatch
	patAny                        // "*"
	patLiteral                    // no wildcard at all
	patPrefix                     // a literal, then one "*" at the end
)

func compilePattern(p string) pattern {
	i := strings.IndexAny(p, "*?")
	switch {
	case p == "*":
		return pattern{raw: p, kind: patAny}
	case i < 0:
		return pattern{raw: p, kind: patLiteral}
	case i == len(p)-1 && p[i] == '*':
		return pattern{raw: p[:i], kind: patPrefix}
	}
	return pattern{raw: p, kind: patGlob}
}

// match is glob(p, v, false).
func (p *pattern) match(v string) bool {
	switch p.kind {
	case patAny:
		return true
	case patLiteral:
		return p.raw == v
	case patPrefix:
		return strings.HasPrefix(v, p.raw)
	}
	return globMatch(p.raw, v, false, false)
}

// matchFold is globFold(p, v) for a pattern in lower case.
func (p *pattern) matchFold(v string) bool {
	switch p.kind {
	case patAny:
		return true
	case patLiteral:
		return len(v) == len(p.raw) && foldEqual(p.raw, v)
	case patPrefix:
		return len(v) >= len(p.raw) && foldEqual(p.raw, v[:len(p.raw)])
	}
	return globMatch(p.raw, v, false, true)
}

// foldEqual compares a lower-case ASCII pattern with a value of the same
// length, ignoring the value's case as globFold does.
func foldEqual(lowerPat, v string) bool {
	for i := 0; i < len(v); i++ {
		if lowerPat[i] != v[i] && lowerPat[i] != lower(v[i]) {
			return false
		}
	}
	return true
}

// arnPattern is a Resource pattern prepared at parse time: split into its
// ARN components once, not on every request.
type arnPattern struct {
	any   bool
	isARN bool
	parts [6]pattern
	whole pattern // a pattern that is not an ARN is matched as a string
}

func compileARN(p string) arnPattern {
	if p == "*" {
		return arnPattern{any: true}
	}
	pp, ok := arnParts(p)
	a := arnPattern{isARN: ok, whole: compilePattern(p)}
	if ok {
		for i := range pp {
			a.parts[i] = compilePattern(pp[i])
		}
	}
	return a
}

// match is arnMatchParts(pattern, value, vp, vok, false).
func (a *arnPattern) match(value string, vp [6]string, vok bool) bool {
	if a.any {
		return true
	}
	if !a.isARN || !vok {
		return a.whole.match(value)
	}
	for i := range a.parts {
		if !a.parts[i].match(vp[i]) {
			return false
		}
	}
	return true
}
