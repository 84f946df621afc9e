// Package dbrotate holds the database rotation functions
// postgres-single-user, postgres-alternating-users, mysql-single-user and
// mysql-alternating-users. They do what the AWS rotation templates
// (SecretsManagerRDSPostgreSQLRotationSingleUser and friends) do, over pure
// Go drivers, with the secret's JSON keys engine, host, port, username,
// password, dbname and, for alternating users, masterarn naming the secret
// of a user allowed to manage the two users.
//
// Identifiers are quoted by the driver's rules and passwords travel either as
// bound parameters escaped by the driver (MySQL/MariaDB) or as a SCRAM
// verifier computed here (PostgreSQL), so the plaintext never reaches the
// server's statement log. No error quotes a password.
package dbrotate

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
)

// Register adds the four database rotation functions to r.
func Register(r *rotation.Registry) {
	for _, d := range []*dialect{postgresDialect(), mysqlDialect()} {
		r.Register(d.engine+"-single-user", noOptions(&Function{d: d}))
		r.Register(d.engine+"-alternating-users", noOptions(&Function{d: d, alternating: true}))
	}
}

func noOptions(f *Function) rotation.Factory {
	return func(opts string) (rotation.Function, error) {
		if opts != "" {
			return nil, fmt.Errorf("takes no options")
		}
		return f, nil
	}
}

// ConnectTimeout bounds each login attempt.
const ConnectTimeout = 10 * time.Second

// conn is an open database session.
type conn interface {
	exec(ctx context.Context, sql string, args ...any) error
	// strings returns the first column of every row.
	strings(ctx context.Context, sql string, args ...any) ([]string, error)
	close()
}

// dialect is what differs between PostgreSQL and MySQL/MariaDB.
type dialect struct {
	engine      string
	engines     []string // accepted values of the "engine" key
	exclude     string   // characters generated passwords never contain
	defaultPort int
	maxUser     int
	login       func(ctx context.Context, s *dbSecret) (conn, error)
	// setOwn changes the logged-in user's own password.
	setOwn func(ctx context.Context, c conn, s *dbSecret, password string) error
	// setOther creates pending's user if needed (with current's grants) and
	// sets its password, logged in as the master user.
	setOther func(ctx context.Context, master conn, current, pending *dbSecret) error
}

// dbSecret is the JSON value of a database secret. raw keeps every key so a
// rotation changes only username/password.
type dbSecret struct {
	Engine    string
	Host      string
	Port      int
	Username  string
	Password  string
	DBName    string
	MasterARN string
	raw       map[string]json.RawMessage
}

func (d *dialect) parse(v *backend.SecretValue) (*dbSecret, error) {
	if v.SecretString == nil {
		return nil, backend.Errorf(backend.CodeInvalidRequest, "version %s holds a SecretBinary; a database secret is a JSON SecretString", v.VersionID)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(*v.SecretString), &raw); err != nil || raw == nil {
		return nil, backend.Errorf(backend.CodeInvalidRequest, "version %s is not a JSON object with the keys host, username and password", v.VersionID)
	}
	s := &dbSecret{raw: raw, Port: d.defaultPort}
	str := func(k string) (string, error) {
		r, ok := raw[k]
		if !ok {
			return "", nil
		}
		var out string
		if err := json.Unmarshal(r, &out); err != nil {
			return "", backend.Errorf(backend.CodeInvalidRequest, "version %s: key %q must be a string", v.VersionID, k)
		}
		return out, nil
	}
	var err error
	for k, dst := range map[string]*string{"engine": &s.Engine, "host": &s.Host, "username": &s.Username, "password": &s.Password, "dbname": &s.DBName, "masterarn": &s.MasterARN} {
		if *dst, err = str(k); err != nil {
			return nil, err
		}
	}
	if p, ok := raw["port"]; ok {
		n, err := strconv.Atoi(strings.Trim(string(p), `" `))
		if err != nil || n < 1 || n > 65535 {
			return nil, backend.Errorf(backend.CodeInvalidRequest, "version %s: key \"port\" must be a port number", v.VersionID)
		}
		s.Port = n
	}
	for k, val := range map[string]string{"host": s.Host, "username": s.Username, "password": s.Password} {
		if val == "" {
			return nil, backend.Errorf(backend.CodeInvalidRequest, "version %s: the database secret has no %q key", v.VersionID, k)
		}
	}
	if s.Engine != "" {
		ok := false
		for _, e := range d.engines {
			ok = ok || strings.EqualFold(s.Engine, e)
		}
		if !ok {
			return nil, backend.Errorf(backend.CodeInvalidRequest, "Database engine must be set to '%s' in order to use this rotation function (the secret says %q)", d.engines[0], s.Engine)
		}
	}
	return s, nil
}

