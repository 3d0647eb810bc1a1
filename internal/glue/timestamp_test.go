package glue_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Ensure At keeps what the encoding keeps, so a Timestamp read back equals
// the one written: UTC, whole milliseconds (truncated, as the wire has
// always been), the zero time staying zero.
func TestAt(t *testing.T) {
	t.Parallel()
	local := time.Date(2023, 11, 15, 3, 43, 23, 7_654_321, time.FixedZone("IST", 5*3600+1800))
	got := glue.At(local)
	require.Equal(t, time.UTC, got.Location())
	require.Equal(t, time.Date(2023, 11, 14, 22, 13, 23, 7_000_000, time.UTC), got.Time)
	require.True(t, glue.At(time.Time{}).IsZero())
	require.Equal(t, glue.At(time.Unix(-2, 500_000_001)), glue.At(time.Unix(-2, 500_000_000)), "before the epoch too")
}

// Ensure a Timestamp marshals as epoch seconds and reads back equal, on
// its own, behind a pointer and where omitzero leaves it out.
func TestTimestamp_RoundTrip(t *testing.T) {
	t.Parallel()
	type doc struct {
		At   glue.Timestamp  `json:"At"`
		Opt  *glue.Timestamp `json:"Opt,omitempty"`
		Zero glue.Timestamp  `json:"Zero,omitzero"`
	}
	opt := glue.At(time.UnixMilli(-1_500))
	in := doc{At: glue.At(time.UnixMilli(1_700_000_000_123)), Opt: &opt}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	require.JSONEq(t, `{"At":1700000000.123,"Opt":-1.500}`, string(b))
	var out doc
	require.NoError(t, json.Unmarshal(b, &out))
	require.Equal(t, in, out)
}

// Ensure UnmarshalJSON reads every form a timestamp arrives in: epoch
// seconds as clients write them (integers, fractions, exponents) and RFC
// 3339 strings (version 1 documents, and requests that use them), and
// refuses anything else with a message naming the value.
func TestTimestamp_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	want := time.UnixMilli(1_700_000_000_123).UTC()
	for _, in := range []string{`1700000000.123`, `1.700000000123E9`, `1700000000.1234`, `"2023-11-14T22:13:20.123Z"`,
		`"2023-11-15T03:43:20.123999+05:30"`} {
		var ts glue.Timestamp
		require.NoError(t, json.Unmarshal([]byte(in), &ts), in)
		require.Equal(t, want, ts.Time, in)
	}
	var whole glue.Timestamp
	require.NoError(t, json.Unmarshal([]byte(`1700000000`), &whole))
	require.Equal(t, time.Unix(1_700_000_000, 0).UTC(), whole.Time)

	kept := glue.At(want)
	require.NoError(t, json.Unmarshal([]byte(`null`), &kept))
	require.Equal(t, glue.At(want), kept, "null leaves the value alone")

	for _, in := range []string{`"yesterday"`, `true`, `{}`, `1e300`, `"2023-11-14"`} {
		var ts glue.Timestamp
		err := json.Unmarshal([]byte(in), &ts)
		require.Error(t, err, in)
	}
	var ts glue.Timestamp
	require.ErrorContains(t, json.Unmarshal([]byte(`"yesterday"`), &ts), `timestamp "yesterday" is neither epoch seconds nor RFC 3339`)
}

// Ensure EpochSeconds writes seconds with at most three decimals, never an
// exponent, and no fraction for whole seconds.
func TestEpochSeconds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"epoch", time.Unix(0, 0), "0"},
		{"zero value", time.Time{}, "-62135596800"},
		{"whole", time.Unix(1_700_000_000, 0), "1700000000"},
		{"millis", time.Unix(1_700_000_000, 123_000_000), "1700000000.123"},
		{"leading zeros", time.Unix(1_700_000_000, 7_000_000), "1700000000.007"},
		{"trailing zero", time.Unix(1_700_000_000, 120_000_000), "1700000000.120"},
		{"sub-millisecond truncated", time.Unix(1_700_000_000, 999_999_999), "1700000000.999"},
		{"sub-millisecond only", time.Unix(1_700_000_000, 999_999), "1700000000"},
		{"zoned", time.Unix(1_700_000_000, 500_000_000).In(time.FixedZone("X", -7*3600)), "1700000000.500"},
		{"far future", time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC), "253402300799.999"},
		{"negative whole", time.Unix(-2, 0), "-2"},
		{"negative large whole", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), "-2208988800"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := glue.EpochSeconds(tt.t)
			require.Equal(t, json.Number(tt.want), got)
			require.NotContains(t, string(got), "e")
			f, err := got.Float64()
			require.NoError(t, err)
			require.InDelta(t, float64(tt.t.UnixMilli())/1000, f, 1e-3)
		})
	}
}

// Ensure EpochSeconds keeps the value of times before the epoch that have a
// fractional second: -1.5 s must read -1.500, not -2.500.
func TestEpochSeconds_NegativeFraction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"minus one and a half", time.Unix(0, 0).Add(-1500 * time.Millisecond), "-1.500"},
		{"minus half", time.Unix(0, 0).Add(-500 * time.Millisecond), "-0.500"},
		{"minus one milli", time.Unix(0, 0).Add(-time.Millisecond), "-0.001"},
		{"1969", time.Date(1969, 12, 31, 23, 59, 58, 250_000_000, time.UTC), "-1.750"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, json.Number(tt.want), glue.EpochSeconds(tt.t))
		})
	}
}
