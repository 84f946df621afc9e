package dbrotate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
	"github.com/secretary-sh/secretary/backend/rotation"
)

// storeWithDatabaseFunctions is the embedded store configured as the CLI
// configures it: RotateSecret runs the database functions in process.
func storeWithDatabaseFunctions(t *testing.T) *local.Store {
	t.Helper()
	reg := rotation.NewRegistry()
	rotation.RegisterBuiltins(reg, nil)
	Register(reg)
	return localtest.NewStoreWith(t, local.Options{Actor: "rotation-test", Rotation: reg}).Store
}

// The whole path an operator takes: RotateSecret on the embedded store
// with postgres-single-user, against a cluster that checks passwords. Then
// a setSecret that the server refuses leaves AWSCURRENT alone, keeps the
// AWSPENDING version, names the step, and quotes no password.
func TestPostgresSingleUserThroughStoreRotateSecret(t *testing.T) {
	ctx := context.Background()
	c := startPostgres(t)
	user, oldPW, db := pgFixture(t, c)
	s := storeWithDatabaseFunctions(t)
	arn := putSecret(t, s, "pg/app", map[string]any{"engine": "postgres", "host": "127.0.0.1", "port": c.port, "username": user, "password": oldPW, "dbname": db})
	before := current(t, s, arn, backend.StageCurrent)

	out, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "pg/app", RotationLambdaARN: "postgres-single-user",
		RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 30}})
	if err != nil {
		t.Fatalf("RotateSecret: %v", err)
	}
	after := current(t, s, arn, backend.StageCurrent)
	if after.Version != out.VersionID || after.Password == oldPW {
		t.Fatalf("AWSCURRENT is %s, RotateSecret returned %s", after.Version, out.VersionID)
	}
	checkGenerated(t, after.Password, postgresExclude)
	if err := c.canLogin(t, user, after.Password, db); err != nil {
		t.Fatalf("the new password does not log in: %v", err)
	}
	if err := c.canLogin(t, user, oldPW, db); err == nil {
		t.Fatal("the old password still logs in")
	}
	if prev := current(t, s, arn, backend.StagePrevious); prev.Version != before.Version {
		t.Fatal("AWSPREVIOUS is not the old version")
	}
	meta, err := s.DescribeSecret(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if !meta.RotationEnabled || meta.LastRotatedDate.IsZero() || meta.NextRotationDate.IsZero() {
		t.Fatalf("rotation fields: enabled=%v last=%v next=%v", meta.RotationEnabled, meta.LastRotatedDate, meta.NextRotationDate)
	}

	// The server refuses the user's logins from now on: setSecret, which
	// logs in as the user, must fail.
	if _, err := c.super(t).Exec(ctx, fmt.Sprintf(`ALTER ROLE %s NOLOGIN`, user)); err != nil {
		t.Fatal(err)
	}
	_, rotErr := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: arn})
	var stepErr *rotation.StepError
	if !errors.As(rotErr, &stepErr) || stepErr.Step != rotation.StepSet {
		t.Fatalf("error = %v, want setSecret to fail", rotErr)
	}
	if cur := current(t, s, arn, backend.StageCurrent); cur.Version != after.Version {
		t.Fatal("AWSCURRENT moved after a failed setSecret")
	}
	pending, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: arn, VersionStage: backend.StagePending})
	if err != nil {
		t.Fatalf("the AWSPENDING version is gone: %v", err)
	}
	var p struct{ Password string }
	_ = json.Unmarshal([]byte(*pending.SecretString), &p)
	t.Logf("the operator sees: %v", rotErr)
	noSecrets(t, "the error", rotErr.Error(), oldPW, after.Password, p.Password, c.password)
	recs, err := s.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(recs)
	noSecrets(t, "the audit log", string(raw), oldPW, after.Password, p.Password, c.password)
}
