package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind says where a policy is attached; the grammar differs: a resource
// policy names principals, an identity policy must not.
type Kind int

const (
	// Identity is a policy attached to a user or a group.
	Identity Kind = iota
	// Resource is a policy attached to a secret.
	Resource
)

func (k Kind) String() string {
	if k == Resource {
		return "resource-based"
	}
	return "identity-based"
}

// MaxResourcePolicySize is Secrets Manager's limit on a resource policy.
const MaxResourcePolicySize = 20480

// Check names of validation findings. They follow IAM Access Analyzer's
// finding codes, which is what ValidateResourcePolicy reports in AWS.
const (
	CheckSyntax             = "SYNTAX_ERROR"
	CheckUnsupportedElement = "UNSUPPORTED_ELEMENT"
	CheckMissingElement     = "MISSING_ELEMENT"
	CheckInvalidVersion     = "INVALID_VERSION"
	CheckInvalidEffect      = "INVALID_EFFECT"
	CheckInvalidAction      = "INVALID_ACTION"
	CheckInvalidARN         = "INVALID_ARN_RESOURCE"
	CheckInvalidPrincipal   = "INVALID_PRINCIPAL"
	CheckInvalidCondition   = "INVALID_CONDITION"
	CheckPolicySize         = "POLICY_SIZE_EXCEEDED"
)

// Finding is one problem in a policy document.
type Finding struct {
	CheckName string
	Message   string
}

// InvalidError is returned by Parse for a document with findings.
type InvalidError struct {
	Findings []Finding
}

func (e *InvalidError) Error() string {
	if len(e.Findings) == 0 {
		return "invalid policy document"
	}
	msg := e.Findings[0].Message
	if n := len(e.Findings) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problem(s))", n)
	}
	return msg
}

// Effect is what a statement does when it applies.
type Effect int

const (
	// Deny is an explicit deny.
	Deny Effect = iota
	// Allow grants.
	Allow
)

func (e Effect) String() string {
	if e == Allow {
		return "Allow"
	}
	return "Deny"
}

// Document is a parsed, valid policy.
type Document struct {
	Version    string
	ID         string
	Statements []Statement
	// variables is true for version 2012-10-17, the only version in which
	// ${...} is a policy variable rather than literal text.
	variables bool
}

// Statement is one statement of a policy.
type Statement struct {
	Sid    string
	Effect Effect
	// Principal and NotPrincipal are nil when absent.
	Principal    *Principals
	NotPrincipal *Principals
	// Action / NotAction hold lower-case patterns (action names ignore case).
	Action, NotAction     []string
	Resource, NotResource []string
	Conditions            []Condition

	// compiled holds the patterns above prepared by Parse; a Statement
	// built by hand has none and is matched from the strings.
	compiled *compiledStatement
}

// compiledStatement is a statement's Action, NotAction and Resource or
// NotResource patterns, prepared once. A resource pattern holding a
// policy variable is resolved per request and left out (hasVar).
type compiledStatement struct {
	actions   []pattern // of Action, or of NotAction when it is set
	resources []arnPattern
	hasVar    []bool
}

func (st *Statement) compile(variables bool) {
	c := &compiledStatement{}
	actions := st.Action
	if st.NotAction != nil {
		actions = st.NotAction
	}
	for _, a := range actions {
		c.actions = append(c.actions, compilePattern(a))
	}
	resources := st.Resource
	if st.NotResource != nil {
		resources = st.NotResource
	}
	for _, r := range resources {
		v := variables && hasVariable(r)
		c.hasVar = append(c.hasVar, v)
		if v {
			c.resources = append(c.resources, arnPattern{})
		} else {
			c.resources = append(c.resources, compileARN(r))
		}
	}
	st.compiled = c
}

// Principals is the value of a Principal or NotPrincipal element.
type Principals struct {
	// Any is true for "*" or {"AWS": "*"}.
	Any bool
	// AWS holds the AWS principals: ARNs and account ids.
	AWS []string
	// Other holds Service, Federated and CanonicalUser principals, which
	// never match a user of the store.
	Other []string
}

// Validate returns every finding in doc for a policy of the given kind; an
// empty result means the policy is valid.
func Validate(doc string, kind Kind) []Finding {
	_, findings := parse(doc, kind)
	return findings
}

// Parse validates doc and returns it ready for evaluation. A document with
// findings is refused with an *InvalidError naming them.
func Parse(doc string, kind Kind) (*Document, error) {
	d, findings := parse(doc, kind)
	if len(findings) > 0 {
		return nil, &InvalidError{Findings: findings}
	}
	return d, nil
}

type parser struct {
	kind     Kind
	findings []Finding
}

