package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/auth"
)

// serveConfig is the configuration of `epoxy serve`. Every flag has an
// EPOXY_* environment variable; a flag given on the command line wins.
type serveConfig struct {
	Addr      string
	DataDir   string
	Region    string
	AccountID string
	LogFormat string
	LogLevel  string
	// Python is the interpreter for pythonshell jobs.
	Python string
	// MaxLogBytesText caps each of a job run's stdout and stderr, as text;
	// MaxLogBytes is the parsed value (0: no cap).
	MaxLogBytesText string
	MaxLogBytes     int64
	// ETLRunner runs glueetl and gluestreaming scripts, split into words.
	ETLRunner string
	// S3Endpoint is the S3 (or S3-compatible) endpoint for s3:// locations.
	S3Endpoint string
	// S3 is "on" or "off": whether Epoxy serves S3's REST API itself, on
	// its own address, from the data directory's s3/.
	S3 string
	// StopGraceText is the SIGTERM-to-SIGKILL grace period, as text.
	StopGraceText string
	// StopGrace is the parsed duration.
	StopGrace time.Duration
	// clock and tick replace the system clock and the scheduler's interval
	// in tests.
	clock interface{ Now() time.Time }
	tick  time.Duration
	// AllowFrequentSchedules accepts cron schedules down to every minute,
	// for local testing; Glue refuses anything more frequent than every 5.
	AllowFrequentSchedules bool
	// AllowedHostsText lists, comma-separated, the extra names the Host
	// guard accepts; AllowedHosts is the parsed list.
	AllowedHostsText string
	AllowedHosts     []string
	// InsecureNoAuth allows listening on a non-loopback address, where
	// anyone who can reach Epoxy can use its API.
	InsecureNoAuth bool
	// MaxConnectionsText is the limit of open API connections, as text;
	// MaxConnections is the parsed number.
	MaxConnectionsText string
	MaxConnections     int
	// RetentionText is how long ended run history is kept, as text;
	// Retention is the parsed duration (0: forever).
	RetentionText string
	Retention     time.Duration
	// Auth is "none" or "sigv4": every API request must then be signed
	// with a key of CredentialsFile (AWS shared-credentials format).
	Auth            string
	CredentialsFile string
	// MetricsAddr, if set, is a second listener serving /metrics.
	MetricsAddr string
	// serviceKey is the key jobs and blueprint generators sign with when
	// Auth is sigv4 (set by loadAuth).
	serviceKey auth.Key
	// StoreText is --store as given; store is where it says the state is.
	StoreText string
	store     storeLocation
	// With several nodes on one PostgreSQL store (docs/behaviour.md,
	// "Several replicas"): NodeName names this node; Workers says whether a
	// serve replica runs job processes; Capacity caps the job processes it
	// runs at once (0: no cap); Lease is the node's lease; PGNotify is "on"
	// (LISTEN/NOTIFY wake-ups) or "off" (poll only).
	NodeName     string
	WorkersText  string
	Workers      bool
	CapacityText string
	Capacity     int
	LeaseText    string
	Lease        time.Duration
	PGNotify     string
	// Endpoint (epoxy worker) is the Epoxy API its jobs call.
	Endpoint string
	// MigrateText says whether serve and worker apply the store's pending
	// migrations on start; Migrate is the parsed value. Without, a store
	// whose schema is behind is refused.
	MigrateText string
	Migrate     bool
}

// nodeSpecs are the flags of a node among several: serve's and worker's.
func (c *serveConfig) nodeSpecs() []flagSpec {
	return []flagSpec{
		{&c.NodeName, "name", "EPOXY_NAME", "", "this node's name among the replicas and workers sharing a PostgreSQL store (default: host name, and port for serve)"},
		{&c.CapacityText, "capacity", "EPOXY_CAPACITY", "0", "most job processes this node runs at once (0: no cap)"},
		{&c.LeaseText, "lease", "EPOXY_LEASE", "15s", "with PostgreSQL: a node not heard from for this long is presumed lost and its job runs rescued"},
		{&c.PGNotify, "pg-notify", "EPOXY_PG_NOTIFY", "on", "with PostgreSQL: on (LISTEN/NOTIFY wakes dispatchers at once) or off (poll only, for poolers without LISTEN)"},
		{&c.MigrateText, "migrate", "EPOXY_MIGRATE", "true", "apply the store's pending schema migrations on start (false: refuse a schema that is behind; apply it with epoxy migrate)"},
	}
}

