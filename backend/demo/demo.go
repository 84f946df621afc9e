// Package demo fills a store with an estate of secrets that looks like a
// real company's: per-environment paths, database credentials with the JSON
// keys AWS rotation uses, API keys, TLS material as binary, tags, several
// versions with custom labels, and a few secrets scheduled for deletion.
//
// Names, descriptions, tags and the shape of each secret's history depend
// only on the seed; values come from crypto/rand and are different every
// time.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// Batcher runs many operations in one transaction; the embedded store
// implements it. Without it Fill calls the backend one operation at a time.
type Batcher interface {
	Batch(ctx context.Context, fn func(ctx context.Context, b backend.Backend) error) error
}

// Options controls Fill.
type Options struct {
	// Secrets is how many secrets to create.
	Secrets int
	// Seed chooses the names and shapes; the same seed gives the same
	// estate.
	Seed uint64
	// Chunk is how many secrets go into one batch (default 2000; fewer,
	// larger transactions spend less time committing).
	Chunk int
	// Clock, when set, is moved back in time while secrets are created so
	// their dates spread over the past two years. It must be the clock the
	// store was opened with. Secrets are then written oldest first in small
	// batches, since a transaction sees a single time.
	Clock *Clock
	// Progress, when set, is called after each chunk.
	Progress func(done int)
}

// Stats counts what Fill created.
type Stats struct {
	Secrets   int
	Versions  int
	Labeled   int // secrets with a custom staging label
	Pending   int // secrets with an AWSPENDING version
	Scheduled int // secrets scheduled for deletion
	Rotating  int // secrets with rotation configured
}

// Clock is a settable clock for the store Fill writes to. Before Set it
// follows the real time; Release returns it to the real time.
type Clock struct {
	mu  sync.Mutex
	set bool
	t   time.Time
}

// Now returns the clock's time; pass it as the store's clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.set {
		return time.Now()
	}
	return c.t
}

// Set fixes the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t, c.set = t, true
	c.mu.Unlock()
}

// Release makes the clock follow the real time again.
func (c *Clock) Release() {
	c.mu.Lock()
	c.set = false
	c.mu.Unlock()
}

// Spec is the plan for one secret: everything but the values.
type Spec struct {
	Name        string
	Kind        string
	Env         string
	Service     string
	Description string
	Tags        []backend.Tag
	// Versions is how many values the secret gets (at least 1).
	Versions int
	// Label, when set, is a custom staging label left on the first version.
	Label string
	// Pending says the last version is an unfinished rotation's AWSPENDING.
	Pending bool
	// DeleteInDays > 0 schedules the secret for deletion with that window.
	DeleteInDays int
	// Age is how long before now the secret was created.
	Age time.Duration
}

// catalog holds the vocabulary an estate is drawn from. It is built by a
// function, not kept in package variables, so nothing can change it.
type catalog struct {
	envs     []string
	services []service
	owners   []string
	labels   []string
	// qualifiers tell apart secrets whose env/service/kind is already taken.
	qualifiers []string
	kinds      []kindSpec
	kindTotal  int
}

type service struct{ name, team string }

type kindSpec struct {
	name   string
	weight int
	desc   string
}