func (p *parser) add(check, format string, args ...any) {
	p.findings = append(p.findings, Finding{CheckName: check, Message: fmt.Sprintf(format, args...)})
}

func parse(doc string, kind Kind) (*Document, []Finding) {
	p := &parser{kind: kind}
	if kind == Resource && len(doc) > MaxResourcePolicySize {
		p.add(CheckPolicySize, "The policy is %d characters long; a resource policy can have at most %d.", len(doc), MaxResourcePolicySize)
		return nil, p.findings
	}
	var top map[string]json.RawMessage
	if err := decodeStrict(doc, &top); err != nil {
		p.add(CheckSyntax, "The policy is not valid JSON: %s.", jsonProblem(err))
		return nil, p.findings
	}
	if top == nil {
		p.add(CheckSyntax, "The policy must be a JSON object.")
		return nil, p.findings
	}
	d := &Document{}
	for _, k := range sortedKeys(top) {
		switch k {
		case "Version", "Id", "Statement":
		default:
			p.add(CheckUnsupportedElement, "The policy element %q is not supported; use Version, Id and Statement.", k)
		}
	}
	if raw, ok := top["Version"]; ok {
		if err := json.Unmarshal(raw, &d.Version); err != nil {
			p.add(CheckInvalidVersion, "Version must be a string such as \"2012-10-17\".")
		}
		switch d.Version {
		case "2012-10-17":
			d.variables = true
		case "2008-10-17", "":
		default:
			p.add(CheckInvalidVersion, "Version %q is not a policy language version; use \"2012-10-17\".", d.Version)
		}
	}
	if raw, ok := top["Id"]; ok {
		if err := json.Unmarshal(raw, &d.ID); err != nil {
			p.add(CheckSyntax, "Id must be a string.")
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		p.add(CheckMissingElement, "The policy has no Statement.")
		return d, p.findings
	}
	var stmts []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		if err := json.Unmarshal(raw, &stmts); err != nil {
			p.add(CheckSyntax, "Statement must be an object or an array of objects.")
			return d, p.findings
		}
	} else {
		stmts = []json.RawMessage{raw}
	}
	if len(stmts) == 0 {
		p.add(CheckMissingElement, "The policy has an empty Statement list.")
	}
	sids := map[string]bool{}
	for i, s := range stmts {
		st := p.statement(i, s, d.variables)
		if st == nil {
			continue
		}
		if st.Sid != "" {
			if sids[st.Sid] {
				p.add(CheckSyntax, "Statement ids must be unique; %q appears more than once.", st.Sid)
			}
			sids[st.Sid] = true
		}
		st.compile(d.variables)
		d.Statements = append(d.Statements, *st)
	}
	return d, p.findings
}

// decodeStrict decodes one JSON value and refuses trailing data, which
// encoding/json's Unmarshal would also do, but with a clearer message.
func decodeStrict(doc string, v any) error {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the policy object")
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("unexpected data after the policy object")
	}
	return nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "the policy must be a JSON object"
	}
	return err.Error()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (p *parser) statement(i int, raw json.RawMessage, variables bool) *Statement {
	where := fmt.Sprintf("Statement %d", i+1)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		p.add(CheckSyntax, "%s must be a JSON object.", where)
		return nil
	}
	st := &Statement{}
	if rawSid, ok := m["Sid"]; ok {
		if err := json.Unmarshal(rawSid, &st.Sid); err != nil {
			p.add(CheckSyntax, "%s: Sid must be a string.", where)
		} else {
			where = fmt.Sprintf("Statement %q", st.Sid)
		}
	}
	for _, k := range sortedKeys(m) {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition":
		default:
			p.add(CheckUnsupportedElement, "%s: the element %q is not supported.", where, k)
		}
	}
	var effect string
	if rawEff, ok := m["Effect"]; !ok {
		p.add(CheckMissingElement, "%s has no Effect; use \"Allow\" or \"Deny\".", where)
	} else if err := json.Unmarshal(rawEff, &effect); err != nil || (effect != "Allow" && effect != "Deny") {
		p.add(CheckInvalidEffect, "%s: Effect must be \"Allow\" or \"Deny\".", where)
	} else if effect == "Allow" {
		st.Effect = Allow
	}

	_, hasP := m["Principal"]
	_, hasNP := m["NotPrincipal"]
	switch {
	case hasP && hasNP:
		p.add(CheckSyntax, "%s has both Principal and NotPrincipal; use one.", where)
	case p.kind == Identity && (hasP || hasNP):
		p.add(CheckUnsupportedElement, "%s: an identity-based policy cannot name a Principal; attach the policy to the user or group instead.", where)
	case p.kind == Resource && !hasP && !hasNP:
		p.add(CheckMissingElement, "%s has no Principal; a resource-based policy must say whom it applies to.", where)
	case hasP:
		st.Principal = p.principals(where, "Principal", m["Principal"])
	case hasNP:
		st.NotPrincipal = p.principals(where, "NotPrincipal", m["NotPrincipal"])
	}

	st.Action, st.NotAction = p.pair(where, m, "Action", "NotAction")
	for _, a := range append(append([]string(nil), st.Action...), st.NotAction...) {
		if !knownAction(a, p.kind == Resource) {
			p.add(CheckInvalidAction, "%s: %q is not a Secrets Manager action (for example secretsmanager:GetSecretValue or secretsmanager:Get*).", where, a)
		}
	}
	for i := range st.Action {
		st.Action[i] = strings.ToLower(st.Action[i])
	}
	for i := range st.NotAction {
		st.NotAction[i] = strings.ToLower(st.NotAction[i])
	}

	st.Resource, st.NotResource = p.pair(where, m, "Resource", "NotResource")
	for _, r := range append(append([]string(nil), st.Resource...), st.NotResource...) {
		if msg := checkResourceARN(r); msg != "" {
			p.add(CheckInvalidARN, "%s: %q %s.", where, r, msg)
		}
	}

	if rawCond, ok := m["Condition"]; ok {
		st.Conditions = p.conditions(where, rawCond, variables)
	}
	return st
}

