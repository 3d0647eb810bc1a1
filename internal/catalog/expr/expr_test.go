package expr_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/catalog/expr"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// keys are the partition keys of the tests' table.
var keys = []glue.Column{
	{Name: "region", Type: "string"}, {Name: "year", Type: "int"}, {Name: "big", Type: "bigint"},
	{Name: "dt", Type: "date"}, {Name: "ts", Type: "timestamp"}, {Name: "price", Type: "decimal(10,2)"},
	{Name: "code", Type: "varchar(8)"},
}

// row builds partition values in key order.
func row(region, year, big, dt, ts, price, code string) []string {
	return []string{region, year, big, dt, ts, price, code}
}

var eu = row("eu-west", "2024", "9000000000", "2024-03-01", "2024-03-01 10:00:00", "10.50", "A_1")

// Ensure every operator, on every kind of key, gives Glue's answer, and
// that AND, OR, NOT and parentheses combine them with the usual precedence.
func TestMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expr string
		want bool
	}{
		{"", true},
		{"region = 'eu-west'", true},
		{"region = \"eu-west\"", true},
		{"region <> 'eu-west'", false},
		{"region != 'us'", true},
		{"region > 'eu'", true},
		{"REGION = 'eu-west'", true},
		{"`region` = 'eu-west'", true},
		{"year = 2024", true},
		{"year = '2024'", true},
		{"year > 999", true},   // numeric, not text, comparison
		{"year < 10000", true}, // "2024" < "10000" would be false as text
		{"year >= 2024 AND year <= 2024", true},
		{"year BETWEEN 2020 AND 2024", true},
		{"year NOT BETWEEN 2020 AND 2024", false},
		{"year IN (2023, 2024)", true},
		{"year NOT IN (2023, 2024)", false},
		{"big > 8999999999", true},
		{"dt = '2024-03-01'", true},
		{"dt < '2024-12-31'", true},
		{"dt BETWEEN '2024-01-01' AND '2024-02-29'", false},
		{"ts > '2024-03-01 09:59:59'", true},
		{"ts = '2024-03-01 10:00:00'", true},
		{"price > 10.4", true},
		{"price = 10.5", true},
		{"price < 10", false},
		{"region LIKE 'eu%'", true},
		{"region LIKE 'EU%'", false},
		{"region LIKE 'eu_west'", true},
		{"region LIKE 'eu'", false},
		{"region NOT LIKE 'us%'", true},
		{"code LIKE 'A_1'", true},
		{"region = 'us' OR year = 2024", true},
		{"region = 'us' OR year = 2024 AND big = 0", false}, // AND binds tighter
		{"(region = 'us' OR year = 2024) AND NOT big = 0", true},
		{"NOT (region = 'eu-west')", false},
		{"NOT NOT region = 'eu-west'", true},
	}
	for _, c := range cases {
		e, err := expr.Parse(c.expr, keys)
		require.NoError(t, err, c.expr)
		require.Equal(t, c.want, expr.Match(e, eu), c.expr)
	}
}

// Ensure a numeric key whose value is not a number matches no comparison.
func TestMatch_NonNumericValue(t *testing.T) {
	t.Parallel()
	e, err := expr.Parse("year > 0", keys)
	require.NoError(t, err)
	require.False(t, expr.Match(e, row("eu", "n/a", "0", "2024-01-01", "", "0", "")))
}

// Ensure bad expressions are InvalidInputExceptions that say what is wrong.
func TestParse_Errors(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"nokey = 1":                   "Unknown column 'nokey'",
		"year = 'abc'":                "not a valid int",
		"price = 'x'":                 "not a valid decimal",
		"dt = '2024-13-01'":           "not a valid date",
		"ts = 'yesterday'":            "not a valid timestamp",
		"region = 'a' AND":            "syntax error",
		"region = 'a' region = 'b'":   "syntax error",
		"region = ":                   "expected a literal",
		"(region = 'a'":               "expected )",
		"region 'a'":                  "expected an operator",
		"region =< 'a'":               "unknown operator",
		"region = 'unterminated":      "unterminated string",
		"region IN ('a' 'b')":         "expected , or )",
		"region LIKE 5":               "quoted pattern",
		"region NOT = 'a'":            "expected BETWEEN, IN or LIKE",
		"year BETWEEN 1 OR 2":         "expected AND",
		"region = 'a' ; DROP TABLE x": "unexpected character",
		"AND = 1":                     "expected a partition key",
	}
	for in, frag := range cases {
		_, err := expr.Parse(in, keys)
		require.Error(t, err, in)
		require.True(t, glue.IsCode(err, glue.InvalidInput), "%s: %v", in, err)
		require.Contains(t, err.Error(), frag, in)
	}
	_, err := expr.Parse("flag = true", []glue.Column{{Name: "flag", Type: "boolean"}})
	require.ErrorContains(t, err, "cannot filter on")
}