func newCatalog() *catalog {
	c := &catalog{
		envs: []string{"prod", "prod", "prod", "staging", "staging", "dev", "qa", "sandbox", "perf"},
		services: []service{
			{"payments", "payments"}, {"billing", "payments"}, {"ledger", "payments"}, {"fraud", "risk"},
			{"checkout", "commerce"}, {"orders", "commerce"}, {"cart", "commerce"}, {"inventory", "supply-chain"},
			{"shipping", "supply-chain"}, {"warehouse", "supply-chain"}, {"catalog", "discovery"}, {"search", "discovery"},
			{"recommendations", "discovery"}, {"identity", "platform-security"}, {"auth", "platform-security"},
			{"sso", "platform-security"}, {"notifications", "messaging"}, {"email", "messaging"}, {"sms", "messaging"},
			{"analytics", "data"}, {"reporting", "data"}, {"etl", "data"}, {"warehouse-loader", "data"},
			{"gateway", "platform"}, {"mobile-api", "mobile"}, {"web", "web"}, {"admin", "internal-tools"},
			{"crm", "sales-eng"}, {"media", "content"}, {"cms", "content"}, {"support", "customer-success"},
			{"ci", "developer-experience"}, {"monitoring", "sre"}, {"backup", "sre"},
		},
		owners: []string{"a.rivera", "j.chen", "m.okafor", "s.patel", "l.novak", "k.tanaka", "r.haddad",
			"e.schmidt", "d.kowalski", "n.osei", "p.moreau", "t.lindqvist"},
		labels:     []string{"blue", "green", "canary", "stable", "rollback", "v1", "legacy", "pre-migration"},
		qualifiers: []string{"replica", "readonly", "reporting", "migration", "eu", "us", "ap", "v2", "legacy", "batch", "internal"},
		kinds: []kindSpec{
			{"postgres", 14, "PostgreSQL credentials for the %s service"},
			{"mysql", 7, "MySQL credentials for the %s service"},
			{"aurora-postgres", 4, "Aurora PostgreSQL cluster credentials for %s"},
			{"mariadb", 3, "MariaDB credentials for %s"},
			{"redis", 6, "Redis AUTH token for the %s cache"},
			{"elastic", 4, "Elasticsearch credentials for %s"},
			{"opensearch", 2, "OpenSearch credentials for %s"},
			{"rabbitmq", 3, "RabbitMQ user for %s"},
			{"kafka", 3, "Kafka SASL/SCRAM credentials for %s"},
			{"stripe-api-key", 3, "Stripe secret key used by %s"},
			{"sendgrid-api-key", 2, "SendGrid API key for %s email"},
			{"twilio", 2, "Twilio account SID and auth token for %s"},
			{"datadog-api-key", 3, "Datadog API key for %s metrics"},
			{"sentry-dsn", 2, "Sentry DSN for %s error reporting"},
			{"github-token", 2, "GitHub token used by %s automation"},
			{"slack-webhook", 2, "Slack incoming webhook for %s alerts"},
			{"pagerduty-key", 1, "PagerDuty routing key for %s"},
			{"jwt-signing-key", 4, "JWT signing key for %s sessions"},
			{"oauth-client", 4, "OAuth client credentials for %s"},
			{"aws-access-key", 3, "IAM user access key for %s"},
			{"tls", 5, "TLS certificate and key for %s (PEM)"},
			{"ssh-deploy-key", 2, "SSH deploy key for %s"},
			{"encryption-key", 2, "Data encryption key for %s"},
		},
	}
	for _, k := range c.kinds {
		c.kindTotal += k.weight
	}
	return c
}

// Plan returns the specs for n secrets from seed: the same inputs always
// give the same plan.
func Plan(seed uint64, n int) []Spec {
	c := newCatalog()
	r := mrand.New(mrand.NewPCG(seed, seed^0x5ec7e7a2))
	specs := make([]Spec, 0, n)
	used := make(map[string]struct{}, n)
	for i := 0; i < n; i++ {
		env := c.envs[r.IntN(len(c.envs))]
		svc := c.services[r.IntN(len(c.services))]
		k := c.pickKind(r)
		base := env + "/" + svc.name + "/" + k.name
		name := base
		for attempt := 0; ; attempt++ {
			if _, taken := used[name]; !taken {
				break
			}
			if attempt < 3 {
				name = base + "-" + c.qualifiers[r.IntN(len(c.qualifiers))]
			} else {
				name = base + "-" + strconv.Itoa(attempt-1)
			}
		}
		used[name] = struct{}{}
		s := Spec{
			Name: name, Kind: k.name, Env: env, Service: svc.name,
			Description: fmt.Sprintf(k.desc, svc.name) + " (" + env + ")",
			Tags: []backend.Tag{{Key: "env", Value: env}, {Key: "team", Value: svc.team},
				{Key: "owner", Value: c.owners[r.IntN(len(c.owners))]},
				{Key: "cost-center", Value: fmt.Sprintf("CC-%d", 1000+r.IntN(40)*10)}},
			Age: time.Duration(r.Int64N(int64(720 * 24 * time.Hour))),
		}
		if r.IntN(4) == 0 {
			s.Tags = append(s.Tags, backend.Tag{Key: "managed-by", Value: "terraform"})
		}
		switch p := r.IntN(100); {
		case p < 30:
			s.Versions = 1
		case p < 65:
			s.Versions = 2
		case p < 90:
			s.Versions = 3
		default:
			s.Versions = 4
		}
		if s.Versions > 1 && r.IntN(12) == 0 {
			s.Label = c.labels[r.IntN(len(c.labels))]
		}
		if s.Versions > 1 && r.IntN(60) == 0 {
			s.Pending = true
		}
		if r.IntN(80) == 0 {
			s.DeleteInDays = 7 + r.IntN(24)
		}
		specs = append(specs, s)
	}
	return specs
}