// pair reads two mutually exclusive elements (Action/NotAction,
// Resource/NotResource), exactly one of which must be present.
func (p *parser) pair(where string, m map[string]json.RawMessage, name, notName string) (yes, no []string) {
	rawYes, hasYes := m[name]
	rawNo, hasNo := m[notName]
	switch {
	case hasYes && hasNo:
		p.add(CheckSyntax, "%s has both %s and %s; use one.", where, name, notName)
	case !hasYes && !hasNo:
		p.add(CheckMissingElement, "%s has neither %s nor %s.", where, name, notName)
	case hasYes:
		yes = p.strings(where, name, rawYes)
	default:
		no = p.strings(where, notName, rawNo)
	}
	return yes, no
}

// strings reads a string or a non-empty array of strings.
func (p *parser) strings(where, name string, raw json.RawMessage) []string {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		p.add(CheckSyntax, "%s: %s must be a string or an array of strings.", where, name)
		return nil
	}
	if len(many) == 0 {
		p.add(CheckMissingElement, "%s: %s is an empty list.", where, name)
	}
	return many
}

// checkResourceARN returns why r cannot be a Resource, or "".
func checkResourceARN(r string) string {
	if r == "*" {
		return ""
	}
	parts, ok := arnParts(r)
	if !ok {
		return "is not an ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME) or \"*\""
	}
	if parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return "is missing its partition, service or resource"
	}
	return ""
}

func (p *parser) principals(where, name string, raw json.RawMessage) *Principals {
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			p.add(CheckInvalidPrincipal, "%s: %s must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:user/NAME\"}.", where, name)
			return nil
		}
		return &Principals{Any: true}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		p.add(CheckInvalidPrincipal, "%s: %s must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:user/NAME\"}.", where, name)
		return nil
	}
	ps := &Principals{}
	for _, typ := range sortedKeys(m) {
		vals := p.strings(where, name+"."+typ, m[typ])
		switch typ {
		case "AWS":
			for _, v := range vals {
				if v == "*" {
					ps.Any = true
					continue
				}
				if !validAWSPrincipal(v) {
					p.add(CheckInvalidPrincipal, "%s: %q is not an AWS principal; use an account id, arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/NAME or arn:aws:iam::ACCOUNT:role/NAME.", where, v)
					continue
				}
				ps.AWS = append(ps.AWS, v)
			}
		case "Service", "Federated", "CanonicalUser":
			ps.Other = append(ps.Other, vals...)
		default:
			p.add(CheckInvalidPrincipal, "%s: principal type %q is not supported; use AWS, Service, Federated or CanonicalUser.", where, typ)
		}
	}
	return ps
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validAWSPrincipal accepts an account id or an IAM/STS principal ARN.
// Wildcards other than a bare "*" are not allowed in principals.
func validAWSPrincipal(v string) bool {
	if isAccountID(v) {
		return true
	}
	if strings.ContainsAny(v, "*?") {
		return false
	}
	parts, ok := arnParts(v)
	if !ok || (parts[2] != "iam" && parts[2] != "sts") || parts[3] != "" || !isAccountID(parts[4]) {
		return false
	}
	res := parts[5]
	return res == "root" || strings.HasPrefix(res, "user/") || strings.HasPrefix(res, "role/") || strings.HasPrefix(res, "assumed-role/")
}