// with returns the secret's JSON with username and password replaced.
func (s *dbSecret) with(username, password string) (string, error) {
	out := make(map[string]json.RawMessage, len(s.raw))
	for k, v := range s.raw {
		out[k] = v
	}
	u, _ := json.Marshal(username)
	p, _ := json.Marshal(password)
	out["username"], out["password"] = u, p
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encode the pending value: %w", err)
	}
	return string(b), nil
}

// Function is one database rotation function.
type Function struct {
	d           *dialect
	alternating bool
}

// Step implements rotation.Function.
func (f *Function) Step(ctx context.Context, req rotation.Request) error {
	switch req.Step {
	case rotation.StepCreate:
		return f.create(ctx, req)
	case rotation.StepSet:
		return f.set(ctx, req)
	case rotation.StepTest:
		return f.test(ctx, req)
	case rotation.StepFinish:
		return rotation.Finish(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
	}
	return fmt.Errorf("unknown step %q", req.Step)
}

// Alternate returns the other user of an alternating pair: name_clone for
// name, and name for name_clone.
func Alternate(name string) string {
	if base, ok := strings.CutSuffix(name, "_clone"); ok {
		return base
	}
	return name + "_clone"
}

func (f *Function) create(ctx context.Context, req rotation.Request) error {
	b := req.Backend
	pending, err := rotation.GetPending(ctx, b, req.SecretID, req.ClientRequestToken)
	if err != nil || pending != nil {
		pending.Wipe()
		return err
	}
	curV, err := rotation.GetStage(ctx, b, req.SecretID, backend.StageCurrent)
	if err != nil {
		return err
	}
	defer curV.Wipe()
	cur, err := f.d.parse(curV)
	if err != nil {
		return err
	}
	user := cur.Username
	if f.alternating {
		if cur.MasterARN == "" {
			return backend.Errorf(backend.CodeInvalidRequest, "an alternating-users secret needs a \"masterarn\" key naming the secret of a user that can manage %s", cur.Username)
		}
		user = Alternate(user)
		if len(user) > f.d.maxUser {
			return backend.Errorf(backend.CodeInvalidRequest, "the alternate user name %q is longer than %d characters", user, f.d.maxUser)
		}
	}
	pw, err := rotation.GeneratePassword(ctx, b, &backend.GetRandomPasswordInput{ExcludeCharacters: f.d.exclude})
	if err != nil {
		return err
	}
	next, err := cur.with(user, pw)
	if err != nil {
		return err
	}
	return rotation.PutPending(ctx, b, req.SecretID, req.ClientRequestToken, next)
}

// pendingSecret reads and parses the token's AWSPENDING version.
func (f *Function) pendingSecret(ctx context.Context, req rotation.Request) (*dbSecret, error) {
	v, err := rotation.GetPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "version %s is not AWSPENDING", req.ClientRequestToken)
	}
	defer v.Wipe()
	return f.d.parse(v)
}

