package rotation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/secretary-sh/secretary/backend"
)

// Password is the "password" rotation function: it replaces the whole
// SecretString, or only the chosen keys of a JSON object, with passwords
// from the backend's GetRandomPassword. It changes nothing outside the
// store, so setSecret has nothing to do and testSecret checks the shape.
//
// Options, URL-query style after the name:
//
//	password?keys=password,api_key&length=40&exclude-characters=%22%27&exclude-punctuation=true
//
// keys, length, exclude-characters, exclude-numbers, exclude-punctuation,
// exclude-uppercase, exclude-lowercase, include-space,
// require-each-included-type.
type Password struct {
	Keys    []string
	Options backend.GetRandomPasswordInput
}

// NewPassword parses the options of a "password" function name.
func NewPassword(opts string) (*Password, error) {
	q, err := url.ParseQuery(opts)
	if err != nil {
		return nil, fmt.Errorf("options: %w", err)
	}
	p := &Password{}
	for k, vs := range q {
		v := vs[len(vs)-1]
		var berr error
		flag := func(dst *bool) { *dst, berr = strconv.ParseBool(v) }
		switch k {
		case "keys":
			for key := range strings.SplitSeq(v, ",") {
				if key = strings.TrimSpace(key); key != "" {
					p.Keys = append(p.Keys, key)
				}
			}
		case "length":
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("length %q is not a number", v)
			}
			p.Options.PasswordLength = &n
		case "exclude-characters":
			p.Options.ExcludeCharacters = v
		case "exclude-numbers":
			flag(&p.Options.ExcludeNumbers)
		case "exclude-punctuation":
			flag(&p.Options.ExcludePunctuation)
		case "exclude-uppercase":
			flag(&p.Options.ExcludeUppercase)
		case "exclude-lowercase":
			flag(&p.Options.ExcludeLowercase)
		case "include-space":
			flag(&p.Options.IncludeSpace)
		case "require-each-included-type":
			var b bool
			flag(&b)
			p.Options.RequireEachIncludedType = &b
		default:
			return nil, fmt.Errorf("unknown option %q", k)
		}
		if berr != nil {
			return nil, fmt.Errorf("option %s=%q is not true or false", k, v)
		}
	}
	return p, nil
}

// Step implements Function.
func (p *Password) Step(ctx context.Context, req Request) error {
	switch req.Step {
	case StepCreate:
		return p.create(ctx, req)
	case StepSet:
		return nil
	case StepTest:
		return p.test(ctx, req)
	case StepFinish:
		return Finish(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
	}
	return fmt.Errorf("unknown step %q", req.Step)
}

// Generate returns a new password with the function's options.
func (p *Password) Generate(ctx context.Context, b backend.Backend) (string, error) {
	in := p.Options
	return GeneratePassword(ctx, b, &in)
}

// GeneratePassword asks the backend for a random password, as the AWS
// templates do, and refuses an empty one.
func GeneratePassword(ctx context.Context, b backend.Backend, in *backend.GetRandomPasswordInput) (string, error) {
	pw, err := b.GetRandomPassword(ctx, in)
	if err != nil {
		return "", fmt.Errorf("generate a password: %w", err)
	}
	if pw == "" {
		return "", backend.Errorf(backend.CodeInternalServiceError, "GetRandomPassword returned an empty password")
	}
	return pw, nil
}

func (p *Password) create(ctx context.Context, req Request) error {
	pending, err := GetPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
	if err != nil || pending != nil {
		pending.Wipe()
		return err
	}
	var next string
	if len(p.Keys) == 0 {
		// A whole-value rotation of a JSON object would replace a set of
		// credentials (host, username, …) with one bare password, breaking
		// every client on the next finishSecret. Refuse and say how to
		// rotate the right key instead.
		if err := refuseJSONObject(ctx, req); err != nil {
			return err
		}
		if next, err = p.Generate(ctx, req.Backend); err != nil {
			return err
		}
	} else {
		cur, err := GetStage(ctx, req.Backend, req.SecretID, backend.StageCurrent)
		if err != nil {
			return err
		}
		obj, err := jsonObject(cur)
		cur.Wipe()
		if err != nil {
			return err
		}
		for _, k := range p.Keys {
			pw, err := p.Generate(ctx, req.Backend)
			if err != nil {
				return err
			}
			raw, _ := json.Marshal(pw)
			obj[k] = raw
		}
		out, err := json.Marshal(obj)
		if err != nil {
			return fmt.Errorf("encode the new value: %w", err)
		}
		next = string(out)
	}
	return PutPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken, next)
}

func (p *Password) test(ctx context.Context, req Request) error {
	pending, err := GetPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
	if err != nil {
		return err
	}
	if pending == nil {
		return backend.Errorf(backend.CodeResourceNotFound, "version %s is not AWSPENDING", req.ClientRequestToken)
	}
	defer pending.Wipe()
	if len(p.Keys) == 0 {
		if pending.SecretString == nil || *pending.SecretString == "" {
			return backend.Errorf(backend.CodeInvalidRequest, "the pending version has no SecretString")
		}
		return nil
	}
	obj, err := jsonObject(pending)
	if err != nil {
		return err
	}
	for _, k := range p.Keys {
		var s string
		if err := json.Unmarshal(obj[k], &s); err != nil || s == "" {
			return backend.Errorf(backend.CodeInvalidRequest, "the pending value has no password in key %q", k)
		}
	}
	return nil
}

// refuseJSONObject fails when the AWSCURRENT value is a JSON object.
func refuseJSONObject(ctx context.Context, req Request) error {
	cur, err := GetStage(ctx, req.Backend, req.SecretID, backend.StageCurrent)
	if err != nil {
		return err
	}
	defer cur.Wipe()
	if cur.SecretString == nil {
		return nil
	}
	s := strings.TrimSpace(*cur.SecretString)
	if !strings.HasPrefix(s, "{") || !json.Valid([]byte(s)) {
		return nil
	}
	return backend.Errorf(backend.CodeInvalidRequest,
		"the current value is a JSON object: rotating it whole would replace every key with one password; name the keys to rotate, as in password?keys=password")
}

// jsonObject decodes a SecretString holding a JSON object. Its error never
// quotes the value.
func jsonObject(v *backend.SecretValue) (map[string]json.RawMessage, error) {
	if v.SecretString == nil {
		return nil, backend.Errorf(backend.CodeInvalidRequest, "version %s holds a SecretBinary, not a JSON SecretString", v.VersionID)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(*v.SecretString), &obj); err != nil || obj == nil {
		return nil, backend.Errorf(backend.CodeInvalidRequest, "version %s is not a JSON object", v.VersionID)
	}
	return obj, nil
}
