package policy

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

type opFamily int

const (
	famString opFamily = iota
	famStringIgnoreCase
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

type cmpOp int

const (
	cmpEq cmpOp = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type operator struct {
	family opFamily
	cmp    cmpOp
	negate bool
}

// operators maps each base condition operator (lower case) to its meaning.
var operators = sync.OnceValue(func() map[string]operator {
	return map[string]operator{
		"stringequals":              {famString, cmpEq, false},
		"stringnotequals":           {famString, cmpEq, true},
		"stringequalsignorecase":    {famStringIgnoreCase, cmpEq, false},
		"stringnotequalsignorecase": {famStringIgnoreCase, cmpEq, true},
		"stringlike":                {famStringLike, cmpEq, false},
		"stringnotlike":             {famStringLike, cmpEq, true},
		"numericequals":             {famNumeric, cmpEq, false},
		"numericnotequals":          {famNumeric, cmpEq, true},
		"numericlessthan":           {famNumeric, cmpLt, false},
		"numericlessthanequals":     {famNumeric, cmpLe, false},
		"numericgreaterthan":        {famNumeric, cmpGt, false},
		"numericgreaterthanequals":  {famNumeric, cmpGe, false},
		"dateequals":                {famDate, cmpEq, false},
		"datenotequals":             {famDate, cmpEq, true},
		"datelessthan":              {famDate, cmpLt, false},
		"datelessthanequals":        {famDate, cmpLe, false},
		"dategreaterthan":           {famDate, cmpGt, false},
		"dategreaterthanequals":     {famDate, cmpGe, false},
		"bool":                      {famBool, cmpEq, false},
		"binaryequals":              {famBinary, cmpEq, false},
		"ipaddress":                 {famIP, cmpEq, false},
		"notipaddress":              {famIP, cmpEq, true},
		"arnequals":                 {famARN, cmpEq, false},
		"arnlike":                   {famARN, cmpEq, false},
		"arnnotequals":              {famARN, cmpEq, true},
		"arnnotlike":                {famARN, cmpEq, true},
		"null":                      {famNull, cmpEq, false},
	}
})

type setOp int

const (
	setNone setOp = iota
	setAnyValue
	setAllValues
)

// Condition is one operator/key pair of a Condition block with its values.
type Condition struct {
	// Operator is the operator as written, e.g. "ForAnyValue:StringLike".
	Operator string
	// Key is the condition key as written.
	Key    string
	Values []string

	op       operator
	set      setOp
	ifExists bool
	key      string // lower case, for lookup
	nums     []float64
	dates    []time.Time
	prefixes []netip.Prefix
	vars     bool // some value holds a policy variable
}

func (p *parser) conditions(where string, raw json.RawMessage, variables bool) []Condition {
	var block map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil {
		p.add(CheckSyntax, "%s: Condition must map operators to {\"key\": value} objects.", where)
		return nil
	}
	var out []Condition
	for _, opName := range sortedKeys(block) {
		op, set, ifExists, ok := parseOperator(opName)
		if !ok {
			p.add(CheckInvalidCondition, "%s: %q is not a condition operator (for example StringEquals, StringLike, ArnLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, Null, with optional ForAnyValue:/ForAllValues: and IfExists).", where, opName)
			continue
		}
		keys := block[opName]
		if len(keys) == 0 {
			p.add(CheckInvalidCondition, "%s: condition %s names no key.", where, opName)
		}
		for _, key := range sortedKeys(keys) {
			c := Condition{Operator: opName, Key: key, op: op, set: set, ifExists: ifExists, key: strings.ToLower(key)}
			c.Values = p.conditionValues(where, opName, key, keys[key])
			if !p.checkConditionKey(where, key) {
				continue
			}
			p.compileValues(where, &c, variables)
			out = append(out, c)
		}
	}
	return out
}

func parseOperator(name string) (op operator, set setOp, ifExists, ok bool) {
	n := strings.ToLower(name)
	if rest, found := strings.CutPrefix(n, "foranyvalue:"); found {
		set, n = setAnyValue, rest
	} else if rest, found := strings.CutPrefix(n, "forallvalues:"); found {
		set, n = setAllValues, rest
	}
	if rest, found := strings.CutSuffix(n, "ifexists"); found && rest != "" {
		ifExists, n = true, rest
	}
	op, ok = operators()[n]
	if ok && op.family == famNull && (ifExists || set != setNone) {
		return op, set, ifExists, false
	}
	return op, set, ifExists, ok
}

// conditionValues reads a condition's value: a string, number or boolean, or
// an array of them (JSON numbers and booleans are compared as their text).
func (p *parser) conditionValues(where, opName, key string, raw json.RawMessage) []string {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	if len(list) == 0 {
		p.add(CheckInvalidCondition, "%s: %s %s has no values.", where, opName, key)
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			out = append(out, s)
			continue
		}
		var n json.Number
		if err := json.Unmarshal(v, &n); err == nil {
			out = append(out, n.String())
			continue
		}
		var b bool
		if err := json.Unmarshal(v, &b); err == nil {
			out = append(out, strconv.FormatBool(b))
			continue
		}
		p.add(CheckInvalidCondition, "%s: %s %s: values must be strings, numbers or booleans.", where, opName, key)
	}
	return out
}

// checkConditionKey accepts global keys (aws:…) and Secrets Manager keys
// (secretsmanager:…); a key without a service prefix is a typo.
func (p *parser) checkConditionKey(where, key string) bool {
	svc, name, ok := strings.Cut(key, ":")
	if !ok || svc == "" || name == "" {
		p.add(CheckInvalidCondition, "%s: %q is not a condition key (for example secretsmanager:ResourceTag/team or aws:SourceIp).", where, key)
		return false
	}
	return true
}

// compileValues parses typed values once, so evaluation does not.
func (p *parser) compileValues(where string, c *Condition, variables bool) {
	bad := func(v, want string) {
		p.add(CheckInvalidCondition, "%s: %s %s: %q is not %s.", where, c.Operator, c.Key, v, want)
	}
	for _, v := range c.Values {
		switch c.op.family {
		case famNumeric:
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(n) {
				bad(v, "a number")
			}
			c.nums = append(c.nums, n)
		case famDate:
			t, ok := parseDate(v)
			if !ok {
				bad(v, "a date (2026-01-31T00:00:00Z or seconds since 1970)")
			}
			c.dates = append(c.dates, t)
		case famBool, famNull:
			if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
				bad(v, "true or false")
			}
		case famIP:
			pfx, err := parsePrefix(v)
			if err != nil {
				bad(v, "an IP address or CIDR block")
			}
			c.prefixes = append(c.prefixes, pfx)
		case famString, famStringIgnoreCase, famStringLike, famARN:
			if variables && hasVariable(v) {
				c.vars = true
			}
		}
	}
}