// flagSpec ties a flag to its environment variable and default.
type flagSpec struct {
	dst   *string
	name  string
	env   string
	def   string
	usage string
}

func (c *serveConfig) specs() []flagSpec {
	return []flagSpec{
		{&c.Addr, "addr", "EPOXY_ADDR", "127.0.0.1:4747", "address to listen on (loopback unless --insecure-no-auth)"},
		{&c.DataDir, "data", "EPOXY_DATA", "./epoxy-data", "data directory (created if missing)"},
		{&c.StoreText, "store", "EPOXY_STORE", "", "postgres://... (PostgreSQL) or sqlite:///path/epoxy.db; empty: SQLite in --data"},
		{&c.Region, "region", "EPOXY_REGION", "us-east-1", "AWS region reported in ARNs when a request is not signed"},
		{&c.AccountID, "account-id", "EPOXY_ACCOUNT_ID", "123456789012", "AWS account id used in ARNs"},
		{&c.LogFormat, "log-format", "EPOXY_LOG_FORMAT", "text", "log format: text or json"},
		{&c.LogLevel, "log-level", "EPOXY_LOG_LEVEL", "info", "log level: debug, info, warn or error"},
		{&c.Python, "python", "EPOXY_PYTHON", "python3", "interpreter for pythonshell jobs"},
		{&c.ETLRunner, "etl-runner", "EPOXY_ETL_RUNNER", "", "command that runs glueetl/gluestreaming scripts (e.g. spark-submit); empty: such runs fail"},
		{&c.S3Endpoint, "s3-endpoint", "EPOXY_S3_ENDPOINT", "", "S3-compatible endpoint for s3:// scripts, crawler targets and blueprints"},
		{&c.S3, "s3", "EPOXY_S3", "on", "built-in S3 on the API address, objects under <data>/s3: on or off"},
		{&c.MaxLogBytesText, "max-log-bytes", "EPOXY_MAX_LOG_BYTES", "104857600", "cap on each of a job run's stdout and stderr files, in bytes (0: no cap)"},
		{&c.StopGraceText, "stop-grace", "EPOXY_STOP_GRACE", "10s", "time a stopped job has between SIGTERM and SIGKILL"},
		{&c.AllowedHostsText, "allowed-hosts", "EPOXY_ALLOWED_HOSTS", "", "comma-separated host names accepted in Host headers besides localhost and IP addresses; * accepts any"},
		{&c.MaxConnectionsText, "max-connections", "EPOXY_MAX_CONNECTIONS", "1024", "most API connections open at once; more wait to be accepted"},
		{&c.RetentionText, "retention", "EPOXY_RETENTION", "90d", "how long ended runs and their logs are kept, in days (90d) or as a Go duration (36h); 0 keeps them forever"},
		{&c.Auth, "auth", "EPOXY_AUTH", "none", "authentication: none, or sigv4 (requests signed with a key of --credentials)"},
		{&c.CredentialsFile, "credentials", "EPOXY_CREDENTIALS", "", "with --auth sigv4: file of accepted keys, in the AWS shared-credentials format"},
		{&c.MetricsAddr, "metrics-addr", "EPOXY_METRICS_ADDR", "", "address of a second listener serving Prometheus metrics at /metrics"},
		{&c.WorkersText, "workers", "EPOXY_WORKERS", "true", "whether this server runs job processes itself (false: an API and scheduler replica; epoxy worker runs them)"},
	}
}