func (c *catalog) pickKind(r *mrand.Rand) kindSpec {
	n := r.IntN(c.kindTotal)
	for _, k := range c.kinds {
		if n < k.weight {
			return k
		}
		n -= k.weight
	}
	return c.kinds[0]
}

// Fill creates opts.Secrets secrets in b, in batches when b is a Batcher.
func Fill(ctx context.Context, b backend.Backend, opts Options) (Stats, error) {
	if opts.Secrets < 0 {
		return Stats{}, fmt.Errorf("demo: negative number of secrets %d", opts.Secrets)
	}
	specs := Plan(opts.Seed, opts.Secrets)
	chunk := opts.Chunk
	if opts.Clock != nil {
		// A transaction sees one time, so dates can only differ between
		// batches: create the oldest secrets first, in many small batches.
		sort.SliceStable(specs, func(i, j int) bool { return specs[i].Age > specs[j].Age })
		if chunk <= 0 {
			chunk = max(20, len(specs)/50)
		}
		defer opts.Clock.Release()
	}
	if chunk <= 0 {
		chunk = 2000
	}
	now := time.Now()
	batcher, canBatch := b.(Batcher)
	inBatch := func(ctx context.Context, fn func(ctx context.Context, b backend.Backend) error) error {
		if canBatch {
			return batcher.Batch(ctx, fn)
		}
		return fn(ctx, b)
	}
	var st Stats
	type deletion struct {
		name string
		days int
	}
	var deletions []deletion
	for start := 0; start < len(specs); start += chunk {
		end := min(start+chunk, len(specs))
		part := specs[start:end]
		if opts.Clock != nil {
			opts.Clock.Set(now.Add(-part[0].Age))
		}
		var cs Stats
		var created []string
		err := inBatch(ctx, func(ctx context.Context, b backend.Backend) error {
			cs, created = Stats{}, created[:0]
			for i := range part {
				if err := create(ctx, b, &part[i], &cs); err != nil {
					return fmt.Errorf("demo: creating %s: %w", part[i].Name, err)
				}
				created = append(created, part[i].Name)
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		for i, name := range created {
			if part[i].DeleteInDays > 0 {
				deletions = append(deletions, deletion{name, part[i].DeleteInDays})
			}
		}
		st.Secrets += cs.Secrets
		st.Versions += cs.Versions
		st.Labeled += cs.Labeled
		st.Pending += cs.Pending
		if opts.Progress != nil {
			opts.Progress(end)
		}
	}
	// Deletions happen "now", after the clock is back to the real time, so
	// every recovery window is still open.
	if opts.Clock != nil {
		opts.Clock.Release()
	}
	err := inBatch(ctx, func(ctx context.Context, b backend.Backend) error {
		for _, d := range deletions {
			days := d.days
			if _, err := b.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: d.name, RecoveryWindowInDays: &days}); err != nil {
				return fmt.Errorf("demo: scheduling %s for deletion: %w", d.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	st.Scheduled = len(deletions)
	st.Rotating, err = configureRotation(ctx, b, specs)
	return st, err
}

// maxRotating bounds how many secrets get rotation settings. RotateSecret
// cannot join a batch, so each is a durable write of its own; a hundred is
// enough to fill the rotation column and screens with realistic schedules.
const maxRotating = 100

// rotationRules are schedules as teams write them: AWS's default 30 days, a
// quarterly one, a rate and a weekly maintenance window.
func rotationRules() []backend.RotationRules {
	return []backend.RotationRules{
		{AutomaticallyAfterDays: 30},
		{AutomaticallyAfterDays: 90},
		{ScheduleExpression: "rate(7 days)"},
		{ScheduleExpression: "cron(0 4 ? * SUN *)", Duration: "3h"},
	}
}

// configureRotation turns rotation on, without rotating now, for about one
// database-style secret in forty. The function is the built-in password
// rotation of the JSON key "password": the demo's hosts do not exist, so a
// database rotation function could not run.
func configureRotation(ctx context.Context, b backend.Backend, specs []Spec) (int, error) {
	r, ok := b.(backend.Rotator)
	if !ok || len(specs) == 0 {
		return 0, nil
	}
	var eligible []string
	for i := range specs {
		s := &specs[i]
		if hasPasswordKey(s.Kind) && !s.Pending && s.DeleteInDays == 0 {
			eligible = append(eligible, s.Name)
		}
	}
	want := min(maxRotating, max(1, len(specs)/40), len(eligible))
	if want == 0 {
		return 0, nil
	}
	sort.Strings(eligible) // Plan's order, not the clock's
	step := len(eligible) / want
	rules := rotationRules()
	no := false
	n := 0
	for i := 0; n < want; i += step {
		rr := rules[n%len(rules)]
		_, err := r.RotateSecret(ctx, &backend.RotateSecretInput{
			SecretID:          eligible[i],
			RotationLambdaARN: "password?keys=password&exclude-characters=%22%27%5C%2F%40",
			RotationRules:     &rr,
			RotateImmediately: &no,
		})
		if err != nil {
			return n, fmt.Errorf("demo: configuring rotation of %s: %w", eligible[i], err)
		}
		n++
	}
	return n, nil
}

// hasPasswordKey says whether values of kind are JSON objects with a
// "password" key.
func hasPasswordKey(kind string) bool {
	switch kind {
	case "postgres", "aurora-postgres", "mysql", "mariadb", "elastic", "opensearch", "rabbitmq":
		return true
	}
	return false
}

// create writes one secret and its history. Later calls name the secret by
// its name rather than its ARN: that is the store's indexed lookup.
func create(ctx context.Context, b backend.Backend, s *Spec, st *Stats) error {
	// No ClientRequestTokens: the store makes the version ids, and a token
	// of our own would cost a lookup per version to check it is new.
	in := &backend.CreateSecretInput{Name: s.Name, Description: s.Description, Tags: s.Tags}
	in.SecretString, in.SecretBinary = value(s)
	out, err := b.CreateSecret(ctx, in)
	if err != nil {
		return err
	}
	st.Secrets++
	st.Versions++
	first := out.VersionID
	for v := 1; v < s.Versions; v++ {
		str, bin := value(s)
		put := &backend.PutSecretValueInput{SecretID: s.Name, SecretString: str, SecretBinary: bin}
		if s.Pending && v == s.Versions-1 {
			put.VersionStages = []string{backend.StagePending}
			st.Pending++
		}
		if _, err := b.PutSecretValue(ctx, put); err != nil {
			return err
		}
		st.Versions++
	}
	if s.Label != "" {
		if _, err := b.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
			SecretID: s.Name, VersionStage: s.Label, MoveToVersionID: first}); err != nil {
			return err
		}
		st.Labeled++
	}
	return nil
}

// value makes a fresh random value of the secret's kind.
func value(s *Spec) (*string, []byte) {
	host := func(suffix string) string {
		return fmt.Sprintf("%s-%s.%s.internal", s.Service, suffix, s.Env)
	}
	user := strings.ReplaceAll(s.Service, "-", "_") + "_app"
	var v any
	switch s.Kind {
	case "postgres", "aurora-postgres":
		v = dbCreds("postgres", host("db"), 5432, user, strings.ReplaceAll(s.Service, "-", "_"))
	case "mysql":
		v = dbCreds("mysql", host("mysql"), 3306, user, strings.ReplaceAll(s.Service, "-", "_"))
	case "mariadb":
		v = dbCreds("mariadb", host("mariadb"), 3306, user, strings.ReplaceAll(s.Service, "-", "_"))
	case "redis":
		v = ordered{{"host", host("redis")}, {"port", 6379}, {"auth_token", password(40)}, {"tls", true}}
	case "elastic":
		v = ordered{{"url", "https://" + host("es") + ":9200"}, {"username", "elastic"}, {"password", password(28)}}
	case "opensearch":
		v = ordered{{"endpoint", "https://" + host("search") + ":443"}, {"username", "admin"}, {"password", password(28)}}
	case "rabbitmq":
		v = ordered{{"host", host("mq")}, {"port", 5671}, {"username", user}, {"password", password(24)}, {"vhost", "/" + s.Service}}
	case "kafka":
		v = ordered{{"bootstrap_servers", host("kafka") + ":9096"}, {"mechanism", "SCRAM-SHA-512"}, {"username", user}, {"password", password(32)}}
	case "stripe-api-key":
		return str("sk_live_" + alnum(99)), nil
	case "sendgrid-api-key":
		return str("SG." + alnum(22) + "." + alnum(43)), nil
	case "twilio":
		v = ordered{{"account_sid", "AC" + hexStr(16)}, {"auth_token", hexStr(16)}}
	case "datadog-api-key":
		return str(hexStr(16)), nil
	case "sentry-dsn":
		return str("https://" + hexStr(16) + "@o" + strconv.Itoa(100000+int(randByte())*100) + ".ingest.sentry.io/" + strconv.Itoa(4000000+int(randByte()))), nil
	case "github-token":
		return str("ghp_" + alnum(36)), nil
	case "slack-webhook":
		return str("https://hooks.slack.com/services/T" + strings.ToUpper(alnum(8)) + "/B" + strings.ToUpper(alnum(10)) + "/" + alnum(24)), nil
	case "pagerduty-key":
		return str(hexStr(16)), nil
	case "jwt-signing-key":
		return str(base64.RawURLEncoding.EncodeToString(randBytes(64))), nil
	case "oauth-client":
		v = ordered{{"client_id", s.Service + "-" + s.Env}, {"client_secret", alnum(48)}, {"token_url", "https://auth." + s.Env + ".internal/oauth2/token"}}
	case "aws-access-key":
		v = ordered{{"aws_access_key_id", "AKIA" + strings.ToUpper(alnum(16))}, {"aws_secret_access_key", base64.StdEncoding.EncodeToString(randBytes(30))}}
	case "tls":
		return nil, pemBundle()
	case "ssh-deploy-key":
		return nil, pemBlock("OPENSSH PRIVATE KEY", 400)
	case "encryption-key":
		return nil, randBytes(32)
	default:
		return str(password(32)), nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		// The values above are plain strings, numbers and booleans.
		panic("demo: cannot encode a demo value: " + err.Error())
	}
	return str(string(data)), nil
}

func dbCreds(engine, host string, port int, user, db string) ordered {
	return ordered{{"engine", engine}, {"host", host}, {"port", port}, {"username", user},
		{"password", password(32)}, {"dbname", db}}
}

// ordered is a JSON object that keeps its keys in order, as people write
// them (engine, host, port, …) rather than sorted.
type ordered []struct {
	k string
	v any
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		v, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

func str(s string) *string { return &s }

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

func randByte() byte { return randBytes(1)[0] }

func hexStr(n int) string { return hex.EncodeToString(randBytes(n)) }

const alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func alnum(n int) string { return pick(alnumChars, n) }

// password avoids the characters AWS's database rotation templates exclude.
func password(n int) string {
	return pick(alnumChars+"!#$%&()*+,-.;<=>?[]^_{|}~", n)
}

func pick(set string, n int) string {
	b := randBytes(n)
	for i := range b {
		// 256 is not a multiple of every set size; the slight bias does
		// not matter for demo data.
		b[i] = set[int(b[i])%len(set)]
	}
	return string(b)
}

func pemBlock(kind string, n int) []byte {
	enc := base64.StdEncoding.EncodeToString(randBytes(n))
	var b strings.Builder
	b.WriteString("-----BEGIN " + kind + "-----\n")
	for len(enc) > 64 {
		b.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	b.WriteString(enc + "\n-----END " + kind + "-----\n")
	return []byte(b.String())
}

func pemBundle() []byte {
	return append(pemBlock("CERTIFICATE", 900), pemBlock("PRIVATE KEY", 1200)...)
}
