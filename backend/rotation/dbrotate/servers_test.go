package dbrotate

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// newStore returns the embedded store the rotations run on in production,
// in a new SQLite file.
func newStore(t *testing.T) backend.Backend {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s, err := local.Init(context.Background(), filepath.Join(t.TempDir(), "store.db"), local.Credential{Key: key}, local.Options{Actor: "rotation-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// unavailable fails the test in CI, where the databases must be running,
// and skips it elsewhere with the reason.
func unavailable(t *testing.T, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not available in CI: %v", what, err)
	}
	t.Skipf("skipped: %s is not available (%v); CI=true turns this into a failure", what, err)
}

func suffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// pgCluster is a throwaway PostgreSQL cluster that checks passwords
// (scram-sha-256 for every connection), unlike the machine's own cluster,
// which trusts local connections and so would prove nothing.
type pgCluster struct {
	port     int
	password string // the superuser's
}

// startPostgres runs initdb and pg_ctl from the installed PostgreSQL in a
// temporary directory, as the postgres user when the test runs as root
// (initdb refuses to run as root), and stops the cluster at cleanup.
func startPostgres(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	var initdb string
	if len(bins) > 0 {
		initdb = bins[len(bins)-1]
	} else if p, err := exec.LookPath("initdb"); err == nil {
		initdb = p
	} else {
		unavailable(t, "PostgreSQL (initdb)", fmt.Errorf("initdb not found under /usr/lib/postgresql/*/bin or on PATH"))
	}
	pgctl := filepath.Join(filepath.Dir(initdb), "pg_ctl")

	dir, err := os.MkdirTemp("", "secretary-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var prefix []string // how to run a command as the cluster's owner
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			unavailable(t, "PostgreSQL (a postgres user to run initdb as)", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		prefix = []string{"runuser", "-u", "postgres", "--"}
	}
	c := &pgCluster{port: freePort(t), password: "Super-" + suffix() + "-pw"}
	pwfile := filepath.Join(dir, "pwfile")
	run := func(args ...string) error {
		argv := append(append([]string{}, prefix...), args...)
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", filepath.Base(args[0]), err, out)
		}
		return nil
	}
	if err := run("sh", "-c", "umask 077; printf '%s' \"$1\" > \"$2\"", "sh", c.password, pwfile); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := run(initdb, "-D", data, "--auth=scram-sha-256", "--username=postgres", "--pwfile="+pwfile, "-E", "UTF8", "--no-instructions"); err != nil {
		unavailable(t, "PostgreSQL (initdb)", err)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, dir)
	if err := run(pgctl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start"); err != nil {
		unavailable(t, "PostgreSQL (pg_ctl start)", err)
	}
	t.Cleanup(func() { _ = run(pgctl, "-D", data, "-m", "immediate", "-w", "stop") })
	return c
}

func (c *pgCluster) connect(t *testing.T, user, password, db string) (*pgx.Conn, error) {
	t.Helper()
	cfg, err := pgx.ParseConfig("sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Host, cfg.Port, cfg.User, cfg.Password, cfg.Database = "127.0.0.1", uint16(c.port), user, password, db
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return pgx.ConnectConfig(ctx, cfg)
}

func (c *pgCluster) super(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := c.connect(t, "postgres", c.password, "postgres")
	if err != nil {
		t.Fatalf("superuser login: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// canLogin reports whether user/password can log in and read the test
// table, which checks the grants too.
func (c *pgCluster) canLogin(t *testing.T, user, password, db string) error {
	conn, err := c.connect(t, user, password, db)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var n int
	return conn.QueryRow(context.Background(), "SELECT count(*) FROM orders").Scan(&n)
}

// mariaRoot connects to the machine's MariaDB/MySQL on 127.0.0.1:3306 as
// root with an empty password; SECRETARY_TEST_MYSQL_ADDR overrides the
// address.
func mariaRoot(t *testing.T) (*sql.DB, string, int) {
	t.Helper()
	addr := os.Getenv("SECRETARY_TEST_MYSQL_ADDR")
	if addr == "" {
		addr = "127.0.0.1:3306"
	}
	host, portS, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portS)
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.Timeout = "root", "tcp", addr, 5*time.Second
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	if err := db.Ping(); err != nil {
		db.Close()
		unavailable(t, "MariaDB/MySQL on "+addr+" as root", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, host, port
}

func myCanLogin(host string, port int, user, password, db string) error {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = user, password, "tcp", net.JoinHostPort(host, strconv.Itoa(port)), db
	cfg.Timeout = 5 * time.Second
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return err
	}
	d := sql.OpenDB(conn)
	defer d.Close()
	var n int
	return d.QueryRow("SELECT count(*) FROM orders").Scan(&n)
}