// parseServeFlags reads flags, falling back to environment variables, then
// defaults.
func parseServeFlags(args []string, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: epoxy serve [flags]\n\nServe the AWS Glue API on a local endpoint.\n\nFlags (each also read from the environment variable shown):\n")
		for _, s := range append(c.specs(), c.nodeSpecs()...) {
			fmt.Fprintf(stderr, "  --%-15s %s (env %s, default %q)\n", s.name, s.usage, s.env, s.def)
		}
		fmt.Fprintf(stderr, "  --allow-frequent-schedules\n                   accept cron schedules firing up to every minute (env EPOXY_ALLOW_FREQUENT_SCHEDULES)\n")
		fmt.Fprintf(stderr, "  --insecure-no-auth\n                   allow a non-loopback --addr although the API has no authentication (env EPOXY_INSECURE_NO_AUTH)\n")
	}
	for _, s := range append(c.specs(), c.nodeSpecs()...) {
		def := s.def
		if v, ok := os.LookupEnv(s.env); ok {
			def = v
		}
		fs.StringVar(s.dst, s.name, def, s.usage)
	}
	frequent, _ := strconv.ParseBool(os.Getenv("EPOXY_ALLOW_FREQUENT_SCHEDULES"))
	fs.BoolVar(&c.AllowFrequentSchedules, "allow-frequent-schedules", frequent,
		"accept cron schedules firing up to every minute (Glue's minimum is 5 minutes); for local testing")
	insecure, _ := strconv.ParseBool(os.Getenv("EPOXY_INSECURE_NO_AUTH"))
	fs.BoolVar(&c.InsecureNoAuth, "insecure-no-auth", insecure,
		"allow a non-loopback --addr although the API has no authentication: anyone who can reach it can run code")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage{err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, errUsage{fmt.Sprintf("unexpected arguments: %s", strings.Join(fs.Args(), " "))}
	}
	return c, c.validate()
}

func (c *serveConfig) validate() error {
	if err := c.absolutePaths(); err != nil {
		return err
	}
	if c.S3 != "on" && c.S3 != "off" {
		return fmt.Errorf("--s3 must be on or off, got %q", c.S3)
	}
	var err error
	if c.store, err = parseStore(c.StoreText); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json, got %q", c.LogFormat)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.StopGrace, err = time.ParseDuration(c.StopGraceText); err != nil || c.StopGrace < 0 {
		return fmt.Errorf("--stop-grace must be a duration such as 10s, got %q", c.StopGraceText)
	}
	if c.MaxLogBytes, err = strconv.ParseInt(c.MaxLogBytesText, 10, 64); err != nil || c.MaxLogBytes < 0 {
		return fmt.Errorf("--max-log-bytes must be a number of bytes (0: no cap), got %q", c.MaxLogBytesText)
	}
	if c.Retention, err = parseRetention(c.RetentionText); err != nil {
		return err
	}
	if len(c.AccountID) != 12 || strings.Trim(c.AccountID, "0123456789") != "" {
		return fmt.Errorf("--account-id must be 12 digits, got %q", c.AccountID)
	}
	if c.Workers, err = strconv.ParseBool(c.WorkersText); err != nil {
		return fmt.Errorf("--workers must be true or false, got %q", c.WorkersText)
	}
	if err := c.validateNode(); err != nil {
		return err
	}
	return c.validateNetwork()
}

// validateNode checks the flags of a node among several.
func (c *serveConfig) validateNode() error {
	var err error
	if c.Capacity, err = strconv.Atoi(c.CapacityText); err != nil || c.Capacity < 0 {
		return fmt.Errorf("--capacity must be a number of job processes (0: no cap), got %q", c.CapacityText)
	}
	if c.Lease, err = time.ParseDuration(c.LeaseText); err != nil || c.Lease < 3*time.Second {
		return fmt.Errorf("--lease must be a duration of at least 3s, got %q", c.LeaseText)
	}
	if c.Migrate, err = strconv.ParseBool(c.MigrateText); err != nil {
		return fmt.Errorf("--migrate must be true or false, got %q", c.MigrateText)
	}
	if c.PGNotify != "on" && c.PGNotify != "off" {
		return fmt.Errorf("--pg-notify must be on or off, got %q", c.PGNotify)
	}
	if c.NodeName != "" && (len(c.NodeName) > 100 || strings.Trim(c.NodeName, nodeNameChars) != "") {
		return fmt.Errorf("--name must be at most 100 letters, digits and . _ : -, got %q", c.NodeName)
	}
	if !c.Workers && c.store.Postgres == "" {
		return fmt.Errorf("--workers=false needs a PostgreSQL --store shared with an epoxy worker: alone, nothing would run the jobs")
	}
	return nil
}

const nodeNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-"

// nodeName is this node's name: --name, else the host name followed by
// suffix (serve's port), so that replicas on one host differ.
func (c *serveConfig) nodeName(suffix string) string {
	if c.NodeName != "" {
		return c.NodeName
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "epoxy"
	}
	if suffix != "" {
		host += ":" + suffix
	}
	return host
}

// maxRetentionDays is the longest retention in days (100 years); longer
// is what 0 is for.
const maxRetentionDays = 36500

// parseRetention parses --retention: a number of days such as 90d, a Go
// duration such as 36h, or 0 (keep forever).
func parseRetention(s string) (time.Duration, error) {
	bad := fmt.Errorf("--retention must be a number of days such as 90d, a duration such as 36h, or 0 to keep history forever, got %q", s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > maxRetentionDays {
			return 0, bad
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
}

// validateNetwork checks the listening address, the connection limit and
// the allowed hosts.
func (c *serveConfig) validateNetwork() error {
	n, err := strconv.Atoi(c.MaxConnectionsText)
	if err != nil || n < 1 {
		return fmt.Errorf("--max-connections must be a positive number, got %q", c.MaxConnectionsText)
	}
	c.MaxConnections = n
	c.AllowedHosts = nil
	for _, h := range strings.Split(c.AllowedHostsText, ",") {
		if h = strings.TrimSpace(h); h != "" {
			c.AllowedHosts = append(c.AllowedHosts, h)
		}
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("--addr must be host:port such as 127.0.0.1:4747, got %q", c.Addr)
	}
	if err := c.validateAuth(); err != nil {
		return err
	}
	if !isLoopback(host) && c.Auth != authSigV4 && !c.InsecureNoAuth {
		return fmt.Errorf("refusing to listen on %s without authentication: the address is reachable from other machines. "+
			"Listen on loopback (--addr 127.0.0.1:4747), require signed requests (--auth sigv4 --credentials FILE), "+
			"or pass --insecure-no-auth (env EPOXY_INSECURE_NO_AUTH=true) to let anyone who can reach it use the API and run code", c.Addr)
	}
	return nil
}

// validateAuth checks --auth, --credentials and --metrics-addr.
func (c *serveConfig) validateAuth() error {
	switch c.Auth {
	case authNone:
		if c.CredentialsFile != "" {
			return fmt.Errorf("--credentials is used only with --auth sigv4")
		}
	case authSigV4:
		if c.CredentialsFile == "" {
			return fmt.Errorf("--auth sigv4 needs --credentials FILE (AWS shared-credentials format)")
		}
	default:
		return fmt.Errorf("--auth must be none or sigv4, got %q", c.Auth)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr must be host:port such as 127.0.0.1:9464, got %q", c.MetricsAddr)
		}
	}
	return nil
}

// isLoopback reports whether a listening host is loopback only: localhost
// or a loopback IP address. An empty host means every interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// absolutePaths resolves every path flag against the working directory at
// start-up. Job processes run in their own directories, so a relative path
// handed to them (the default ./epoxy-data, or --python ./venv/bin/python)
// would point somewhere else.
func (c *serveConfig) absolutePaths() error {
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return fmt.Errorf("--data %q: %w", c.DataDir, err)
	}
	c.DataDir = abs
	if strings.ContainsRune(c.Python, filepath.Separator) && !filepath.IsAbs(c.Python) {
		if c.Python, err = filepath.Abs(c.Python); err != nil {
			return fmt.Errorf("--python: %w", err)
		}
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("--log-level must be debug, info, warn or error, got %q", s)
	}
	return l, nil
}

func newLogger(c *serveConfig, w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
