package dbrotate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
)

func engine(b backend.Backend, progress func(rotation.Event)) *rotation.Engine {
	r := rotation.NewRegistry()
	Register(r)
	return &rotation.Engine{Backend: b, Functions: r, Progress: progress}
}

func putSecret(t *testing.T, b backend.Backend, name string, v map[string]any) string {
	t.Helper()
	raw, _ := json.Marshal(v)
	s := string(raw)
	out, err := b.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: name, SecretString: &s, ClientRequestToken: uuid.NewString()})
	if err != nil {
		t.Fatal(err)
	}
	return out.ARN
}

type creds struct {
	Username, Password string
	Version            string
}

func current(t *testing.T, b backend.Backend, id, stage string) creds {
	t.Helper()
	v, err := b.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: id, VersionStage: stage})
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Username, Password string }
	if err := json.Unmarshal([]byte(*v.SecretString), &m); err != nil {
		t.Fatal(err)
	}
	return creds{m.Username, m.Password, v.VersionID}
}

func checkGenerated(t *testing.T, pw, exclude string) {
	t.Helper()
	if len(pw) != 32 || strings.ContainsAny(pw, exclude) {
		t.Fatalf("generated password of %d characters contains one of %q", len(pw), exclude)
	}
}

// noSecrets fails when any of secrets appears in s.
func noSecrets(t *testing.T, where, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Fatalf("a password leaked into %s", where)
		}
	}
}