func parseDate(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

func parsePrefix(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		pfx, err := netip.ParsePrefix(v)
		if err != nil {
			return pfx, err
		}
		return pfx.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// matches evaluates the condition against the request, with AWS's rules for
// absent keys and multi-valued keys:
//   - Null tests presence only;
//   - an absent key fails a positive operator and satisfies a negated one,
//     satisfies …IfExists and ForAllValues, and fails ForAnyValue;
//   - without a set operator a positive operator needs some request value to
//     match, a negated one needs every request value to differ;
//   - ForAnyValue needs one request value to satisfy the operator, ForAllValues
//     every one.
func (c *Condition) matches(r *Request, variables bool) bool {
	vals := r.Context.Get(c.key)
	if c.op.family == famNull {
		absent := len(vals) == 0
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") == absent {
				return true
			}
		}
		return false
	}
	if len(vals) == 0 {
		switch {
		case c.ifExists, c.set == setAllValues:
			return true
		case c.set == setAnyValue:
			return false
		}
		return c.op.negate
	}
	one := func(v string) bool { return c.anyValueMatches(v, r, variables) != c.op.negate }
	set := c.set
	if set == setNone {
		set = setAnyValue
		if c.op.negate {
			set = setAllValues
		}
	}
	for _, v := range vals {
		ok := one(v)
		if set == setAnyValue && ok {
			return true
		}
		if set == setAllValues && !ok {
			return false
		}
	}
	return set == setAllValues
}

// anyValueMatches reports whether the request value v matches at least one of
// the condition's values under the (positive form of the) operator.
func (c *Condition) anyValueMatches(v string, r *Request, variables bool) bool {
	switch c.op.family {
	case famNumeric:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false
		}
		for _, want := range c.nums {
			if compare(n, want, c.op.cmp) {
				return true
			}
		}
		return false
	case famDate:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		for _, want := range c.dates {
			if compareTime(t, want, c.op.cmp) {
				return true
			}
		}
		return false
	case famIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, pfx := range c.prefixes {
			if pfx.Contains(a) {
				return true
			}
		}
		return false
	case famBool:
		for _, want := range c.Values {
			if strings.EqualFold(v, want) {
				return true
			}
		}
		return false
	case famBinary:
		for _, want := range c.Values {
			if v == want {
				return true
			}
		}
		return false
	}
	// The string and ARN families, which may hold policy variables.
	escape := c.op.family == famStringLike || c.op.family == famARN
	for _, want := range c.Values {
		// Only a substituted value is escaped, so only it is matched with
		// escapes; a literal backslash elsewhere stays literal.
		escaped := false
		if variables && c.vars && hasVariable(want) {
			var ok bool
			if want, ok = r.resolve(want, escape); !ok {
				continue
			}
			escaped = escape
		}
		var hit bool
		switch c.op.family {
		case famString:
			hit = v == want
		case famStringIgnoreCase:
			hit = strings.EqualFold(v, want)
		case famStringLike:
			hit = glob(want, v, escaped)
		case famARN:
			hit = arnMatch(want, v, escaped)
		}
		if hit {
			return true
		}
	}
	return false
}

func compare(a, b float64, op cmpOp) bool {
	switch op {
	case cmpLt:
		return a < b
	case cmpLe:
		return a <= b
	case cmpGt:
		return a > b
	case cmpGe:
		return a >= b
	}
	return a == b
}

func compareTime(a, b time.Time, op cmpOp) bool {
	switch op {
	case cmpLt:
		return a.Before(b)
	case cmpLe:
		return !a.After(b)
	case cmpGt:
		return a.After(b)
	case cmpGe:
		return !a.Before(b)
	}
	return a.Equal(b)
}

// String renders the condition for explanations: StringEquals secretsmanager:VersionStage [AWSCURRENT].
func (c *Condition) String() string {
	return fmt.Sprintf("%s %s %v", c.Operator, c.Key, c.Values)
}