// Ensure the SQL translation wraps one condition per predicate, on the
// numeric column for numeric keys, with literals as arguments only, in
// each dialect.
func TestSQL(t *testing.T) {
	t.Parallel()
	e, err := expr.Parse("region LIKE 'e*_%' AND (year IN (1, 2) OR NOT dt BETWEEN '2024-01-01' AND '2024-02-01')", keys)
	require.NoError(t, err)
	wrap := func(pos int, cond string) string { return "K" + string(rune('0'+pos)) + "[" + cond + "]" }
	sql, args := expr.SQL(e, expr.SQLite, nil, wrap)
	require.Equal(t, "(K0[str GLOB ?] AND (K1[num IN (?, ?)] OR NOT (K3[str BETWEEN ? AND ?])))", sql)
	require.Equal(t, []any{"e[*]?*", int64(1), int64(2), "2024-01-01", "2024-02-01"}, args)
	sql, args = expr.SQL(nil, expr.SQLite, nil, nil)
	require.Equal(t, "1", sql)
	require.Empty(t, args)
}

// Ensure the PostgreSQL dialect numbers its placeholders after the
// arguments already given, keeps a LIKE pattern as it is, with no escape
// character, and writes true as TRUE.
func TestSQL_PostgreSQL(t *testing.T) {
	t.Parallel()
	e, err := expr.Parse(`region LIKE 'e\\_%' AND (year IN (1, 2) OR NOT dt BETWEEN '2024-01-01' AND '2024-02-01') AND price > 1.5`, keys)
	require.NoError(t, err)
	wrap := func(pos int, cond string) string { return "K" + string(rune('0'+pos)) + "[" + cond + "]" }
	sql, args := expr.SQL(e, expr.PostgreSQL, []any{"before"}, wrap)
	require.Equal(t, "((K0[str LIKE $2 ESCAPE ''] AND (K1[num IN ($3, $4)] OR NOT (K3[str BETWEEN $5 AND $6]))) AND K5[num > $7])", sql)
	require.Equal(t, []any{"before", `e\_%`, int64(1), int64(2), "2024-01-01", "2024-02-01", 1.5}, args)
	sql, args = expr.SQL(nil, expr.PostgreSQL, nil, nil)
	require.Equal(t, "TRUE", sql)
	require.Empty(t, args)
}

// FuzzParse ensures no input makes the parser panic, and that what parses
// can be evaluated and translated.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"region = 'a'", "year BETWEEN 1 AND 2 OR NOT code LIKE '%x'", "(dt IN ('2024-01-01'))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := expr.Parse(s, keys)
		if err != nil {
			require.True(t, glue.IsCode(err, glue.InvalidInput))
			return
		}
		expr.Match(e, eu)
		expr.SQL(e, expr.SQLite, nil, func(int, string) string { return "1" })
		expr.SQL(e, expr.PostgreSQL, nil, func(int, string) string { return "TRUE" })
	})
}

// Ensure Number indexes as a number exactly what Match compares as one:
// not NaN or Inf, but every form an exact number may take, and clamps what
// a float64 cannot hold.
func TestNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]any{
		"2024": int64(2024), " 7 ": int64(7), "0x7E8": int64(2024), "10.5": 10.5, "1/4": 0.25,
		"9223372036854775808": 9223372036854775808.0, "1e400": math.MaxFloat64, "-1e400": -math.MaxFloat64,
		"NaN": nil, "inf": nil, "-Infinity": nil, "n/a": nil, "": nil,
	} {
		require.Equal(t, want, expr.Number(in), in)
	}
}
