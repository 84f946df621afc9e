package dbrotate

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// postgresExclude is what the AWS PostgreSQL templates exclude from
// generated passwords.
const postgresExclude = `:/@"'\`

func postgresDialect() *dialect {
	return &dialect{
		engine:      "postgres",
		engines:     []string{"postgres", "postgresql", "aurora-postgresql"},
		exclude:     postgresExclude,
		defaultPort: 5432,
		maxUser:     63,
		login:       pgLogin,
		setOwn: func(ctx context.Context, c conn, s *dbSecret, password string) error {
			return c.exec(ctx, "ALTER USER "+pgIdent(s.Username)+" WITH PASSWORD "+pgPassword(password))
		},
		setOther: pgSetOther,
	}
}

type pgConn struct{ c *pgx.Conn }

func pgLogin(ctx context.Context, s *dbSecret) (conn, error) {
	cfg, err := pgx.ParseConfig("sslmode=prefer")
	if err != nil {
		return nil, fmt.Errorf("postgres configuration: %w", err)
	}
	cfg.Host, cfg.Port, cfg.User, cfg.Password = s.Host, uint16(s.Port), s.Username, s.Password
	cfg.Database = s.DBName
	if cfg.Database == "" {
		cfg.Database = "postgres"
	}
	// The simple protocol: utility statements such as ALTER USER take no
	// bind parameters anyway, and it works behind PgBouncer.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres at %s:%d as %s: %w", s.Host, s.Port, s.Username, err)
	}
	return &pgConn{c}, nil
}

func (p *pgConn) exec(ctx context.Context, sql string, args ...any) error {
	_, err := p.c.Exec(ctx, sql, args...)
	return err
}

func (p *pgConn) strings(ctx context.Context, sql string, args ...any) ([]string, error) {
	rows, err := p.c.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprint(vals[0]))
	}
	return out, rows.Err()
}

func (p *pgConn) close() { _ = p.c.Close(context.Background()) }

// pgSetOther is the alternating-users template's setSecret: create the clone
// with LOGIN and membership in the original user when it does not exist,
// otherwise change its password.
func pgSetOther(ctx context.Context, m conn, cur, pend *dbSecret) error {
	found, err := m.strings(ctx, "SELECT 1 FROM pg_roles WHERE rolname = $1", pend.Username)
	if err != nil {
		return fmt.Errorf("look up role %s: %w", pend.Username, err)
	}
	if len(found) == 0 {
		if err := m.exec(ctx, "CREATE ROLE "+pgIdent(pend.Username)+" WITH LOGIN PASSWORD "+pgPassword(pend.Password)); err != nil {
			return fmt.Errorf("create role %s: %w", pend.Username, err)
		}
		if err := m.exec(ctx, "GRANT "+pgIdent(cur.Username)+" TO "+pgIdent(pend.Username)); err != nil {
			return fmt.Errorf("grant %s to %s: %w", cur.Username, pend.Username, err)
		}
		return nil
	}
	if err := m.exec(ctx, "ALTER USER "+pgIdent(pend.Username)+" WITH PASSWORD "+pgPassword(pend.Password)); err != nil {
		return fmt.Errorf("set the password of %s: %w", pend.Username, err)
	}
	return nil
}

func pgIdent(name string) string { return pgx.Identifier{name}.Sanitize() }

// pgLiteral quotes s as a standard SQL string literal (with
// standard_conforming_strings, on by default since PostgreSQL 9.1, a
// backslash is not special; E” is never used).
func pgLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// pgPassword returns the literal to put after PASSWORD: a SCRAM-SHA-256
// verifier, which PostgreSQL stores as it is, so the plaintext appears in no
// server log. Passwords outside printable ASCII would need SASLprep, which
// the server applies to what the client sends at login; rather than
// reimplement it, those are sent as a plain literal for the server to hash.
func pgPassword(pw string) string {
	for i := 0; i < len(pw); i++ {
		if pw[i] < 0x20 || pw[i] > 0x7e {
			return pgLiteral(pw)
		}
	}
	return pgLiteral(scramVerifier(pw))
}

// scramVerifier computes "SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>"
// as RFC 5802 and PostgreSQL's pg_be_scram_build_secret define it.
func scramVerifier(pw string) string {
	const iter = 4096
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	salted, err := pbkdf2.Key(sha256.New, pw, salt, iter, 32)
	if err != nil {
		panic(err) // only for impossible parameters
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	clientKey := mac(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	server := mac(salted, "Server Key")
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iter, b64(salt), b64(stored[:]), b64(server))
}