func (f *Function) stageSecret(ctx context.Context, b backend.Backend, id, stage string) (*dbSecret, error) {
	v, err := rotation.GetStage(ctx, b, id, stage)
	if err != nil {
		return nil, err
	}
	defer v.Wipe()
	return f.d.parse(v)
}

// login connects and hides any password from the error.
func (f *Function) login(ctx context.Context, s *dbSecret) (conn, error) {
	ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	c, err := f.d.login(ctx, s)
	return c, rotation.Redact(err, s.Password)
}

func (f *Function) set(ctx context.Context, req rotation.Request) error {
	b := req.Backend
	pend, err := f.pendingSecret(ctx, req)
	if err != nil {
		return err
	}
	// Already set (a rerun after a crash): nothing to do.
	if c, err := f.login(ctx, pend); err == nil {
		c.close()
		return nil
	}
	cur, err := f.stageSecret(ctx, b, req.SecretID, backend.StageCurrent)
	if err != nil {
		return err
	}
	if pend.Host != cur.Host || pend.Port != cur.Port {
		return backend.Errorf(backend.CodeInvalidRequest, "the pending version points at %s:%d but the current one at %s:%d; a rotation cannot move a user to another server", pend.Host, pend.Port, cur.Host, cur.Port)
	}
	secrets := []string{pend.Password, cur.Password}
	if !f.alternating {
		if pend.Username != cur.Username {
			return backend.Errorf(backend.CodeInvalidRequest, "the pending version names user %q but the current one %q: single-user rotation changes only the password", pend.Username, cur.Username)
		}
		c, err := f.login(ctx, cur)
		if err != nil {
			// The template's fallback: a rotation that changed the password
			// but crashed before finishSecret may have left AWSPREVIOUS as
			// the working credential after a manual relabel.
			prev, perr := f.stageSecret(ctx, b, req.SecretID, backend.StagePrevious)
			if perr == nil && prev.Username == cur.Username {
				secrets = append(secrets, prev.Password)
				c, err = f.login(ctx, prev)
			}
			if err != nil {
				return rotation.Redact(fmt.Errorf("unable to log into the database with the previous, current, or pending secret: %w", err), secrets...)
			}
		}
		defer c.close()
		return rotation.Redact(f.d.setOwn(ctx, c, pend, pend.Password), secrets...)
	}
	c, err := f.login(ctx, cur)
	if err != nil {
		return fmt.Errorf("unable to log into the database using the current credentials: %w", err)
	}
	c.close()
	if cur.MasterARN == "" {
		return backend.Errorf(backend.CodeInvalidRequest, "the current version has no \"masterarn\" key")
	}
	master, err := f.stageSecret(ctx, b, cur.MasterARN, backend.StageCurrent)
	if err != nil {
		return fmt.Errorf("read the master secret: %w", err)
	}
	secrets = append(secrets, master.Password)
	if master.Host != cur.Host || master.Port != cur.Port {
		return backend.Errorf(backend.CodeInvalidRequest, "the master secret points at %s:%d but this secret at %s:%d", master.Host, master.Port, cur.Host, cur.Port)
	}
	if master.DBName == "" {
		master.DBName = cur.DBName
	}
	mc, err := f.login(ctx, master)
	if err != nil {
		return fmt.Errorf("unable to log into the database with the master secret: %w", err)
	}
	defer mc.close()
	return rotation.Redact(f.d.setOther(ctx, mc, cur, pend), secrets...)
}

func (f *Function) test(ctx context.Context, req rotation.Request) error {
	pend, err := f.pendingSecret(ctx, req)
	if err != nil {
		return err
	}
	c, err := f.login(ctx, pend)
	if err != nil {
		return fmt.Errorf("unable to log into the database with the pending secret: %w", err)
	}
	defer c.close()
	if _, err := c.strings(ctx, "SELECT NOW()"); err != nil {
		return rotation.Redact(fmt.Errorf("SELECT NOW() with the pending secret: %w", err), pend.Password)
	}
	return nil
}
