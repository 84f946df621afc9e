package dbrotate

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// mysqlExclude is what the AWS MySQL templates exclude from generated
// passwords.
const mysqlExclude = `/@"'\`

func mysqlDialect() *dialect {
	return &dialect{
		engine:      "mysql",
		engines:     []string{"mysql", "mariadb", "aurora-mysql", "aurora"},
		exclude:     mysqlExclude,
		defaultPort: 3306,
		maxUser:     32,
		login:       myLogin,
		setOwn: func(ctx context.Context, c conn, s *dbSecret, password string) error {
			if c.(*myConn).mariadb {
				return c.exec(ctx, "SET PASSWORD = PASSWORD(?)", password)
			}
			return c.exec(ctx, "SET PASSWORD = ?", password)
		},
		setOther: mySetOther,
	}
}

type myConn struct {
	db      *sql.DB
	mariadb bool
}

func myLogin(ctx context.Context, s *dbSecret) (conn, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd = s.Username, s.Password
	cfg.Net, cfg.Addr = "tcp", s.Host+":"+strconv.Itoa(s.Port)
	cfg.DBName = s.DBName
	cfg.Timeout = ConnectTimeout
	cfg.TLSConfig = "preferred"
	// Arguments are escaped into the statement by the driver: SET PASSWORD,
	// CREATE USER and GRANT cannot be prepared on every server version.
	cfg.InterpolateParams = true
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql configuration: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	var version string
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to mysql at %s:%d as %s: %w", s.Host, s.Port, s.Username, err)
	}
	return &myConn{db: db, mariadb: strings.Contains(strings.ToLower(version), "mariadb")}, nil
}

func (m *myConn) exec(ctx context.Context, q string, args ...any) error {
	_, err := m.db.ExecContext(ctx, q, args...)
	return err
}

func (m *myConn) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := m.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		cols, _ := rows.Columns()
		dst := make([]any, len(cols))
		dst[0] = &s
		for i := 1; i < len(dst); i++ {
			dst[i] = new(sql.RawBytes)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}

func (m *myConn) close() { _ = m.db.Close() }

// myString quotes s as a MySQL string literal for statements built from
// server output (SHOW GRANTS lines), where placeholders cannot be used.
func myString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\x00", `\0`, "\n", `\n`, "\r", `\r`, "\x1a", `\Z`)
	return "'" + r.Replace(s) + "'"
}

// mySetOther is the alternating-users template's setSecret: create the
// other user when missing, replay every grant of the current user for it,
// copy its TLS requirement, then set its password.
func mySetOther(ctx context.Context, c conn, cur, pend *dbSecret) error {
	m := c.(*myConn)
	found, err := m.strings(ctx, "SELECT User FROM mysql.user WHERE User = ?", pend.Username)
	if err != nil {
		return fmt.Errorf("look up user %s: %w", pend.Username, err)
	}
	if len(found) == 0 {
		if err := m.exec(ctx, "CREATE USER ? IDENTIFIED BY ?", pend.Username, pend.Password); err != nil {
			return fmt.Errorf("create user %s: %w", pend.Username, err)
		}
	}
	grants, err := m.strings(ctx, "SHOW GRANTS FOR ?", cur.Username)
	if err != nil {
		return fmt.Errorf("read the grants of %s: %w", cur.Username, err)
	}
	for _, g := range grants {
		// "GRANT … ON … TO `user`@`%` [IDENTIFIED BY PASSWORD '…']": keep
		// what is granted, give it to the other user.
		what, _, ok := strings.Cut(g, " TO ")
		if !ok || !strings.HasPrefix(what, "GRANT ") {
			continue
		}
		if err := m.exec(ctx, what+" TO "+myString(pend.Username)); err != nil {
			return fmt.Errorf("copy a grant of %s to %s: %w", cur.Username, pend.Username, err)
		}
	}
	ssl, err := m.strings(ctx, "SELECT ssl_type FROM mysql.user WHERE User = ? LIMIT 1", cur.Username)
	if err != nil {
		return fmt.Errorf("read the TLS requirement of %s: %w", cur.Username, err)
	}
	if len(ssl) == 1 {
		switch strings.ToUpper(ssl[0]) {
		case "ANY":
			err = m.exec(ctx, "ALTER USER ? REQUIRE SSL", pend.Username)
		case "X509":
			err = m.exec(ctx, "ALTER USER ? REQUIRE X509", pend.Username)
		}
		if err != nil {
			return fmt.Errorf("copy the TLS requirement to %s: %w", pend.Username, err)
		}
	}
	if m.mariadb {
		err = m.exec(ctx, "SET PASSWORD FOR ? = PASSWORD(?)", pend.Username, pend.Password)
	} else {
		err = m.exec(ctx, "ALTER USER ? IDENTIFIED BY ?", pend.Username, pend.Password)
	}
	if err != nil {
		return fmt.Errorf("set the password of %s: %w", pend.Username, err)
	}
	return nil
}
