package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The standard flag package cannot take several values after one flag
// (`--version-stages A B`), `--no-` negations or flags after positional
// arguments, all of which the AWS CLI accepts, so commands declare their
// parameters and this parser reads them.

type kind int

const (
	kString kind = iota // one value
	kBool               // --x / --no-x
	kInt                // one integer value
	kList               // one or more values up to the next --flag
)

type param struct {
	name     string
	kind     kind
	required bool
	help     string
	// member and min are the service model's member name and minimum (a
	// value for kInt, a length for kString), which the AWS CLI checks
	// before it sends anything; member "" means no such check.
	member string
	min    int
}

// args holds what the parser read. A parameter absent from the command line
// is absent from the maps, so "not given" and "given as empty" differ.
type args struct {
	strs  map[string]string
	bools map[string]bool
	ints  map[string]int
	lists map[string][]string
	pos   []string
	// rest is what follows "--" (exec's command).
	rest []string
	help bool
}

func (a *args) str(name string) string { return a.strs[name] }

func (a *args) has(name string) bool {
	if _, ok := a.strs[name]; ok {
		return true
	}
	if _, ok := a.bools[name]; ok {
		return true
	}
	if _, ok := a.ints[name]; ok {
		return true
	}
	_, ok := a.lists[name]
	return ok
}

// usageError is a command line the CLI cannot run; it exits 252 as the AWS
// CLI does.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// parseArgs reads argv against specs. Positional arguments are allowed only
// when maxPos > 0.
func parseArgs(argv []string, specs []param, maxPos int) (*args, error) {
	a := &args{strs: map[string]string{}, bools: map[string]bool{}, ints: map[string]int{}, lists: map[string][]string{}}
	byName := map[string]param{}
	for _, p := range specs {
		byName[p.name] = p
	}
	var unknown []string
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		if arg == "--" {
			a.rest = argv[i+1:]
			break
		}
		if !strings.HasPrefix(arg, "--") || arg == "-" {
			if arg == "-h" {
				a.help = true
				continue
			}
			a.pos = append(a.pos, arg)
			continue
		}
		name, value, hasValue := strings.Cut(arg[2:], "=")
		if name == "help" {
			a.help = true
			continue
		}
		p, ok := byName[name]
		negated := false
		if !ok && strings.HasPrefix(name, "no-") {
			if q, ok2 := byName[strings.TrimPrefix(name, "no-")]; ok2 && q.kind == kBool {
				p, ok, negated = q, true, true
			}
		}
		if !ok {
			unknown = append(unknown, "--"+name)
			continue
		}
		if a.has(p.name) && p.kind != kList {
			return nil, usagef("argument --%s: given more than once", p.name)
		}
		switch p.kind {
		case kBool:
			if hasValue {
				return nil, usagef("argument --%s: takes no value", name)
			}
			a.bools[p.name] = !negated
		case kString, kInt:
			if !hasValue {
				if i+1 >= len(argv) || strings.HasPrefix(argv[i+1], "--") {
					return nil, usagef("argument --%s: expected one argument", p.name)
				}
				i++
				value = argv[i]
			}
			if p.kind == kInt {
				n, err := strconv.Atoi(value)
				if err != nil {
					return nil, usagef("argument --%s: invalid integer value: %q", p.name, value)
				}
				a.ints[p.name] = n
			} else {
				a.strs[p.name] = value
			}
		case kList:
			var vals []string
			if hasValue {
				vals = append(vals, value)
			}
			for i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "--") {
				i++
				vals = append(vals, argv[i])
			}
			if len(vals) == 0 {
				return nil, usagef("argument --%s: expected at least one argument", p.name)
			}
			// A list flag may be repeated: --secret A --secret B.
			a.lists[p.name] = append(a.lists[p.name], vals...)
		}
	}
	if len(unknown) > 0 {
		return nil, usagef("Unknown options: %s", strings.Join(unknown, ", "))
	}
	if a.help {
		return a, nil
	}
	if len(a.pos) > maxPos {
		if maxPos == 0 {
			return nil, usagef("Unknown options: %s", strings.Join(a.pos, ", "))
		}
		return nil, usagef("too many arguments: %s", strings.Join(a.pos[maxPos:], " "))
	}
	var missing []string
	for _, p := range specs {
		if p.required && !a.has(p.name) {
			missing = append(missing, "--"+p.name)
		}
	}
	if len(missing) > 0 {
		return nil, usagef("the following arguments are required: %s", strings.Join(missing, ", "))
	}
	return a, nil
}

// paramValidationError is a value outside the service model's range. The
// AWS CLI reports these (botocore's parameter validation) before any call,
// in its own words, and exits 252.
type paramValidationError struct{ problems []string }

func (e *paramValidationError) Error() string {
	return "Parameter validation failed:\n" + strings.Join(e.problems, "\n")
}

// minValueProblem is botocore's wording for a number below its minimum.
func minValueProblem(member string, value, min int) string {
	return fmt.Sprintf("Invalid value for parameter %s, value: %d, valid min value: %d", member, value, min)
}

// validateParams checks the given values against the model's minimums.
func validateParams(a *args, specs []param) error {
	var problems []string
	for _, p := range specs {
		if p.member == "" {
			continue
		}
		if n, ok := a.ints[p.name]; ok && p.kind == kInt && n < p.min {
			problems = append(problems, minValueProblem(p.member, n, p.min))
		}
		if s, ok := a.strs[p.name]; ok && p.kind == kString && len(s) < p.min {
			problems = append(problems, fmt.Sprintf("Invalid length for parameter %s, value: %d, valid min length: %d", p.member, len(s), p.min))
		}
	}
	if len(problems) > 0 {
		return &paramValidationError{problems}
	}
	return nil
}

// actionSpec is one verb of a command like `keyslot add`: the parameters it
// may take and those it must have.
type actionSpec struct {
	name     string
	allowed  []string
	required []string
}

// parseAction reads the verb of a command with actions (access-key,
// keyslot, kms-key) and checks that every parameter given belongs to it and
// that none it needs is missing, so each command states its rules once.
func parseAction(command string, args *args, actions []actionSpec) (string, error) {
	names := make([]string, len(actions))
	for i, ac := range actions {
		names[i] = ac.name
	}
	if len(args.pos) == 0 {
		return "", usagef("%s needs an action: %s or %s", command, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	}
	verb := args.pos[0]
	i := slices.IndexFunc(actions, func(ac actionSpec) bool { return ac.name == verb })
	if i < 0 {
		return "", usagef("argument action: Invalid choice: %q (choose from '%s')", verb, strings.Join(names, "', '"))
	}
	var all []string
	for _, ac := range actions {
		all = append(all, ac.allowed...)
	}
	for _, p := range all {
		if args.has(p) && !slices.Contains(actions[i].allowed, p) {
			return "", usagef("%s %s does not take --%s", command, verb, p)
		}
	}
	for _, p := range actions[i].required {
		if !args.has(p) {
			return "", usagef("the following arguments are required: --%s", p)
		}
	}
	return verb, nil
}
