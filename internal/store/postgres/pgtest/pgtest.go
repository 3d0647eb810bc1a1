// Package pgtest gives tests a PostgreSQL schema of their own in the
// database TEST_DATABASE_URL names, as river's riverdbtest does: each test
// gets a fresh, empty schema, dropped when it ends, so tests run in
// parallel against one database without seeing each other's rows.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL is the environment variable naming the test database, a
// postgres:// URL. .ci/run starts a cluster and sets it.
const EnvURL = "TEST_DATABASE_URL"

// URL returns a URL for a new, empty schema of the test database: the
// database URL with search_path set to the schema. It skips the test when
// TEST_DATABASE_URL is unset.
func URL(t testing.TB) string {
	t.Helper()
	base := Base(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "epoxy_test_" + hex.EncodeToString(b)
	admin(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { admin(t, base, "DROP SCHEMA "+schema+" CASCADE") })
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Base returns TEST_DATABASE_URL, skipping the test when it is unset.
func Base(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip("PostgreSQL tests need " + EnvURL + " (a postgres:// URL of a database the tests may create schemas in); .ci/run sets it")
	}
	return base
}

// admin runs one statement on its own connection to the test database.
func admin(t testing.TB, base, stmt string) {
	t.Helper()
	// Not t.Context(): it is done by the time Cleanup drops the schema.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvURL, err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}
