package dbrotate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
)

// myFixture creates a database with an orders table, an application user
// allowed to read it, and a master user able to create users and grant;
// all are dropped at cleanup.
func myFixture(t *testing.T, root *sql.DB) (user, password, db, master, masterPW string) {
	t.Helper()
	s := suffix()
	user, password, db = "app_"+s, "Initial-"+suffix(), "appdb_"+s
	master, masterPW = "master_"+s, "Master-"+suffix()
	t.Cleanup(func() {
		for _, q := range []string{
			"DROP USER IF EXISTS '" + user + "'@'%'",
			"DROP USER IF EXISTS '" + user + "_clone'@'%'",
			"DROP USER IF EXISTS '" + master + "'@'%'",
			"DROP DATABASE IF EXISTS " + db,
		} {
			if _, err := root.Exec(q); err != nil {
				t.Errorf("cleanup %q: %v", q, err)
			}
		}
	})
	for _, q := range []string{
		"CREATE DATABASE " + db,
		"CREATE TABLE " + db + ".orders (id int)",
		fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'", user, password),
		fmt.Sprintf("GRANT SELECT ON %s.* TO '%s'@'%%'", db, user),
		fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'", master, masterPW),
		fmt.Sprintf("GRANT ALL PRIVILEGES ON *.* TO '%s'@'%%' WITH GRANT OPTION", master),
	} {
		if _, err := root.Exec(q); err != nil {
			t.Fatalf("%s: %v", strings.SplitN(q, " IDENTIFIED", 2)[0], err)
		}
	}
	return
}

func TestMySQLSingleUser(t *testing.T) {
	root, host, port := mariaRoot(t)
	user, pw, db, _, _ := myFixture(t, root)
	b := newStore(t)
	arn := putSecret(t, b, "my/app", map[string]any{"engine": "mysql", "host": host, "port": port, "username": user, "password": pw, "dbname": db})
	if err := myCanLogin(host, port, user, pw, db); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	for round := 1; round <= 2; round++ {
		before := current(t, b, arn, backend.StageCurrent)
		if _, err := engine(b, nil).Rotate(context.Background(), arn, "mysql-single-user", ""); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		after := current(t, b, arn, backend.StageCurrent)
		checkGenerated(t, after.Password, mysqlExclude)
		if err := myCanLogin(host, port, user, after.Password, db); err != nil {
			t.Fatalf("round %d: the new password does not log in: %v", round, err)
		}
		if err := myCanLogin(host, port, user, before.Password, db); err == nil {
			t.Fatalf("round %d: the old password still logs in", round)
		}
	}
}

func TestMySQLAlternatingUsers(t *testing.T) {
	root, host, port := mariaRoot(t)
	user, pw, db, master, masterPW := myFixture(t, root)
	b := newStore(t)
	masterARN := putSecret(t, b, "my/master", map[string]any{"engine": "mariadb", "host": host, "port": port, "username": master, "password": masterPW})
	arn := putSecret(t, b, "my/app", map[string]any{"engine": "mysql", "host": host, "port": port, "username": user, "password": pw, "dbname": db, "masterarn": masterARN})

	stop, failures, attempts := watchApplication(t, b, arn, func(cr creds) error {
		return myCanLogin(host, port, cr.Username, cr.Password, db)
	})
	for round, wantUser := range []string{user + "_clone", user} {
		if _, err := engine(b, nil).Rotate(context.Background(), arn, "mysql-alternating-users", ""); err != nil {
			t.Fatalf("round %d: %v", round+1, err)
		}
		cur := current(t, b, arn, backend.StageCurrent)
		if cur.Username != wantUser {
			t.Fatalf("round %d: AWSCURRENT user %s, want %s", round+1, cur.Username, wantUser)
		}
		checkGenerated(t, cur.Password, mysqlExclude)
		if err := myCanLogin(host, port, cur.Username, cur.Password, db); err != nil {
			t.Fatalf("round %d: %s cannot log in and read orders: %v", round+1, cur.Username, err)
		}
	}
	stop()
	if n := failures.Load(); n != 0 || attempts.Load() == 0 {
		t.Fatalf("the application failed %d of %d connections", n, attempts.Load())
	}
	grants := func(u string) []string {
		rows, err := root.Query("SHOW GRANTS FOR '" + u + "'@'%'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var g string
			if err := rows.Scan(&g); err != nil {
				t.Fatal(err)
			}
			what, _, _ := strings.Cut(g, " TO ")
			out = append(out, what)
		}
		return out
	}
	if a, c := grants(user), grants(user+"_clone"); strings.Join(a, ";") != strings.Join(c, ";") {
		t.Fatalf("grants differ:\n%s: %v\nclone: %v", user, a, c)
	}
}

func TestMySQLCrashAfterEachStep(t *testing.T) {
	root, host, port := mariaRoot(t)
	for _, stop := range rotation.Steps() {
		t.Run("after "+stop, func(t *testing.T) {
			user, pw, db, _, _ := myFixture(t, root)
			b := newStore(t)
			arn := putSecret(t, b, "my/app", map[string]any{"host": host, "port": port, "username": user, "password": pw, "dbname": db})
			old := current(t, b, arn, backend.StageCurrent)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tok := uuid.NewString()
			_, err := engine(b, func(ev rotation.Event) {
				if ev.Step == stop && ev.Phase == rotation.Finished {
					cancel()
				}
			}).Rotate(ctx, arn, "mysql-single-user", tok)
			if stop != rotation.StepFinish && !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v", err)
			}
			if _, err := engine(b, nil).Rotate(context.Background(), arn, "mysql-single-user", tok); err != nil {
				t.Fatalf("rerun: %v", err)
			}
			cur := current(t, b, arn, backend.StageCurrent)
			if cur.Version != tok || current(t, b, arn, backend.StagePrevious).Version != old.Version {
				t.Fatal("labels did not converge")
			}
			if err := myCanLogin(host, port, user, cur.Password, db); err != nil {
				t.Fatalf("AWSCURRENT does not log in: %v", err)
			}
			if err := myCanLogin(host, port, user, old.Password, db); err == nil {
				t.Fatal("the old password still logs in")
			}
		})
	}
}

func TestMySQLFailingSetSecretLeaksNothing(t *testing.T) {
	root, host, port := mariaRoot(t)
	user, _, db, _, _ := myFixture(t, root)
	b := newStore(t)
	wrong := "Wrong-" + suffix()
	arn := putSecret(t, b, "my/app", map[string]any{"host": host, "port": port, "username": user, "password": wrong, "dbname": db})
	old := current(t, b, arn, backend.StageCurrent)
	_, err := engine(b, nil).Rotate(context.Background(), arn, "mysql-single-user", "")
	var se *rotation.StepError
	if !errors.As(err, &se) || se.Step != rotation.StepSet {
		t.Fatalf("error %v, want setSecret to fail", err)
	}
	if cur := current(t, b, arn, backend.StageCurrent); cur.Version != old.Version {
		t.Fatal("AWSCURRENT moved")
	}
	pend := current(t, b, arn, backend.StagePending)
	noSecrets(t, "the error", err.Error(), wrong, pend.Password)
	if !strings.Contains(err.Error(), "Access denied") {
		t.Fatalf("the error does not say why: %v", err)
	}
}