// pgFixture makes a login role owning nothing, with SELECT on a table, in a
// database of its own.
func pgFixture(t *testing.T, c *pgCluster) (user, password, db string) {
	t.Helper()
	ctx := context.Background()
	su := c.super(t)
	user, password, db = "app_"+suffix(), "Initial-"+suffix(), "appdb_"+suffix()
	for _, q := range []string{
		fmt.Sprintf(`CREATE ROLE %s WITH LOGIN PASSWORD '%s'`, user, password),
		fmt.Sprintf(`CREATE DATABASE %s`, db),
	} {
		if _, err := su.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	dbc, err := c.connect(t, "postgres", c.password, db)
	if err != nil {
		t.Fatal(err)
	}
	defer dbc.Close(ctx)
	for _, q := range []string{
		`CREATE TABLE orders (id int)`,
		fmt.Sprintf(`GRANT SELECT ON orders TO %s`, user),
	} {
		if _, err := dbc.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return user, password, db
}

func TestPostgresSingleUser(t *testing.T) {
	c := startPostgres(t)
	user, oldPW, db := pgFixture(t, c)
	b := newStore(t)
	arn := putSecret(t, b, "pg/app", map[string]any{"engine": "postgres", "host": "127.0.0.1", "port": c.port, "username": user, "password": oldPW, "dbname": db})
	if err := c.canLogin(t, user, oldPW, db); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	for round := 1; round <= 2; round++ {
		before := current(t, b, arn, backend.StageCurrent)
		if _, err := engine(b, nil).Rotate(context.Background(), arn, "postgres-single-user", ""); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		after := current(t, b, arn, backend.StageCurrent)
		checkGenerated(t, after.Password, postgresExclude)
		if after.Username != user || after.Password == before.Password {
			t.Fatalf("round %d: AWSCURRENT not rotated", round)
		}
		if err := c.canLogin(t, user, after.Password, db); err != nil {
			t.Fatalf("round %d: the new password does not log in: %v", round, err)
		}
		if err := c.canLogin(t, user, before.Password, db); err == nil {
			t.Fatalf("round %d: the old password still logs in", round)
		}
		if prev := current(t, b, arn, backend.StagePrevious); prev.Version != before.Version {
			t.Fatalf("round %d: AWSPREVIOUS is not the old version", round)
		}
	}
}

func TestPostgresAlternatingUsers(t *testing.T) {
	c := startPostgres(t)
	user, pw, db := pgFixture(t, c)
	b := newStore(t)
	master := putSecret(t, b, "pg/master", map[string]any{"engine": "postgres", "host": "127.0.0.1", "port": c.port, "username": "postgres", "password": c.password})
	arn := putSecret(t, b, "pg/app", map[string]any{"engine": "postgres", "host": "127.0.0.1", "port": c.port, "username": user, "password": pw, "dbname": db, "masterarn": master})

	// An application reads AWSCURRENT and connects, over and over, while the
	// secret rotates twice: every attempt must succeed.
	app := func(cr creds) error { return c.canLogin(t, cr.Username, cr.Password, db) }
	stop, failures, attempts := watchApplication(t, b, arn, app)

	want := []string{user + "_clone", user}
	for round, wantUser := range want {
		if _, err := engine(b, nil).Rotate(context.Background(), arn, "postgres-alternating-users", ""); err != nil {
			t.Fatalf("round %d: %v", round+1, err)
		}
		cur := current(t, b, arn, backend.StageCurrent)
		if cur.Username != wantUser {
			t.Fatalf("round %d: AWSCURRENT user %s, want %s", round+1, cur.Username, wantUser)
		}
		checkGenerated(t, cur.Password, postgresExclude)
		if err := c.canLogin(t, cur.Username, cur.Password, db); err != nil {
			t.Fatalf("round %d: %s cannot log in and read orders (grants not copied?): %v", round+1, cur.Username, err)
		}
		prev := current(t, b, arn, backend.StagePrevious)
		if err := c.canLogin(t, prev.Username, prev.Password, db); err != nil {
			t.Fatalf("round %d: the previous user stopped working during alternation: %v", round+1, err)
		}
	}
	stop()
	if n := failures.Load(); n != 0 {
		t.Fatalf("the application failed %d of %d connections", n, attempts.Load())
	}
	if attempts.Load() == 0 {
		t.Fatal("the application never ran")
	}
	var members int
	if err := c.super(t).QueryRow(context.Background(),
		"SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = $1 AND u.rolname = $2",
		user, user+"_clone").Scan(&members); err != nil || members != 1 {
		t.Fatalf("the clone is not a member of %s: %d, %v", user, members, err)
	}
}

func watchApplication(t *testing.T, b backend.Backend, arn string, connect func(creds) error) (stop func(), failures, attempts *atomic.Int64) {
	failures, attempts = &atomic.Int64{}, &atomic.Int64{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			v, err := b.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: arn})
			if err == nil {
				var m struct{ Username, Password string }
				_ = json.Unmarshal([]byte(*v.SecretString), &m)
				err = connect(creds{Username: m.Username, Password: m.Password})
			}
			attempts.Add(1)
			if err != nil {
				failures.Add(1)
				t.Logf("application: %v", err)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() { close(done); wg.Wait() }, failures, attempts
}

// The engine stops right after each step in turn; a rerun with the same
// token converges on the database and in the store.
func TestPostgresCrashAfterEachStep(t *testing.T) {
	c := startPostgres(t)
	for _, stop := range rotation.Steps() {
		t.Run("after "+stop, func(t *testing.T) {
			user, pw, db := pgFixture(t, c)
			b := newStore(t)
			arn := putSecret(t, b, "pg/app", map[string]any{"host": "127.0.0.1", "port": c.port, "username": user, "password": pw, "dbname": db})
			old := current(t, b, arn, backend.StageCurrent)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tok := uuid.NewString()
			_, err := engine(b, func(ev rotation.Event) {
				if ev.Step == stop && ev.Phase == rotation.Finished {
					cancel()
				}
			}).Rotate(ctx, arn, "postgres-single-user", tok)
			if stop != rotation.StepFinish && !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v", err)
			}
			if _, err := engine(b, nil).Rotate(context.Background(), arn, "postgres-single-user", tok); err != nil {
				t.Fatalf("rerun: %v", err)
			}
			cur := current(t, b, arn, backend.StageCurrent)
			if cur.Version != tok || current(t, b, arn, backend.StagePrevious).Version != old.Version {
				t.Fatal("labels did not converge")
			}
			m, _ := b.DescribeSecret(context.Background(), arn)
			if len(m.VersionIdsToStages) != 2 {
				t.Fatalf("labels %v", m.VersionIdsToStages)
			}
			if err := c.canLogin(t, user, cur.Password, db); err != nil {
				t.Fatalf("AWSCURRENT does not log in: %v", err)
			}
			if err := c.canLogin(t, user, old.Password, db); err == nil {
				t.Fatal("the old password still logs in")
			}
		})
	}
}

// A setSecret that cannot log in leaves AWSCURRENT alone and the pending
// version visible, and no password shows in the error or the events.
func TestPostgresFailingSetSecretLeaksNothing(t *testing.T) {
	c := startPostgres(t)
	user, _, db := pgFixture(t, c)
	b := newStore(t)
	wrong := "Wrong-" + suffix()
	arn := putSecret(t, b, "pg/app", map[string]any{"host": "127.0.0.1", "port": c.port, "username": user, "password": wrong, "dbname": db})
	old := current(t, b, arn, backend.StageCurrent)
	var events []rotation.Event
	res, err := engine(b, func(ev rotation.Event) { events = append(events, ev) }).Rotate(context.Background(), arn, "postgres-single-user", "")
	var se *rotation.StepError
	if !errors.As(err, &se) || se.Step != rotation.StepSet {
		t.Fatalf("error %v, want setSecret to fail", err)
	}
	pending, perr := b.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: arn, VersionStage: backend.StagePending})
	if perr != nil || pending.VersionID != res.VersionID {
		t.Fatalf("pending version not visible: %v", perr)
	}
	var pm struct{ Password string }
	_ = json.Unmarshal([]byte(*pending.SecretString), &pm)
	if cur := current(t, b, arn, backend.StageCurrent); cur.Version != old.Version {
		t.Fatal("AWSCURRENT moved")
	}
	noSecrets(t, "the error", err.Error(), wrong, pm.Password)
	for _, ev := range events {
		if ev.Err != nil {
			noSecrets(t, "a progress event", ev.Err.Error(), wrong, pm.Password)
		}
	}
	if a, ok := b.(backend.Auditor); ok {
		recs, aerr := a.AuditLog(context.Background(), backend.AuditQuery{})
		if aerr != nil || len(recs) == 0 {
			t.Fatalf("audit log: %d records, %v", len(recs), aerr)
		}
		noSecrets(t, "the audit log", fmt.Sprintf("%+v", recs), wrong, pm.Password)
	}
	if !strings.Contains(err.Error(), "password authentication failed") {
		t.Fatalf("the error does not say why: %v", err)
	}
}
